#!/usr/bin/env python3
"""Benchmark: `strategy: recreate` under steady load, with a release that takes a while to start.

The real daemon runs the example service with `strategy: recreate` (`hold_requests: 10s`); each
new release sleeps `--startup` before it listens (the example's STARTUP file). A load generator
(loadgen.py) runs through the proxy the whole time while the script deploys `--deploys` releases
in a row. Between the old release's stop and the new one's first answer nothing serves: the proxy
holds those requests and sends them on once the new release took the route. Reported: failed
requests (goal 0), and the latency of requests sent inside each deploy's window against the
steady state before it (p50, p99, max: what a held request waited).

    scripts/bench/recreate.py [--deploys 5] [--startup 1000ms] [--rate 200] [--connections 8]
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


def repository(directory: Path, proxy_port: int, versions: int, startup: str) -> None:
    config = (f"proxy:\n  listen: 127.0.0.1:{proxy_port}\nservices:\n  web:\n"
              f"    run: {b.example_bin()}\n    route:\n      path: /\n" + b.health_block("50ms")
              + "    drain_timeout: 10s\n    stop_timeout: 10s\n    watch: 0s\n    retain: 3\n"
              + "    strategy: recreate\n    recreate: { hold_requests: 10s }\n")
    b.make_repository(directory, config, {"STARTUP": startup + "\n"}, [f"v{i}" for i in range(versions)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deploys", type=int, default=5)
    parser.add_argument("--startup", default="1000ms", help="how long each release waits before it listens (default 1000ms)")
    parser.add_argument("--rate", type=float, default=200, help="total requests per second (default 200)")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-recreate-")
    b.log(f"working in {root}")
    proxy_port = b.free_port()
    repo = root / "repo"
    repository(repo, proxy_port, args.deploys + 1, args.startup)
    rows, deploys, steady = deploys_under_load(root, repo, proxy_port, args, pause=1)
    report(rows, deploys, steady, args)


def deploys_under_load(root: Path, repo: Path, proxy_port: int, args, pause: float):
    """The real daemon over `repo`: v0 deployed, then `args.deploys` deploys in a row (`pause` s
    apart) while loadgen.py sends `args.rate` req/s over `args.connections`; returns the load's
    records, the deploy commands and a steady-state window from before them."""
    daemon = b.Daemon(repo, root / "daemon.log").start()
    load = None
    try:
        first = b.run_timed(repo, ["deploy", "web", "--ref", "v0"])
        assert first.returncode == 0, first.output()
        print(b.machine_line())
        load = start_load(proxy_port, root / "records.tsv", args.connections, args.rate)
        time.sleep(3)
        steady = (time.monotonic() - 2, time.monotonic())
        deploys = []
        for i in range(1, args.deploys + 1):
            command = b.run_timed(repo, ["deploy", "web", "--ref", f"v{i}"])
            b.log(f"deploy v{i}: exit {command.returncode} in {command.wall:.2f}s")
            deploys.append(command)
            time.sleep(pause)
        stop_load(load)
        load = None
        return read_records(root / "records.tsv"), deploys, steady
    finally:
        if load:
            stop_load(load)
        daemon.stop()


def report(rows, deploys, steady, args, script: str = "recreate.py") -> None:
    def latencies(windows):
        return sorted((done - sent) * 1000 for sent, done, status, kind, version in rows
                      if kind == "ok" and any(a <= sent <= z for a, z in windows))

    windows = [(c.started, c.ended) for c in deploys]
    inside = [r for r in rows if any(a <= r[0] <= z for a, z in windows)]
    failed = [r for r in rows if r[3] != "ok"]
    print()
    title = getattr(args, "title", f"recreate under load: {args.deploys} deploys, each release listening after {args.startup}")
    print(f"## {title}, {args.connections} keep-alive connections at {args.rate:g} req/s")
    print()
    header = ["window", "requests", "failed", "p50 ms", "p99 ms", "max ms"]
    body = []
    for name, values, count, fails in (("steady state", latencies([steady]), None, None),
                                       ("inside the deploys", latencies(windows), len(inside),
                                        sum(1 for r in inside if r[3] != "ok"))):
        body.append([name, str(count if count is not None else len(values)), str(fails if fails is not None else 0),
                     b.fmt(b.percentile(values, 50), 1), b.fmt(b.percentile(values, 99), 1),
                     b.fmt(values[-1] if values else None, 1)])
    print(b.table(header, body))
    print()
    exits = [c.returncode for c in deploys]
    print(f"Deploys: exit codes {exits}; wall {b.fmt(b.median([c.wall for c in deploys]), 2)} s median. "
          f"Failed requests over the whole run: {len(failed)} of {len(rows)}.")
    print()
    print("```")
    print(b.reproduce_line(script, sys.argv[1:]))
    print("```")


if __name__ == "__main__":
    main()
