#!/usr/bin/env python3
"""Benchmark: blue-green under steady load: the preview, the promotion, the switch back.

The real daemon runs the example service with `strategy: blue_green` (preview on the header
`X-Slipway-Preview: 1`, `watch: 5m` so the old release stays warm). A load generator (loadgen.py)
runs through the proxy the whole time; `--rounds` times the script deploys the next release, waits
until it is previewing, checks that production still answers only from the old release while the
preview header reaches the new one, runs `slipway rollout web promote`, then `slipway rollback web`.
Reported: failed requests (goal 0), production requests the new release answered before its
promotion (goal 0), and for the promotion and the switch back the time from the command's start to
the first request that the other release answered (goal ≤ 100 ms each).

    scripts/bench/bluegreen.py [--rounds 5] [--rate 300] [--connections 8]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from cutover import start_load, stop_load  # noqa: E402
from loadgen import read_records  # noqa: E402


def repository(directory: Path, proxy_port: int, versions: int) -> None:
    config = (f"proxy:\n  listen: 127.0.0.1:{proxy_port}\nservices:\n  web:\n"
              f"    run: {b.example_bin()}\n    route:\n      path: /\n" + b.health_block("50ms")
              + "    drain_timeout: 10s\n    stop_timeout: 10s\n    watch: 5m\n    retain: 10\n"
              + "    strategy: blue_green\n    blue_green:\n      preview: { header: \"X-Slipway-Preview: 1\" }\n")
    b.make_repository(directory, config, {}, [f"v{i}" for i in range(versions)])


def preview_version(port: int) -> str:
    """The version that answers a request carrying the preview header."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as connection:
        connection.sendall(b"GET / HTTP/1.1\r\nHost: bench\r\nX-Slipway-Preview: 1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    for line in answer.split(b"\r\n"):
        if line.lower().startswith(b"x-release-version:"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


def wait_previewing(daemon: b.Daemon, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = daemon.cli("rollout", "web", "--json", check=False)
        if result.returncode == 0 and json.loads(result.stdout).get("phase") == "previewing":
            return
        time.sleep(0.05)
    raise RuntimeError("the release never reached its preview")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rate", type=float, default=300, help="total requests per second (default 300)")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-bluegreen-")
    b.log(f"working in {root}")
    proxy_port = b.free_port()
    repo = root / "repo"
    repository(repo, proxy_port, args.rounds + 1)
    daemon = b.Daemon(repo, root / "daemon.log").start()
    load = None
    try:
        assert b.run_timed(repo, ["deploy", "web", "--ref", "v0"]).returncode == 0
        print(b.machine_line())
        load = start_load(proxy_port, root / "records.tsv", args.connections, args.rate)
        time.sleep(2)
        rounds = []
        old = "v0"
        for i in range(1, args.rounds + 1):
            new = f"v{i}"
            deploy = subprocess.Popen([b.slipway_bin(), "deploy", "web", "--ref", new], cwd=repo,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_previewing(daemon)
            previewed_at = time.monotonic()
            seen = preview_version(proxy_port)
            time.sleep(1)
            promote = b.run_timed(repo, ["rollout", "web", "promote"])
            assert deploy.wait(timeout=120) == 0, f"deploy {new} failed"
            time.sleep(1)
            back = b.run_timed(repo, ["rollback", "web"])
            b.log(f"round {i}: preview answered {seen}; promote exit {promote.returncode}, rollback exit {back.returncode}")
            rounds.append((old, new, previewed_at, seen, promote, back))
            time.sleep(1)
            # Forward again, so the next round previews on top of the newest release.
            assert b.run_timed(repo, ["rollback", "web", "--to", new]).returncode == 0
            old = new
            time.sleep(1)
        stop_load(load)
        load = None
        report(read_records(root / "records.tsv"), rounds, args)
    finally:
        if load:
            stop_load(load)
        daemon.stop()


def report(rows, rounds, args) -> None:
    def first_answer(version: str, after: float) -> float | None:
        times = [sent for sent, done, status, kind, v in rows if kind == "ok" and v == version and sent >= after]
        return min(times) if times else None

    print()
    print(f"## blue-green under load: {args.rounds} rounds of preview, promote and rollback, "
          f"{args.connections} keep-alive connections at {args.rate:g} req/s")
    print()
    header = ["round", "preview answered", "prod. requests to the new release before promote", "promote → first new ms",
              "rollback → first old ms"]
    body = []
    promotes, backs = [], []
    for index, (old, new, previewed_at, seen, promote, back) in enumerate(rounds, 1):
        leaked = sum(1 for sent, done, status, kind, v in rows if v == new and previewed_at <= sent < promote.started)
        to_new = first_answer(new, promote.started)
        to_old = first_answer(old, back.started)
        promote_ms = (to_new - promote.started) * 1000 if to_new else None
        back_ms = (to_old - back.started) * 1000 if to_old else None
        promotes.append(promote_ms)
        backs.append(back_ms)
        body.append([str(index), f"{seen} (old {old}, new {new})", str(leaked), b.fmt(promote_ms, 1), b.fmt(back_ms, 1)])
    print(b.table(header, body))
    failed = [r for r in rows if r[3] != "ok"]
    print()
    print(f"Failed requests: {len(failed)} of {len(rows)}. Promote → first new, median "
          f"{b.fmt(b.median([p for p in promotes if p is not None]), 1)} ms; rollback → first old, median "
          f"{b.fmt(b.median([p for p in backs if p is not None]), 1)} ms (each includes starting the CLI process).")
    print()
    print("```")
    print(b.reproduce_line("bluegreen.py", sys.argv[1:]))
    print("```")


if __name__ == "__main__":
    main()
