#!/usr/bin/env python3
"""Holds many idle keep-alive HTTP connections open on 127.0.0.1, for the scale benchmark.

    idle_clients.py --port P --count 10000 [--path /100b] [--batch 500]

Opens `count` connections (`batch` at a time), sends one keep-alive GET on each and reads its
response, so each is a real, used HTTP connection; prints `held N failed M` and then sits idle
until SIGTERM/SIGINT, when it prints how many are still open (the server has not closed them)
and closes them all.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import signal

from loadgen import read_response


async def open_one(port, request):
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 10)
    writer.write(request)
    await asyncio.wait_for(read_response(reader), 10)
    return reader, writer


async def main(args):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    request = f"GET {args.path} HTTP/1.1\r\nHost: bench\r\n\r\n".encode()
    held, failed = [], 0
    for start in range(0, args.count, args.batch):
        n = min(args.batch, args.count - start)
        results = await asyncio.gather(*(open_one(args.port, request) for _ in range(n)), return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                failed += 1
            else:
                held.append(r)
    print(f"held {len(held)} failed {failed}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    still_open = sum(1 for reader, _ in held if not reader.at_eof())
    print(f"still open {still_open}", flush=True)
    for _, writer in held:
        writer.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--path", default="/100b")
    parser.add_argument("--batch", type=int, default=500)
    asyncio.run(main(parser.parse_args()))
