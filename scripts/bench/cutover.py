#!/usr/bin/env python3
"""Benchmark 2: cutovers under constant load.

The real daemon runs the example service (`slipway-example`: `/` answers `hello from <version>` with
`X-Release-Version`). A load generator (loadgen.py: keep-alive connections at a fixed total rate,
one record per request) runs through Slipway's proxy the whole time while the script deploys a new
release `--deploys` times in a row (`slipway deploy web --ref vN`), then rolls back `--rollbacks`
times (`slipway rollback web`, which goes to the release the active one replaced: back and forth
between the last two). It reports:

- failed requests by kind (connect errors, resets, clean closes before the response, timeouts, non-2xx);
- latency p50/p99/max in steady state (before the first and after the last cutover) against the
  cutover windows (from "health passed" to "old release stopped": switch, drain and stop) and the
  whole command windows;
- the time from "new release healthy" (the CLI's `✔ health` line) to "all new requests served by
  it" (the send time of the last request the old release answered), per cutover.

Stage times come from the CLI's progress lines stamped as they arrive: the record's own stage
times are whole seconds in the API's JSON.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from loadgen import read_records  # noqa: E402


def example_repository(directory: Path, proxy_port: int, versions: int, interval: str, watch: str = "60s") -> None:
    config = (f"proxy:\n  listen: 127.0.0.1:{proxy_port}\nservices:\n  web:\n"
              f"    run: {b.example_bin()}\n    route:\n      path: /\n" + b.health_block(interval)
              + f"    drain_timeout: 30s\n    stop_timeout: 10s\n    watch: {watch}\n    retain: 5\n")
    b.make_repository(directory, config, {}, [f"v{i}" for i in range(versions)])


def start_load(port: int, out: Path, connections: int, rate: float) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, str(b.HERE / "loadgen.py"), "--port", str(port), "--connections",
                                str(connections), "--rate", str(rate), "--out", str(out)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout.readline().startswith("loadgen: running")
    return process


def stop_load(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=120)


def latency_stats(rows, windows):
    values = sorted(done - sent for sent, done, status, kind, version in rows
                    if kind == "ok" and any(a <= sent < z for a, z in windows))
    return len(values), b.percentile(values, 50), b.percentile(values, 99), values[-1] if values else None


def analyze_cutover(command: b.TimedCommand, old: str, new: str, rows):
    inside = [r for r in rows if command.started <= r[0] <= command.ended]
    old_sent = [r[0] for r in inside if r[4] == old]
    new_sent = [r[0] for r in inside if r[4] == new]
    healthy = command.stage_end.get("health")
    last_old = max(old_sent) if old_sent else None
    first_new = min(new_sent) if new_sent else None
    # Requests sent after the last one the old release answered all went to the new one.
    stray = [r for r in inside if last_old is not None and r[0] > last_old and r[4] not in ("", new)]
    return dict(
        healthy_to_all_new=(last_old - healthy) if (last_old is not None and healthy) else None,
        healthy_to_first_new=(first_new - healthy) if (first_new is not None and healthy) else None,
        switch_line_to_all_new=(last_old - command.stage_end["switch"]) if (last_old and "switch" in command.stage_end) else None,
        stray=len(stray),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deploys", type=int, default=50)
    parser.add_argument("--rollbacks", type=int, default=50)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rate", type=float, default=2000, help="total requests per second (default 2000)")
    parser.add_argument("--steady", type=float, default=10, help="seconds of steady load before and after (default 10)")
    parser.add_argument("--interval", default="100ms", help="the service's health interval (default 100ms)")
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between cutovers (default 0.5)")
    args = parser.parse_args()
    argv = sys.argv[1:]

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-cutover-")
    b.log(f"working in {root}")
    proxy_port = b.free_port()
    repo = root / "repo"
    example_repository(repo, proxy_port, args.deploys + 1, args.interval)
    daemon = b.Daemon(repo, root / "daemon.log").start()
    load = None
    try:
        first = b.run_timed(repo, ["deploy", "web", "--ref", "v0"])
        assert first.returncode == 0, first.output()
        print(b.machine_line())
        load = start_load(proxy_port, root / "records.tsv", args.connections, args.rate)
        steady_windows = []
        t0 = time.monotonic()
        time.sleep(args.steady)
        steady_windows.append((t0 + 2, time.monotonic()))  # the first 2 s open connections

        cutovers = []  # (kind, old, new, TimedCommand)
        active = "v0"
        history = ["v0"]
        for i in range(1, args.deploys + 1):
            command = b.run_timed(repo, ["deploy", "web", "--ref", f"v{i}"])
            cutovers.append(("deploy", active, f"v{i}", command))
            b.log(f"deploy v{i}: exit {command.returncode} in {command.wall:.3f}s")
            if command.returncode == 0:
                history.append(f"v{i}")
                active = f"v{i}"
            time.sleep(args.pause)
        for i in range(args.rollbacks):
            target = history[-2]
            command = b.run_timed(repo, ["rollback", "web"])
            cutovers.append(("rollback", active, target, command))
            b.log(f"rollback to {target}: exit {command.returncode} in {command.wall:.3f}s")
            if command.returncode == 0:
                history.append(target)
                active = target
            time.sleep(args.pause)
        t1 = time.monotonic()
        time.sleep(args.steady)
        steady_windows.append((t1 + args.pause, time.monotonic()))
        stop_load(load)
        load = None
        rows = read_records(root / "records.tsv")
        report(rows, cutovers, steady_windows, argv, args, root)
    finally:
        if load:
            stop_load(load)
        daemon.stop()


def report(rows, cutovers, steady_windows, argv, args, root) -> None:
    kinds = ("connect", "reset", "closed", "timeout", "status")
    deploy_windows = [(c.started, c.ended) for k, _, _, c in cutovers if k == "deploy"]
    rollback_windows = [(c.started, c.ended) for k, _, _, c in cutovers if k == "rollback"]

    def count(kind, windows):
        return sum(1 for r in rows if r[3] == kind and any(a <= r[0] <= z for a, z in windows))

    def total(windows):
        return sum(1 for r in rows if any(a <= r[0] <= z for a, z in windows))

    everything = [(rows[0][0], rows[-1][1] + 1)] if rows else []
    failed_total = sum(1 for r in rows if r[3] != "ok")
    failures_by_cmd = [c for c in cutovers if c[3].returncode != 0]

    print()
    print(f"## Cutover under load: {args.deploys} deploys then {args.rollbacks} rollbacks, "
          f"{args.connections} keep-alive connections at {args.rate:g} req/s through the proxy")
    print()
    header = ["window", "requests"] + list(kinds) + ["failed"]
    out = []
    for name, windows in (("during the deploys", deploy_windows), ("during the rollbacks", rollback_windows),
                          ("steady state", steady_windows), ("whole run", everything)):
        counts = [count(k, windows) for k in kinds]
        out.append([name, total(windows)] + counts + [sum(counts)])
    print(b.table(header, out))
    target = "met" if failed_total == 0 and not failures_by_cmd else "MISSED"
    print()
    print(f"failed requests in {len(cutovers)} cutovers: {failed_total} (target 0: {target}); "
          f"commands that did not exit 0: {len(failures_by_cmd)}")
    statuses = sorted({r[2] for r in rows if r[3] == "status"})
    if statuses:
        print(f"non-2xx statuses seen: {statuses}")

    print()
    print("### Latency through the proxy (ms; from loadgen's send to the end of the response)")
    print()
    cut_windows = [(c.stage_end["health"], c.stage_end.get("stop", c.ended)) for _, _, _, c in cutovers
                   if "health" in c.stage_end]
    lat_rows = []
    for name, windows in (("steady state", steady_windows), ("cutover windows (health passed → old stopped)", cut_windows),
                          ("whole deploy/rollback commands", deploy_windows + rollback_windows)):
        n, p50, p99, mx = latency_stats(rows, windows)
        lat_rows.append([name, n, b.fmt(p50 and p50 * 1000), b.fmt(p99 and p99 * 1000), b.fmt(mx and mx * 1000)])
    print(b.table(["requests sent during", "requests", "p50", "p99", "max"], lat_rows))

    print()
    print("### From \"new release healthy\" to \"all new requests served by it\" (ms)")
    print()
    per = {"deploy": [], "rollback": []}
    stray = 0
    for kind, old, new, command in cutovers:
        if command.returncode != 0:
            continue
        a = analyze_cutover(command, old, new, rows)
        per[kind].append(a)
        stray += a["stray"]
    trows = []
    for kind, items in per.items():
        for key, label in (("healthy_to_all_new", "health passed → last request to the old release"),
                           ("healthy_to_first_new", "health passed → first request to the new release"),
                           ("switch_line_to_all_new", "switch done (✔ switch line) → last request to the old")):
            values = sorted(x[key] * 1000 for x in items if x[key] is not None)
            trows.append([f"{kind}s", label, len(values), b.fmt(b.percentile(values, 50)),
                          b.fmt(b.percentile(values, 90)), b.fmt(values[-1] if values else None)])
    print(b.table(["cutovers", "interval", "n", "p50", "p90", "max"], trows))
    print(f"\nrequests answered by a third release after the old one's last: {stray}")

    print()
    print("### Command wall times and stages (ms, medians)")
    print()
    srows = []
    for kind in ("deploy", "rollback"):
        cmds = [c for k, _, _, c in cutovers if k == kind and c.returncode == 0]
        cells = [f"{kind} ({len(cmds)})", b.fmt(b.median([c.wall * 1000 for c in cmds]), 0)]
        for stage in ("validate", "build", "start", "health", "switch", "drain", "stop", "prune"):
            cells.append(b.fmt(b.median([c.stage(stage) * 1000 for c in cmds if c.stage(stage) is not None]), 0))
        srows.append(cells)
    print(b.table(["command", "wall", "validate", "build", "start", "health", "switch", "drain", "stop", "prune"], srows))
    print()
    print(f"reproduce: {b.reproduce_line('cutover.py', argv)}")
    print(f"records: {root}/records.tsv (send, done, status, kind, version per request)")


if __name__ == "__main__":
    main()
