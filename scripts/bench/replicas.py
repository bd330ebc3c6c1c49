#!/usr/bin/env python3
"""Benchmark: Slipway's proxy routing to 3 replicas, and with weights, against nginx with 3 upstreams
and against today's single upstream (issue 15).

Issue 15 asks: "the proxy with 3 replicas and weighted routing against today's single upstream
and against nginx with 3 upstreams, same run: throughput ≥ 1.0× nginx, and no more than 3% below
the single-upstream build." Three static upstreams (nginx, 1 worker each, serving the 100 B file
of proxy_vs_nginx.py with its settings: sendfile, keep-alive unlimited, no access log) are reached
through six systems:

  (a) nginx   nginx as a reverse proxy, an `upstream` block of the 3 servers, `least_conn`, upstream
              keep-alive and headers as in proxy_vs_nginx.py (2 workers);
  (b) repl3   Slipway's proxy (the new build, `--build`), one service routed to one release with 3
              instances, `least_requests` (`--balance round_robin` for the other way);
  (c) w90/10  the same build, two releases weighted 90/10: release A with instances 1 and 2, weight
              90; release B with instance 3, weight 10;
  (d) before  Slipway's proxy from the build before `Backends` (`--compare-build`): the single
              upstream of today, instance 1 alone;
  (e) single  the new build with that single upstream too (`--no-new-single` leaves it out), which
              tells whether a difference between (b) and (d) is the build or the fan-out;
  (f) nginx1  nginx with instance 1 alone (`--no-nginx-single` leaves it out), which tells what
              three upstream processes instead of one cost a mature proxy on this machine (they
              share its 2 cores with the proxy and wrk).

`slipway serve` refuses `replicas > 1`, and what is measured is the data plane, so each Slipway
system is a `slipway proxy run` process of its own (no daemon: it handles no request) whose route
is set over its control socket exactly as the daemon sets it: `configure`, then `route` with the
service's Backends (the old build: `switch` to one upstream). CPU per request is counted for the
proxy's own processes (nginx: master and workers).

Cases: keep-alive and a new connection per request (wrk with `Connection: close`), 32 connections,
and a paced keep-alive case below saturation (10 connections, a think time per request) for
latency. In every case the systems run in the same round, in an order that rotates every round,
and each round's ratios (b/a, c/a, b/d, c/d judged; e/d, d/a, b/e, a/f for the reading) are
taken before the median: this machine is shared, and only figures from the same moment compare.

Every measurement reads each upstream's request counter (nginx `stub_status`) before and after, so
each round checks where the requests went: nginx and repl3 must reach all 3 upstreams, w90/10 must
send instance 3 its 10% (within `--split-tolerance` points) and reach instances 1 and 2, and the
single-upstream systems only instance 1.

    scripts/bench/replicas.py [--seconds 5] [--rounds 5] [--build DIR] [--compare-build DIR] [--quick]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from proxy_vs_nginx import nginx_proxy  # noqa: E402

NEW_BUILD = "/work/bench-bin/backends"
OLD_BUILD = "/work/bench-bin/cur"

#: One static upstream, as proxy_vs_nginx.py's (benchlib's UPSTREAM_CONF), plus `stub_status` to count
#: the requests it served and a header naming it.
STATIC_SERVER = """
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    default_type application/octet-stream;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        root {root};
        add_header X-Upstream {name};
        location = /nginx_status {{
            stub_status;
        }}
    }}
"""

SYSTEMS = ["nginx", "repl3", "w90/10", "before", "single", "nginx1"]
LETTER = {"nginx": "a", "repl3": "b", "w90/10": "c", "before": "d", "single": "e", "nginx1": "f"}
#: (numerator, denominator) of the ratios reported, and the bar each throughput ratio must clear
#: (None: shown for the reading, not judged).
RATIOS = [("repl3", "nginx", 1.0), ("w90/10", "nginx", 1.0), ("repl3", "before", 0.97), ("w90/10", "before", 0.97),
          ("single", "before", None), ("before", "nginx", None), ("repl3", "single", None), ("nginx", "nginx1", None)]


def upstream_requests(port: int) -> int:
    """Requests an upstream has served so far (its `stub_status`; the reading itself counts one)."""
    status, _, body = b.http_get(port, "/nginx_status")
    assert status == 200, status
    return int(re.search(rb"\n\s*(\d+)\s+(\d+)\s+(\d+)\s*\n", body).group(3))


def build(directory: str) -> str:
    binary = Path(directory).resolve() / "slipway"
    if not binary.is_file():
        sys.exit(f"bench: {binary} is missing (a release build of slipway; see --build and --compare-build)")
    return str(binary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of one measurement, whole seconds (default 5)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds per case (default 5)")
    parser.add_argument("--connections", type=int, default=32, help="connections of the saturated cases (default 32)")
    parser.add_argument("--modes", default="keepalive,close", help="saturated cases (default keepalive,close)")
    parser.add_argument("--paced-delay-ms", type=float, default=2.0,
                        help="think time per request in the below-saturation case (0: skip it)")
    parser.add_argument("--paced-connections", type=int, default=10)
    parser.add_argument("--nginx-workers", default="2", help="nginx proxy workers (Slipway's proxy runs one event loop per core)")
    parser.add_argument("--build", default=os.environ.get("SLIPWAY_BUILD_DIR", NEW_BUILD),
                        help=f"the build with Backends (replicas, weights): $SLIPWAY_BUILD_DIR, else {NEW_BUILD}")
    parser.add_argument("--compare-build", default=OLD_BUILD,
                        help=f"the build before Backends, single upstream: system (d) (default {OLD_BUILD})")
    parser.add_argument("--no-new-single", action="store_true", help="leave out (e), the new build with one upstream")
    parser.add_argument("--no-nginx-single", action="store_true", help="leave out (f), nginx with one upstream")
    parser.add_argument("--split-tolerance", type=float, default=3.0,
                        help="w90/10: instance 3's share must be 10%% ± this many points in every round (default 3)")
    parser.add_argument("--balance", default="least_requests", choices=["least_requests", "round_robin"],
                        help="how (b) and (c) choose an instance within a release (default least_requests)")
    parser.add_argument("--quick", action="store_true", help="2 rounds of 1 s: about a minute, for a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rounds = 1, 2
    argv = sys.argv[1:]
    new_binary, old_binary = build(args.build), build(args.compare_build)

    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-replicas-")
    # The upstreams' workers run as nobody: they must be able to reach www/ under this directory.
    os.chmod(root, 0o711)
    b.log(f"working in {root}")
    started: list = []
    try:
        upstreams = []
        for i in range(3):
            directory = root / f"upstream{i + 1}"
            (directory / "www").mkdir(parents=True)
            (directory / "www" / "100b").write_text("x" * 99 + "\n")
            port = b.free_port()
            server = b.Nginx(directory, STATIC_SERVER.format(port=port, root=directory / "www", name=f"u{i + 1}"),
                             workers=1, connections=16384)
            started.append(server)
            server.start(port)
            upstreams.append(port)
        b.log(f"upstreams on {upstreams}")

        def upstream(i: int, release: str) -> dict:
            return {"host": "127.0.0.1", "port": upstreams[i], "releaseID": release}

        systems: dict[str, int] = {}
        pids: dict[str, callable] = {}

        port = b.free_port()
        nginx = b.Nginx(root / "nginx-proxy", nginx_proxy(port, upstreams, balance="least_conn"), workers=args.nginx_workers)
        started.append(nginx)
        nginx.start(port)
        systems["nginx"], pids["nginx"] = port, (lambda n=nginx: [n.pid] + b.children_of(n.pid))
        if not args.no_nginx_single:
            port = b.free_port()
            nginx1 = b.Nginx(root / "nginx-proxy-1", nginx_proxy(port, upstreams[:1], balance="least_conn"),
                             workers=args.nginx_workers)
            started.append(nginx1)
            nginx1.start(port)
            systems["nginx1"], pids["nginx1"] = port, (lambda n=nginx1: [n.pid] + b.children_of(n.pid))

        def slipway(name: str, binary: str) -> b.SlipwayProxy:
            proxy = b.SlipwayProxy(root / name.replace("/", "-"), binary)
            started.append(proxy)
            proxy.start(b.free_port())
            proxy.configure("static")
            systems[name], pids[name] = proxy.port, (lambda p=proxy: [p.pid])
            return proxy

        line = slipway("repl3", new_binary).route("static", [
            {"releaseID": "a", "upstreams": [upstream(0, "a"), upstream(1, "a"), upstream(2, "a")], "weight": 100,
             "preview": False}], balance=args.balance)
        b.log(f"repl3: {line['backends']}")
        line = slipway("w90/10", new_binary).route("static", [
            {"releaseID": "a", "upstreams": [upstream(0, "a"), upstream(1, "a")], "weight": 90, "preview": False},
            {"releaseID": "b", "upstreams": [upstream(2, "b")], "weight": 10, "preview": False}], balance=args.balance)
        b.log(f"w90/10: {line['backends']}")
        slipway("before", old_binary).switch("static", upstream(0, "a"))
        if not args.no_new_single:
            slipway("single", new_binary).switch("static", upstream(0, "a"))

        # By hand first: each system answers, and sends its requests where it should.
        for name, port in systems.items():
            seen = {}
            for _ in range(60):
                status, headers, body = b.http_get(port, "/100b")
                assert status == 200 and len(body) == 100, (name, status, len(body))
                seen[headers.get("x-upstream")] = seen.get(headers.get("x-upstream"), 0) + 1
            b.log(f"{name:7} 60 requests, one connection each: {dict(sorted(seen.items()))}")

        script = b.wrk_script(root / "report.lua")
        paced = b.wrk_script(root / "paced.lua", delay_ms=args.paced_delay_ms) if args.paced_delay_ms else None
        print(b.machine_line())
        print(f"new build: {new_binary}; before: {old_binary}; (b) and (c) balance: {args.balance}")
        cases = [(mode, args.connections) for mode in args.modes.split(",")]
        if paced:
            cases.append(("paced", args.paced_connections))
        order = [s for s in SYSTEMS if s in systems]
        rows, commands = [], {}
        for mode, connections in cases:
            use_script = paced if mode == "paced" else script
            close = mode == "close"
            results = {name: [] for name in order}
            shares = {name: [] for name in order}
            b.warm_up({name: systems[name] for name in order}, "/100b", connections, use_script, close)
            for rotated in b.rotations(order, args.rounds):
                for name in rotated:
                    counts = [upstream_requests(p) for p in upstreams]
                    r = b.wrk(f"http://127.0.0.1:{systems[name]}/100b", connections, args.seconds, use_script,
                              close=close, measure_pids=pids[name]())
                    # Less the counter reading itself.
                    counts = [upstream_requests(p) - c - 1 for p, c in zip(upstreams, counts)]
                    results[name].append(r)
                    shares[name].append(counts)
                    commands[(mode, name)] = r.command
                    b.log(f"{mode:9} c={connections:<3} {name:7} {r.rps:9.0f} req/s  p50 {r.p50_ms:.3f} ms  "
                          f"p99 {r.p99_ms:.3f} ms  errors {r.errors or 0}  upstreams {counts}")
            rows.append(summarize(mode, connections, results, shares, args))
        print_report(rows, commands, order, argv, args)
        if any(problems for row in rows for problems in row["problems"].values()):
            sys.exit("bench: requests did not go where the routes say in some rounds (see the table above)")
    finally:
        for process in reversed(started):
            process.stop()


def split_check(name: str, counts: list[int], tolerance: float) -> str | None:
    """What is wrong with one round's requests per upstream for system `name`; None when nothing."""
    total = sum(counts)
    if total == 0:
        return "no request reached an upstream"
    if name in ("nginx", "repl3"):
        return None if all(counts) else f"an upstream got none: {counts}"
    if name == "w90/10":
        share = 100 * counts[2] / total
        if not (counts[0] and counts[1]):
            return f"release A's instances: {counts[:2]}"
        return None if abs(share - 10) <= tolerance else f"release B took {share:.1f}%"
    return None if counts[1] == counts[2] == 0 else f"instances 2 and 3 got requests: {counts}"


def summarize(mode, connections, results, shares, args):
    med = b.medians(results)
    ratios, per_round = {}, {}
    for top, bottom, _ in RATIOS:
        if top in results and bottom in results:
            values = [t.rps / o.rps for t, o in zip(results[top], results[bottom]) if o.rps]
            ratios[(top, bottom)], per_round[(top, bottom)] = b.median(values), values
    split = {name: [[100 * c / sum(counts) if sum(counts) else 0 for c in counts] for counts in rounds]
             for name, rounds in shares.items()}
    problems = {name: [p for p in (split_check(name, counts, args.split_tolerance) for counts in rounds) if p]
                for name, rounds in shares.items()}
    return dict(mode=mode, connections=connections, med=med, ratios=ratios, per_round=per_round, split=split,
                problems=problems)


CASE = {"keepalive": "keep-alive", "close": "new conn/req", "paced": "paced keep-alive"}


def verdict(row) -> str:
    """Issue 15's bars: repl3 and w90/10 ≥ 1.0× nginx and ≥ 0.97× before. The paced case runs below
    saturation: it is there for latency, not throughput."""
    if row["mode"] == "paced":
        return "(latency case)"
    missed = [f"{LETTER[t]}/{LETTER[o]}" for (t, o, bar) in RATIOS
              if bar is not None and (t, o) in row["ratios"] and row["ratios"][(t, o)] < bar]
    return "met" if not missed else "MISSED " + ", ".join(missed)


def print_report(rows, commands, order, argv, args) -> None:
    judged = [(t, o) for t, o, bar in RATIOS if bar is not None and t in order and o in order]
    reading = [(t, o) for t, o, bar in RATIOS if bar is None and t in order and o in order]
    shown = judged + reading
    print()
    print(f"## 3 replicas and 90/10 weights against nginx with 3 upstreams and the single upstream "
          f"(wrk, 100 B, {args.rounds} interleaved rounds of {args.seconds} s; medians)")
    print()
    print("systems: " + "; ".join(f"({LETTER[n]}) {n}" for n in order))
    print()
    header = (["case", "conns"] + [f"({LETTER[n]}) {n} req/s" for n in order]
              + [f"{LETTER[t]}/{LETTER[o]}" for t, o in judged] + ["target", "errors " + "/".join(LETTER[n] for n in order)])
    body = []
    for row in rows:
        m = row["med"]
        body.append([CASE[row["mode"]], row["connections"]] + [b.fmt(m[n]["rps"], 0) for n in order]
                    + [b.fmt(row["ratios"].get(k), 3) + "×" for k in judged] + [verdict(row)]
                    + ["/".join(str(m[n]["errors"]) for n in order)])
    print(b.table(header, body))
    print()
    print("Targets (issue 15): b/a and c/a ≥ 1.0× (nginx with 3 upstreams), b/d and c/d ≥ 0.97× (the single "
          "upstream of the build before Backends), each the median of the rounds' ratios.")
    print()
    print("### For the reading: the other ratios, and latency")
    print()
    print(b.table(["case", "conns"] + [f"{LETTER[t]}/{LETTER[o]}" for t, o in reading]
                  + ["p50 ms " + "/".join(LETTER[n] for n in order), "p99 ms " + "/".join(LETTER[n] for n in order)], [
        [CASE[r["mode"]], r["connections"]] + [b.fmt(r["ratios"].get(k), 2) + "×" for k in reading]
        + ["/".join(b.fmt(r["med"][n]["p50"], 2) for n in order), "/".join(b.fmt(r["med"][n]["p99"], 2) for n in order)]
        for r in rows]))
    print()
    print("e/d: the new build against the old, one upstream each; d/a: today's single upstream against nginx with 3; "
          "b/e: 3 instances against 1, same build; a/f: nginx with 3 upstreams against 1.")
    print()
    print("### CPU per request of the proxy's own processes (µs, user + system)")
    print()
    print(b.table(["case", "conns"] + list(order), [
        [CASE[r["mode"]], r["connections"]] + [f"{b.fmt(r['med'][n]['user_us'], 1)} + {b.fmt(r['med'][n]['sys_us'], 1)}"
                                               for n in order] for r in rows]))
    print()
    print("### Where the requests went: share of each upstream, % (median of the rounds; min–max of upstream 3 for w90/10)")
    print()
    split_rows = []
    for r in rows:
        for n in order:
            shares = r["split"][n]
            medians = [b.median([s[i] for s in shares]) for i in range(3)]
            extra = (f"upstream 3: {min(s[2] for s in shares):.1f}–{max(s[2] for s in shares):.1f}%"
                     if n == "w90/10" and shares else "")
            problems = r["problems"][n]
            split_rows.append([CASE[r["mode"]], n, "/".join(f"{v:.1f}" for v in medians), extra,
                               "ok" if not problems else f"{len(problems)} of {len(shares)} rounds: {problems[0]}"])
    print(b.table(["case", "system", "u1/u2/u3 %", "", "every round"], split_rows))
    print()
    print("per-round ratios: " + "; ".join(
        f"{CASE[r['mode']]} {LETTER[t]}/{LETTER[o]}: " + ", ".join(f"{v:.2f}" for v in r["per_round"][(t, o)])
        for r in rows for (t, o) in shown if r["mode"] != "paced"))
    print()
    print("reproduce: " + b.reproduce_line("replicas.py", argv))
    print("each measurement is, with the system's port:")
    for (mode, name), command in list(commands.items())[:2]:
        print(f"  {name}: {command}")
    print("  (wrk's report.lua prints one JSON line; paced.lua adds `delay = function() return "
          f"{args.paced_delay_ms:g} end`; the new-connection case adds -H 'Connection: close')")


if __name__ == "__main__":
    main()
