#!/usr/bin/env python3
"""Benchmark 4: orchestration overhead, what a deploy costs beyond the service's own start.

1. The service alone: `/bin/sh -c "exec slipway-example"` (as the runtime starts it) in a
   directory holding its VERSION, with PORT set; from spawn to the first 200 on GET /health,
   probing on a fresh connection every millisecond. That is the time the service needs.
2. Deploys through the daemon (`slipway deploy web --ref vN`, no load), each timed from the
   command's start to its exit, with its stages stamped from the CLI's progress lines.

overhead = deploy wall time − the service's start-to-first-answer (its median): the issue's
definition, so resolving the ref and exporting the commit (`validate`, git archive + tar; the
example has no build command) count as overhead. The same figure without `validate` and `build`
is shown beside it, and the stages, so the overhead can be traced to them. Rollbacks (no build)
are measured the same way. Deploys follow each other 0.3 s apart, within the 60 s watch, so each
deploy also stops the release the previous one kept warm (the `stop` column).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from cutover import example_repository  # noqa: E402

STAGES = ("validate", "build", "start", "health", "switch", "drain", "stop", "prune")


def service_ready_time(directory: Path) -> float:
    port = b.free_port()
    started = time.monotonic()
    process = subprocess.Popen(["/bin/sh", "-c", f"exec {b.example_bin()}"], cwd=directory,
                               env={**os.environ, "PORT": str(port)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = started + 10
        while time.monotonic() < deadline:
            try:
                status, _, _ = b.http_get(port, "/health", timeout=1)
                if status == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.001)
        raise RuntimeError("slipway-example did not answer within 10 s")
    finally:
        # The example installs its SIGTERM handler just after it starts listening; a SIGTERM sent
        # in between is ignored, so give it a moment, and don't wait for ever.
        time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deploys", type=int, default=20)
    parser.add_argument("--rollbacks", type=int, default=10)
    parser.add_argument("--starts", type=int, default=20, help="standalone starts of the service (default 20)")
    parser.add_argument("--interval", default="1s", help="the service's health interval (default 1s, as in the README)")
    args = parser.parse_args()
    argv = sys.argv[1:]

    root = b.temp_root("slipway-bench-overhead-")
    b.log(f"working in {root}")
    alone = root / "alone"
    alone.mkdir()
    (alone / "VERSION").write_text("alone\n")
    print(b.machine_line())
    ready = sorted(service_ready_time(alone) * 1000 for _ in range(args.starts))
    ready_median = b.percentile(ready, 50)
    b.log(f"service alone: start → first 200 on /health: median {ready_median:.1f} ms")

    proxy_port = b.free_port()
    repo = root / "repo"
    example_repository(repo, proxy_port, args.deploys + 1, args.interval)
    daemon = b.Daemon(repo, root / "daemon.log").start()
    try:
        first = b.run_timed(repo, ["deploy", "web", "--ref", "v0"])
        assert first.returncode == 0, first.output()
        deploys, rollbacks = [], []
        for i in range(1, args.deploys + 1):
            c = b.run_timed(repo, ["deploy", "web", "--ref", f"v{i}"])
            assert c.returncode == 0, c.output()
            deploys.append(c)
            b.log(f"deploy v{i}: {c.wall * 1000:.0f} ms")
            time.sleep(0.3)
        for i in range(args.rollbacks):
            c = b.run_timed(repo, ["rollback", "web"])
            assert c.returncode == 0, c.output()
            rollbacks.append(c)
            b.log(f"rollback: {c.wall * 1000:.0f} ms")
            time.sleep(0.3)
    finally:
        daemon.stop()

    print()
    print(f"## Orchestration overhead (health interval {args.interval}; ms)")
    print()
    print(f"service alone, spawn → first 200 on /health ({len(ready)} starts): p50 {ready_median:.1f}, "
          f"min {ready[0]:.1f}, max {ready[-1]:.1f}")
    print()
    rows = []
    for name, commands in (("deploy", deploys), ("rollback", rollbacks)):
        walls = [c.wall * 1000 for c in commands]
        builds = [((c.stage("validate") or 0) + (c.stage("build") or 0)) * 1000 for c in commands]
        overheads = sorted(w - ready_median for w in walls)
        without_build = [w - bd - ready_median for w, bd in zip(walls, builds)]
        to_switch = [(c.stage_end["switch"] - c.started) * 1000 - ready_median for c in commands if "switch" in c.stage_end]
        cells = [f"{name} ({len(commands)})", b.fmt(b.median(walls), 0),
                 b.fmt(b.percentile(overheads, 50), 0), b.fmt(overheads[-1] if overheads else None, 0),
                 b.fmt(b.median(without_build), 0) if name == "deploy" else "-", b.fmt(b.median(to_switch), 0)]
        for stage in STAGES:
            cells.append(b.fmt(b.median([c.stage(stage) * 1000 for c in commands if c.stage(stage) is not None]), 1))
        reach = [(c.stage_start[first] - c.started) * 1000 for c in commands
                 for first in [("validate" if name == "deploy" else "start")] if first in c.stage_start]
        after = [(c.ended - c.stage_end[last]) * 1000 for c in commands
                 for last in [("prune" if name == "deploy" else "stop")] if last in c.stage_end]
        cells += [b.fmt(b.median(reach), 0), b.fmt(b.median(after), 0)]
        rows.append(cells)
    print(b.table(["command", "wall p50", "overhead p50", "overhead max", "overhead without validate+build p50",
                   "overhead to switch p50"] + list(STAGES) + ["CLI → 1st stage", "last stage → exit"], rows))
    deploy_overhead = b.median([c.wall * 1000 - ready_median for c in deploys])
    verdict = "met" if deploy_overhead is not None and deploy_overhead <= 200 else "MISSED"
    print()
    print(f"deploy overhead p50 {deploy_overhead:.0f} ms (target ≤ 200 ms: {verdict})")
    print("overhead = wall − service start-to-first-answer; overhead to switch = the same up to the CLI's "
          "`✔ switch` line (the new release serves from then; drain, stop of the release kept warm before and prune follow); "
          "stage columns are medians of the CLI's progress-line stamps")
    print()
    print(f"reproduce: {b.reproduce_line('overhead.py', argv)}")


if __name__ == "__main__":
    main()
