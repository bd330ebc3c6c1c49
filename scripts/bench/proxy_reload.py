#!/usr/bin/env python3
"""Benchmark 7: `slipway proxy reload` under load (issue 13).

The real daemon runs the example service; a load generator (loadgen.py: keep-alive connections at
a fixed rate, one record per request) and wrk with a new connection per request (`Connection:
close`) send traffic through the proxy the whole time, while the script runs `slipway proxy reload`
`--reloads` times, `--every` seconds apart: each starts a new proxy process that takes the
listening socket (SCM_RIGHTS) while the old one drains and exits. Afterwards it deploys v1 and v0
to show that the daemon drives the new process. It reports every failed request by kind (goal: 0),
the proxy processes seen, and how long each reload command took.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from cutover import example_repository, start_load, stop_load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reloads", type=int, default=20)
    parser.add_argument("--every", type=float, default=1.0)
    parser.add_argument("--rate", type=float, default=1000, help="keep-alive load, requests per second")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--close-connections", type=int, default=8, help="wrk connections, a new one per request (0: none)")
    args = parser.parse_args()
    argv = sys.argv[1:]

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-reload-")
    b.log(f"working in {root}")
    proxy_port = b.free_port()
    repo = root / "repo"
    example_repository(repo, proxy_port, 2, "1s")
    daemon = b.Daemon(repo, root / "daemon-0.log").start()
    load = wrk = None
    pids, took = set(), []
    try:
        assert b.run_timed(repo, ["deploy", "web", "--ref", "v0"]).returncode == 0
        print(b.machine_line())
        pids.add(b.proxy_pid(repo))
        load = start_load(proxy_port, root / "records.tsv", args.connections, args.rate)
        script = b.wrk_script(root / "report.lua")
        if args.close_connections:
            wrk = b.start_close_wrk(proxy_port, args.close_connections, script)
        time.sleep(2)
        for _ in range(args.reloads):
            time.sleep(args.every)
            started = time.monotonic()
            daemon.cli("proxy", "reload")
            took.append((time.monotonic() - started) * 1000)
            pids.add(b.proxy_pid(repo))
        deploys, rows, wrk_result = b.deploy_then_stop_loads(repo, load, wrk, root / "records.tsv", stop_load)
        load = wrk = None
        print()
        print(f"## `slipway proxy reload` {args.reloads} times, {args.every:g} s apart, under load")
        print()
        print(b.failures_table(rows, wrk_result))
        print()
        took.sort()
        print(f"reloads: {len(took)}; proxy processes seen: {len(pids - {None})}")
        print(f"`slipway proxy reload` until the new process serves: p50 {b.fmt(b.percentile(took, 50))} ms, "
              f"max {b.fmt(took[-1] if took else None)} ms")
        print(f"deploys afterwards (v1, then v0): exit {deploys}")
        print()
        print(f"reproduce: {b.reproduce_line('proxy_reload.py', argv)}")
    finally:
        if load:
            stop_load(load)
        if wrk:
            wrk.kill()
        daemon.stop()


if __name__ == "__main__":
    main()
