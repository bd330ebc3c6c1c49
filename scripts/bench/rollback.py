#!/usr/bin/env python3
"""Benchmark 3: rollback switch time, from the `slipway rollback web` command to the first request
served by the previous release, under constant load through the proxy.

Two releases of the example service are deployed (v0 then v1); the script then rolls back
`--rollbacks` times (each goes back to the release the active one replaced: v1 ↔ v0). The load
generator (loadgen.py) sends `--rate` requests per second, so the first response from the
previous release is seen within about 1/rate of when the proxy starts sending to it.

A deploy keeps the release it replaced running, unrouted, until its `watch` ends (60 s here), so
a rollback within it reuses that warm instance: one probe and a switch. `--watch 0s` measures
the cold case instead (the previous release was stopped after its drain, so the rollback starts
it again and health-gates it). The table breaks the switch time into the CLI reaching the daemon,
the `start` stage, the `health` stage and the `switch` stage (client-side stamps of the CLI's
progress lines), next to a bare CLI round trip (`slipway status`, timed by hyperfine).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from cutover import example_repository, start_load, stop_load  # noqa: E402
from loadgen import read_records  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rollbacks", type=int, default=20)
    parser.add_argument("--rate", type=float, default=2500)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--interval", default="1s", help="the service's health interval (default 1s, as in the README)")
    parser.add_argument("--pause", type=float, default=1.0)
    parser.add_argument("--watch", default="60s", help="the service's watch: 60s keeps the previous release warm, 0s does not")
    args = parser.parse_args()
    argv = sys.argv[1:]

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-rollback-")
    b.log(f"working in {root}")
    proxy_port = b.free_port()
    repo = root / "repo"
    example_repository(repo, proxy_port, 2, args.interval, args.watch)
    daemon = b.Daemon(repo, root / "daemon.log").start()
    load = None
    try:
        for ref in ("v0", "v1"):
            c = b.run_timed(repo, ["deploy", "web", "--ref", ref])
            assert c.returncode == 0, c.output()
        print(b.machine_line())
        # The CLI's floor: process start, config lookup, one API round trip.
        hyperfine_json = root / "status.json"
        hyperfine_cmd = ["hyperfine", "--runs", "30", "--warmup", "3", "-N", "--export-json", str(hyperfine_json),
                         f"{b.slipway_bin()} status"]
        subprocess.run(hyperfine_cmd, cwd=repo, check=True, capture_output=True)
        status_ms = json.loads(hyperfine_json.read_text())["results"][0]
        load = start_load(proxy_port, root / "records.tsv", args.connections, args.rate)
        time.sleep(3)
        active, previous = "v1", "v0"
        runs = []
        for i in range(args.rollbacks):
            command = b.run_timed(repo, ["rollback", "web"])
            runs.append((previous, command))
            b.log(f"rollback to {previous}: exit {command.returncode} in {command.wall * 1000:.0f} ms")
            if command.returncode == 0:
                active, previous = previous, active
            time.sleep(args.pause)
        time.sleep(1)
        stop_load(load)
        load = None
        rows = read_records(root / "records.tsv")
        report(rows, runs, status_ms, hyperfine_cmd, argv, args)
    finally:
        if load:
            stop_load(load)
        daemon.stop()


def report(rows, runs, status_ms, hyperfine_cmd, argv, args) -> None:
    switch_times, parts = [], {k: [] for k in ("reach", "start", "health", "switch", "wall")}
    failed = 0
    for target, command in runs:
        if command.returncode != 0:
            failed += 1
            continue
        served = [r[1] for r in rows if r[4] == target and r[0] >= command.started]
        if served:
            switch_times.append((min(served) - command.started) * 1000)
        first_line = command.stage_start.get("start")
        if first_line:
            parts["reach"].append((first_line - command.started) * 1000)
        for stage in ("start", "health", "switch"):
            if command.stage(stage) is not None:
                parts[stage].append(command.stage(stage) * 1000)
        parts["wall"].append(command.wall * 1000)
    switch_times.sort()
    errors = sum(1 for r in rows if r[3] != "ok")
    print()
    warm = args.watch not in ("0", "0s", "0ms")
    print(f"## Rollback switch time ({len(runs)} rollbacks under {args.rate:g} req/s, health interval {args.interval}, "
          f"watch {args.watch}: previous release {'warm' if warm else 'stopped (cold)'})")
    print()
    print(b.table(["measure", "n", "p50 ms", "p90 ms", "max ms"], [
        ["`rollback` command → first request served by the previous release", len(switch_times),
         b.fmt(b.percentile(switch_times, 50)), b.fmt(b.percentile(switch_times, 90)),
         b.fmt(switch_times[-1] if switch_times else None)],
        *[[label, len(v), b.fmt(b.percentile(sorted(v), 50)), b.fmt(b.percentile(sorted(v), 90)),
           b.fmt(max(v) if v else None)]
          for label, v in (("  of which: CLI start → daemon's first stage line", parts["reach"]),
                           ("  `start` stage (warm: the instance is alive and answers a probe; cold: spawn)", parts["start"]),
                           ("  `health` stage (probes until healthy_threshold)", parts["health"]),
                           ("  `switch` stage", parts["switch"]),
                           ("whole `rollback` command (adds drain, and stop or keep-warm of the other release)", parts["wall"]))],
    ]))
    p50 = b.percentile(switch_times, 50)
    verdict = "met" if p50 is not None and switch_times[-1] <= 100 else "MISSED"
    print()
    print(f"target ≤ 100 ms with a warm previous release: {verdict if warm else 'n/a (cold run)'} (p50 {b.fmt(p50)} ms, max "
          f"{b.fmt(switch_times[-1] if switch_times else None)} ms)")
    print(f"`slipway status` round trip (hyperfine, 30 runs): mean {status_ms['mean'] * 1000:.1f} ms ± "
          f"{status_ms['stddev'] * 1000:.1f} ms, median {status_ms['median'] * 1000:.1f} ms")
    print(f"failed requests during the run: {errors}; rollbacks that did not exit 0: {failed}")
    print()
    print(f"reproduce: {b.reproduce_line('rollback.py', argv)}")
    print(f"CLI floor: (cd <repo> && {' '.join(hyperfine_cmd[:-1])} '{hyperfine_cmd[-1]}')")


if __name__ == "__main__":
    main()
