#!/usr/bin/env python3
"""Benchmark: canary rollouts under steady load, judged by the proxy's own figures.

The real daemon runs the example service with `strategy: canary` (steps 5 → 50 → 100, one
analysis window of `--interval` per step, min_requests 50, error rate relative 0.5 with a 1% floor,
p95 at most 2× the baseline's). A load generator (loadgen.py) runs through the proxy the whole
time while the script deploys, in turn:

- v1, whose `/` answers 500 to 20% of requests (the example's ERRORS file): it must be aborted by
  the error-rate rule; reported: the time from the rollout's start to the abort, in analysis
  intervals, and the requests users saw fail, against the bound weight × rate × time;
- v2, 50 ms slower per request (LATENCY): it must be aborted by the latency rule;
- v3, healthy: it must go through every step with no failed request; reported: the rollout's wall
  time against steps × interval, and the overhead.

    scripts/bench/canary.py [--interval 5s] [--rate 400] [--connections 8]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from cutover import start_load, stop_load  # noqa: E402
from loadgen import read_records  # noqa: E402

RELEASES = {"v0": {}, "v1": {"ERRORS": "20%"}, "v2": {"LATENCY": "50ms"}, "v3": {}}


def repository(directory: Path, proxy_port: int, interval: str) -> None:
    config = (f"proxy:\n  listen: 127.0.0.1:{proxy_port}\nservices:\n  web:\n"
              f"    run: {b.example_bin()}\n    route:\n      path: /\n" + b.health_block("100ms")
              + "    drain_timeout: 10s\n    stop_timeout: 10s\n    watch: 0s\n    retain: 5\n"
              + "    strategy: canary\n    canary:\n      steps: [5, 50, 100]\n"
              + f"      interval: {interval}\n      analysis:\n        min_requests: 50\n"
              + "        error_rate: { relative: 0.5, floor: 0.01 }\n        latency_p95: { max_ratio: 2.0 }\n")
    b.make_repository(directory, config, {}, [])
    for version, files in RELEASES.items():
        (directory / "VERSION").write_text(version + "\n")
        for name in ("ERRORS", "LATENCY"):
            path = directory / name
            if name in files:
                path.write_text(files[name] + "\n")
            elif path.exists():
                path.unlink()
        b.git(directory, "add", "-A")
        b.git(directory, "commit", "-q", "-m", f"release {version}")
        b.git(directory, "tag", version)


def seconds(text: str) -> float:
    return float(text[:-2]) / 1000 if text.endswith("ms") else float(text[:-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--interval", default="5s", help="the canary's analysis interval (default 5s)")
    parser.add_argument("--rate", type=float, default=400, help="total requests per second (default 400)")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    interval = seconds(args.interval)

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-canary-")
    b.log(f"working in {root}")
    proxy_port = b.free_port()
    repo = root / "repo"
    repository(repo, proxy_port, args.interval)
    daemon = b.Daemon(repo, root / "daemon.log").start()
    load = None
    try:
        first = b.run_timed(repo, ["deploy", "web", "--ref", "v0"])
        assert first.returncode == 0, first.output()
        print(b.machine_line())
        load = start_load(proxy_port, root / "records.tsv", args.connections, args.rate)
        time.sleep(3)
        runs = []
        for ref in ("v1", "v2", "v3"):
            command = b.run_timed(repo, ["deploy", "web", "--ref", ref])
            b.log(f"deploy {ref}: exit {command.returncode} in {command.wall:.2f}s")
            runs.append((ref, command))
            time.sleep(2)
        stop_load(load)
        load = None
        rows = read_records(root / "records.tsv")
        report(rows, runs, interval, args)
    finally:
        if load:
            stop_load(load)
        daemon.stop()


def report(rows, runs, interval: float, args) -> None:
    print()
    print(f"## Canary rollouts under load: steps 5 → 50 → 100, interval {args.interval}, "
          f"{args.connections} keep-alive connections at {args.rate:g} req/s")
    print()
    header = ["release", "exit", "rollout s", "in intervals", "requests", "failed", "failed by the canary", "bound", "verdict"]
    body = []
    for ref, command in runs:
        start = command.stage_start.get("rollout")
        end = command.stage_end.get("rollout")
        duration = (end - start) if start and end else None
        inside = [r for r in rows if command.started <= r[0] <= command.ended]
        failed = [r for r in inside if r[3] != "ok"]
        by_canary = [r for r in failed if r[4] == ref]
        # The canary's share of the requests over its life, at the failing rate it was given.
        rate = 0.2 if "ERRORS" in RELEASES[ref] else 0.0
        bound = 0.05 * rate * args.rate * duration if duration else 0
        verdict = next((line for _, line in command.lines if "canary " in line and ("error rate" in line or "p95" in line)), "")
        body.append([ref, str(command.returncode), b.fmt(duration, 2), b.fmt(duration / interval if duration else None, 2),
                     str(len(inside)), str(len(failed)), str(len(by_canary)), b.fmt(bound, 0),
                     verdict.strip()[:110]])
    print(b.table(header, body))
    print()
    print(f"The healthy canary's rollout ran 2 analysis windows (5% and 50%; 100% is the switch): "
          f"{2 * interval:.1f} s of windows.")
    print()
    print("```")
    print(b.reproduce_line("canary.py", sys.argv[1:]))
    print("```")


if __name__ == "__main__":
    main()
