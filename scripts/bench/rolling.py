#!/usr/bin/env python3
"""Benchmark: `strategy: rolling` over three replicas, many deploys in a row under steady load.

The real daemon runs the example service with `replicas: 3`, `strategy: rolling` (`max_surge`
and `max_unavailable` as given); each release sleeps `--startup` before it listens (the example's
STARTUP file), so each new instance spends a while starting beside the others. A load generator
(loadgen.py) runs through the proxy the whole time while the script deploys `--deploys` releases
in a row, each replacing the three instances of the one before. Reported: failed requests (goal
0), each deploy's exit code and wall time, and the latency of requests sent inside the deploys
against the steady state before them (p50, p99, max).

    scripts/bench/rolling.py [--deploys 20] [--startup 200ms] [--surge 1] [--unavailable 0] [--rate 200]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from recreate import deploys_under_load, report  # noqa: E402


def repository(directory: Path, proxy_port: int, versions: int, startup: str, surge: int, unavailable: int) -> None:
    config = (f"proxy:\n  listen: 127.0.0.1:{proxy_port}\nservices:\n  web:\n"
              f"    run: {b.example_bin()}\n    route:\n      path: /\n" + b.health_block("50ms")
              + "    drain_timeout: 10s\n    stop_timeout: 10s\n    watch: 0s\n    retain: 3\n"
              + "    replicas: 3\n    strategy: rolling\n"
              + f"    rolling: {{ max_surge: {surge}, max_unavailable: {unavailable} }}\n")
    b.make_repository(directory, config, {"STARTUP": startup + "\n"}, [f"v{i}" for i in range(versions)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deploys", type=int, default=20)
    parser.add_argument("--startup", default="200ms", help="how long each instance waits before it listens (default 200ms)")
    parser.add_argument("--surge", type=int, default=1, help="max_surge (default 1)")
    parser.add_argument("--unavailable", type=int, default=0, help="max_unavailable (default 0)")
    parser.add_argument("--rate", type=float, default=200, help="total requests per second (default 200)")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-rolling-")
    b.log(f"working in {root}")
    proxy_port = b.free_port()
    repo = root / "repo"
    repository(repo, proxy_port, args.deploys + 1, args.startup, args.surge, args.unavailable)
    rows, deploys, steady = deploys_under_load(root, repo, proxy_port, args, pause=0.5)
    versions = sorted({r[4] for r in rows if r[3] == "ok"}, key=lambda v: int(v[1:]) if v[1:].isdigit() else -1)
    args.title = (f"rolling under load: {args.deploys} deploys over 3 replicas (max_surge {args.surge}, "
                  f"max_unavailable {args.unavailable}), each instance listening after {args.startup}")
    report(rows, deploys, steady, args, script="rolling.py")
    print(f"Versions that answered: {', '.join(versions)}.")

if __name__ == "__main__":
    main()
