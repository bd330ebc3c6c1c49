#!/usr/bin/env python3
"""Constant HTTP load with one record per request, for the cutover and rollback benchmarks.

    loadgen.py --port P --connections 16 --rate 2000 --out records.tsv [--path /] [--seconds MAX]

Each of `connections` keep-alive connections sends GET `path`, reads the whole response, and sends
the next at its next slot (rate / connections per second per connection; a late request goes at
once, it is never skipped). Runs until SIGTERM/SIGINT or `--seconds`, then writes one line per
request: send time, completion time (time.monotonic(), comparable across processes on Linux),
status (0 when none), failure kind, X-Release-Version. Kinds, counted apart:

    ok        a 2xx response
    status    a complete response that is not 2xx
    connect   the connection could not be opened (refused, ...)
    reset     the connection was reset (ECONNRESET, EPIPE) before the response ended
    closed    the peer closed cleanly before the response ended
    timeout   no complete response within --timeout

A failed connection is replaced by a new one; the next request goes on it.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import time

KINDS = ("ok", "status", "connect", "reset", "closed", "timeout")


class Recorder:
    def __init__(self):
        self.rows: list[tuple[float, float, int, int, str]] = []

    def add(self, sent, done, status, kind, version):
        self.rows.append((sent, done, status, kind, version))


async def read_response(reader: asyncio.StreamReader) -> tuple[int, str, bool]:
    """(status, X-Release-Version, keep-alive) after reading the body (Content-Length or chunked)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, chunked, version, keep_alive = 0, False, "", True
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        value = value.strip()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "x-release-version":
            version = value
        elif name == "connection" and value.lower() == "close":
            keep_alive = False
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, version, keep_alive


async def connection_loop(index, args, recorder: Recorder, stop: asyncio.Event):
    interval = args.connections / args.rate
    request = f"GET {args.path} HTTP/1.1\r\nHost: {args.host_header}\r\n\r\n".encode()
    next_slot = time.monotonic() + interval * index / args.connections
    reader = writer = None
    while not stop.is_set():
        now = time.monotonic()
        if next_slot > now:
            await asyncio.sleep(next_slot - now)
        next_slot = max(next_slot + interval, time.monotonic() - interval)
        sent = time.monotonic()
        if writer is None:
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", args.port), args.timeout)
            except asyncio.TimeoutError:
                recorder.add(sent, time.monotonic(), 0, KINDS.index("timeout"), "")
                continue
            except OSError:
                recorder.add(sent, time.monotonic(), 0, KINDS.index("connect"), "")
                continue
        try:
            writer.write(request)
            status, version, keep_alive = await asyncio.wait_for(read_response(reader), args.timeout)
            kind = "ok" if 200 <= status < 300 else "status"
            recorder.add(sent, time.monotonic(), status, KINDS.index(kind), version)
            if not keep_alive:
                writer.close()
                writer = None
            continue
        except asyncio.TimeoutError:
            kind = "timeout"
        except (ConnectionResetError, BrokenPipeError):
            kind = "reset"
        except (asyncio.IncompleteReadError, ConnectionError, EOFError):
            kind = "closed"
        except OSError:
            kind = "reset"
        recorder.add(sent, time.monotonic(), 0, KINDS.index(kind), "")
        writer.close()
        writer = None
    if writer is not None:
        writer.close()


async def main_async(args):
    recorder = Recorder()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if args.seconds:
        loop.call_later(args.seconds, stop.set)
    print("loadgen: running", flush=True)
    await asyncio.gather(*(connection_loop(i, args, recorder, stop) for i in range(args.connections)))
    with open(args.out, "w") as f:
        for sent, done, status, kind, version in recorder.rows:
            f.write(f"{sent:.6f}\t{done:.6f}\t{status}\t{KINDS[kind]}\t{version}\n")
    print(f"loadgen: {len(recorder.rows)} requests written to {args.out}", flush=True)


def read_records(path):
    rows = []
    with open(path) as f:
        for line in f:
            sent, done, status, kind, version = line.rstrip("\n").split("\t")
            rows.append((float(sent), float(done), int(status), kind, version))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/")
    parser.add_argument("--host-header", default="bench")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=float, default=2000, help="requests per second, all connections together")
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0: at SIGTERM)")
    parser.add_argument("--out", required=True)
    asyncio.run(main_async(parser.parse_args()))
