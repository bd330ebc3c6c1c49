#!/usr/bin/env python3
"""Profiles Slipway's proxy under wrk load with perf (software cpu-clock event: this machine's
virtualized CPUs expose no hardware counters; `perf stat -e instructions true` says
"<not supported>") and prints the hottest symbols, self and with children.

    profile_proxy.py [--seconds 10] [--connections 10] [--path /100b] [--close] [--top 40]

Same setup as proxy_vs_nginx.py: the real daemon in front of a static nginx upstream. perf attaches
to the proxy process's pid only (`.slipway/proxy.json`; the daemon's with a build from before issue
13); the data file is kept for `perf report -i`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--path", default="/100b")
    parser.add_argument("--close", action="store_true", help="a new connection per request")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--call-graph", default="", help="perf --call-graph value, e.g. dwarf (default: none)")
    args = parser.parse_args()

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-profile-")
    proxy_port = b.free_port()
    repo = root / "repo"
    b.static_upstream_repository(repo, proxy_port)
    daemon = b.Daemon(repo, root / "daemon.log").start()
    try:
        daemon.deploy_json("static", "v1")
        script = b.wrk_script(root / "report.lua")
        url = f"http://127.0.0.1:{proxy_port}{args.path}"
        b.wrk(url, args.connections, 2, script, close=args.close)  # warm-up
        data = root / "perf.data"
        perf = ["perf", "record", "-e", "cpu-clock", "-F", "1999", "-p", str(b.proxy_pid(repo) or daemon.pid), "-o", str(data)]
        if args.call_graph:
            perf += ["--call-graph", args.call_graph]
        recorder = subprocess.Popen(perf + ["--", "sleep", str(args.seconds)], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        result = {}
        load = threading.Thread(target=lambda: result.update(r=b.wrk(url, args.connections, args.seconds - 1,
                                                                      script, close=args.close)))
        load.start()
        load.join()
        recorder.wait()
        r = result["r"]
        print(f"load: {r.command}\n  {r.rps:.0f} req/s, p50 {r.p50_ms:.3f} ms, p99 {r.p99_ms:.3f} ms, errors {r.errors or 0}")
        report = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--percent-limit", "0.4",
                                 "--sort", "dso,symbol"], capture_output=True, text=True).stdout
        lines = [l for l in report.splitlines() if l.strip() and not l.startswith("#")]
        print("\nself time by symbol (perf, cpu-clock):")
        for line in lines[:args.top]:
            print(line[:200])
        dsos = subprocess.run(["perf", "report", "-i", str(data), "--stdio", "--no-children", "--sort", "dso"],
                              capture_output=True, text=True).stdout
        print("\nself time by object:")
        for line in [l for l in dsos.splitlines() if l.strip() and not l.startswith("#")][:12]:
            print(line)
        print(f"\nperf data: {data}  (perf report -i {data})")
        print(f"reproduce: {b.reproduce_line('profile_proxy.py', sys.argv[1:])}")
    finally:
        daemon.stop()


if __name__ == "__main__":
    main()
