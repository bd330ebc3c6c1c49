#!/usr/bin/env python3
"""Benchmark 6: the controller killed under load (issue 13).

The real daemon runs the example service; a load generator (loadgen.py: keep-alive connections at
a fixed rate, one record per request) and wrk with a new connection per request (`Connection:
close`) send traffic through the proxy the whole time, while the script kills `slipway serve` with
SIGKILL every `--every` seconds (at most) for `--seconds` seconds and starts it again each time (the new
daemon adopts the proxy process and the release that kept serving). With `--deploys` (the
default) a deploy of the other version starts shortly before each kill (up to `--deploy-window`
seconds), so that the kill usually interrupts it mid-way (build, health gate, switch or drain): the next daemon must recover
it without failing a request. Afterwards it deploys v1 and v0 again to show that deployments work. It reports every failed request by kind (goal: 0), the
proxy process ids seen (one: it was never restarted), and how long each daemon took to be back.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from cutover import example_repository, start_load, stop_load  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--every", type=float, default=2.0)
    parser.add_argument("--rate", type=float, default=1000, help="keep-alive load, requests per second")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--close-connections", type=int, default=8, help="wrk connections, a new one per request (0: none)")
    parser.add_argument("--deploy-window", type=float, default=0.6,
                        help="the deploy starts up to this many seconds before the kill (default 0.6)")
    parser.add_argument("--no-deploys", dest="deploys", action="store_false",
                        help="do not start a deploy after each restart (kills then land on an idle daemon)")
    args = parser.parse_args()
    argv = sys.argv[1:]

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-kill-")
    b.log(f"working in {root}")
    proxy_port = b.free_port()
    repo = root / "repo"
    example_repository(repo, proxy_port, 2, "1s")
    daemon = b.Daemon(repo, root / "daemon-0.log").start()
    load = wrk = None
    pids, back = set(), []
    kills = 0
    interrupted = []
    deploy = None
    rng = random.Random(13)
    try:
        assert b.run_timed(repo, ["deploy", "web", "--ref", "v0"]).returncode == 0
        print(b.machine_line())
        pids.add(b.proxy_pid(repo))
        load = start_load(proxy_port, root / "records.tsv", args.connections, args.rate)
        script = b.wrk_script(root / "report.lua")
        if args.close_connections:
            wrk = b.start_close_wrk(proxy_port, args.close_connections, script)
        time.sleep(2)
        end = time.monotonic() + args.seconds
        while time.monotonic() < end:
            if args.deploys:
                # The deploy starts a random moment (seeded: repeatable) before the kill, so that the
                # kill lands in its export, build, start, health gate, switch or drain.
                head_start = rng.uniform(0.02, args.deploy_window)
                time.sleep(max(args.every - head_start, 0))
                ref = "v1" if kills % 2 == 0 else "v0"
                deploy = subprocess.Popen([b.slipway_bin(), "deploy", "web", "--ref", ref], cwd=repo,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(head_start)
            else:
                time.sleep(args.every)
            daemon.process.send_signal(signal.SIGKILL)
            daemon.process.wait()
            if deploy:
                interrupted.append(deploy.wait())
                deploy = None
            kills += 1
            started = time.monotonic()
            daemon = b.Daemon(repo, root / f"daemon-{kills}.log").start()
            back.append((time.monotonic() - started) * 1000)
            pids.add(b.proxy_pid(repo))
        deploys, rows, wrk_result = b.deploy_then_stop_loads(repo, load, wrk, root / "records.tsv", stop_load)
        load = wrk = None
        print()
        print(f"## The controller killed every {args.every:g} s for {args.seconds:g} s under load")
        print()
        print(b.failures_table(rows, wrk_result))
        print()
        back.sort()
        print(f"daemons killed with SIGKILL: {kills}; proxy processes seen: {len(pids - {None})} (pids {sorted(pids - {None})})")
        print(f"a new daemon answering `slipway status` after the kill: p50 {b.fmt(b.percentile(back, 50))} ms, "
              f"max {b.fmt(back[-1] if back else None)} ms")
        if args.deploys:
            print(f"deploys started shortly before each kill: {len(interrupted)}; their exit codes "
                  f"(7: the daemon was killed under them; 0: done before the kill): "
                  f"{ {c: interrupted.count(c) for c in sorted(set(interrupted))} }")
        print(f"deploys afterwards (v1, then v0): exit {deploys}")
        print()
        print(f"reproduce: {b.reproduce_line('controller_kill.py', argv)}")
    finally:
        if load:
            stop_load(load)
        if wrk:
            wrk.kill()
        if deploy:
            deploy.kill()
        daemon.stop()


if __name__ == "__main__":
    main()
