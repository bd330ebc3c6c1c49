#!/usr/bin/env python3
"""Benchmark 5: scale.

(a) Proxy memory and throughput with 10,000 idle keep-alive connections held open (idle_clients.py:
    each connection made one request, then sits idle) plus load (wrk, keep-alive, 100 B): Slipway's
    proxy (the daemon's whole RSS, from /proc) against nginx as a reverse proxy (master + workers),
    same static upstream, interleaved rounds. Throughput under load is measured with and without
    the idle connections held.
(b) The daemon's memory with 50 services deployed: a generated slipway.yml with 50 services, each
    the example service on its own route (/s00 … /s49); RSS before any deploy and after all 50,
    the 50 services' own RSS beside it, `slipway status` time, and throughput over all 50 routes.

The file descriptor limit is raised to the hard limit for this script and what it starts.
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
from proxy_vs_nginx import nginx_proxy  # noqa: E402


def rss_of(system, daemon, nginx) -> int:
    return b.proc_status(daemon.pid)["VmRSS"] if system == "slipway" else nginx.rss_kib()


def idle_and_load(args, root, argv) -> list:
    proxy_port, nginx_port = b.free_port(), b.free_port()
    repo = root / "idle"
    b.static_upstream_repository(repo, proxy_port)
    daemon = b.Daemon(repo, root / "idle-daemon.log").start()
    nginx = None
    results = {"slipway": [], "nginx": []}
    try:
        upstream = daemon.deploy_json("static", "v1")["instance"]["port"]
        nginx = b.Nginx(root / "nginx-proxy", nginx_proxy(nginx_port, [upstream]),
                        workers=2, connections=16384).start(nginx_port)
        ports = {"slipway": proxy_port, "nginx": nginx_port}
        script = b.wrk_script(root / "report.lua")
        for name, port in ports.items():  # warm-up
            b.wrk(f"http://127.0.0.1:{port}/100b", args.load_connections, 1, script)
        order = ["slipway", "nginx"]
        for round_index in range(args.rounds):
            for name in (order if round_index % 2 == 0 else order[::-1]):
                port = ports[name]
                url = f"http://127.0.0.1:{port}/100b"
                rss_before = rss_of(name, daemon, nginx)
                plain = b.wrk(url, args.load_connections, args.seconds, script)
                holder = subprocess.Popen([sys.executable, str(b.HERE / "idle_clients.py"), "--port", str(port),
                                           "--count", str(args.idle)], stdout=subprocess.PIPE, text=True)
                held_line = holder.stdout.readline().split()
                held, failed_open = int(held_line[1]), int(held_line[3])
                time.sleep(1)
                rss_idle = rss_of(name, daemon, nginx)
                loaded = b.wrk(url, args.load_connections, args.seconds, script)
                rss_loaded = rss_of(name, daemon, nginx)
                holder.terminate()
                still_open = int(holder.stdout.readline().split()[2])
                holder.wait(timeout=60)
                time.sleep(1)
                rss_after = rss_of(name, daemon, nginx)
                results[name].append(dict(rss_before=rss_before, rss_idle=rss_idle, rss_loaded=rss_loaded,
                                          rss_after=rss_after, plain=plain, loaded=loaded, held=held,
                                          failed_open=failed_open, still_open=still_open))
                b.log(f"{name}: {held} idle held ({failed_open} failed, {still_open} still open at the end); RSS "
                      f"{rss_before // 1024} → {rss_idle // 1024} MiB idle → {rss_loaded // 1024} MiB loaded; "
                      f"{plain.rps:.0f} req/s without, {loaded.rps:.0f} with idle")
        return [results, plain.command.replace(str(nginx_port), "PORT").replace(str(proxy_port), "PORT")]
    finally:
        if nginx:
            nginx.stop()
        daemon.stop()


def fifty_services(args, root) -> dict:
    proxy_port = b.free_port()
    repo = root / "fifty"
    names = [f"s{i:02d}" for i in range(args.services)]
    config = f"proxy:\n  listen: 127.0.0.1:{proxy_port}\nservices:\n"
    for name in names:
        config += (f"  {name}:\n    run: {b.example_bin()}\n    route:\n      path: /{name}\n"
                   + b.health_block("1s") + "    drain_timeout: 10s\n    stop_timeout: 5s\n")
    b.make_repository(repo, config, {}, ["v1"])
    daemon = b.Daemon(repo, root / "fifty-daemon.log").start()
    try:
        time.sleep(1)
        rss_empty = b.proc_status(daemon.pid)
        started = time.monotonic()
        for name in names:
            c = b.run_timed(repo, ["deploy", name, "--ref", "v1"])
            assert c.returncode == 0, c.output()
        deploy_seconds = time.monotonic() - started
        time.sleep(3)  # a few supervision rounds (live health probes of all 50)
        rss_full = b.proc_status(daemon.pid)
        children = b.children_of(daemon.pid)
        services_rss = sum(b.proc_status(pid)["VmRSS"] for pid in children)
        timing = root / "status.json"
        subprocess.run(["hyperfine", "--runs", "20", "--warmup", "2", "-N", "--export-json", str(timing),
                        f"{b.slipway_bin()} status"], cwd=repo, check=True, capture_output=True)
        status_seconds = json.loads(timing.read_text())["results"][0]["median"]
        script = b.wrk_script(root / "routes.lua", paths=[f"/{n}/" for n in names])
        routed = b.wrk(f"http://127.0.0.1:{proxy_port}/", 64, args.seconds, script)
        cpu_idle_before = b.cpu_seconds(daemon.pid)
        time.sleep(5)
        cpu_idle = (b.cpu_seconds(daemon.pid) - cpu_idle_before) / 5
        rss_after_load = b.proc_status(daemon.pid)
        return dict(rss_empty=rss_empty, rss_full=rss_full, rss_after_load=rss_after_load, children=len(children),
                    services_rss=services_rss, deploy_seconds=deploy_seconds, status_seconds=status_seconds,
                    routed=routed, cpu_idle=cpu_idle)
    finally:
        daemon.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--idle", type=int, default=10000, help="idle keep-alive connections (default 10000)")
    parser.add_argument("--load-connections", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--skip-idle", action="store_true")
    parser.add_argument("--skip-services", action="store_true")
    args = parser.parse_args()
    argv = sys.argv[1:]
    limit = b.raise_fd_limit()
    if limit < args.idle + 1000:
        sys.exit(f"scale: the open-file limit is {limit}; {args.idle} idle connections need more (ulimit -Hn)")
    root = b.temp_root("slipway-bench-scale-")
    b.log(f"working in {root}")
    print(b.machine_line())

    if not args.skip_idle:
        results, wrk_command = idle_and_load(args, root, argv)
        print()
        print(f"## {args.idle} idle keep-alive connections plus load ({args.load_connections} keep-alive "
              f"connections, 100 B, {args.seconds:g} s; {args.rounds} interleaved rounds, each shown)")
        print()
        rows = []
        for round_index in range(args.rounds):
            for name, rs in results.items():
                r = rs[round_index]
                rows.append([name, round_index + 1, f"{r['held']} ({r['failed_open']} failed)", r["still_open"],
                             f"{r['rss_before'] / 1024:.1f}", f"{r['rss_idle'] / 1024:.1f}", f"{r['rss_loaded'] / 1024:.1f}",
                             f"{r['rss_after'] / 1024:.1f}",
                             f"{(r['rss_idle'] - r['rss_before']) / max(r['held'], 1):.2f}",
                             b.fmt(r["plain"].rps, 0), b.fmt(r["loaded"].rps, 0), b.fmt(r["loaded"].p99_ms, 2),
                             str(r["loaded"].error_count)])
        print(b.table(["proxy", "round", "idle held", "still open at end", "RSS MiB before", "RSS MiB idle",
                       "RSS MiB idle+load", "RSS MiB after closing", "KiB per idle conn", "req/s without idle",
                       "req/s with idle", "p99 ms with idle", "errors"], rows))
        print("\nKiB per idle connection = (RSS with the idle connections − RSS before) / connections; a process "
              "keeps memory it freed (malloc does not return it), so a later round starts higher and grows less")
        ratio = b.median([s["loaded"].rps / n["loaded"].rps for s, n in zip(results["slipway"], results["nginx"])])
        print(f"\nslipway/nginx req/s with {args.idle} idle connections held: {ratio:.2f}×")
        print(f"load: {wrk_command} (PORT: the proxy's)")

    if not args.skip_services:
        r = fifty_services(args, root)
        print()
        print(f"## The daemon with {args.services} services deployed")
        print()
        print(b.table(["measure", "value"], [
            ["daemon RSS, configured, nothing deployed", f"{r['rss_empty']['VmRSS'] / 1024:.1f} MiB"],
            [f"daemon RSS, {args.services} deployed (after 3 s of supervision)", f"{r['rss_full']['VmRSS'] / 1024:.1f} MiB"],
            ["daemon RSS after routed load / peak (VmHWM)",
             f"{r['rss_after_load']['VmRSS'] / 1024:.1f} / {r['rss_after_load']['VmHWM'] / 1024:.1f} MiB"],
            ["per deployed service", f"{(r['rss_full']['VmRSS'] - r['rss_empty']['VmRSS']) / args.services:.0f} KiB"],
            ["daemon threads", str(r["rss_full"]["Threads"])],
            [f"the {r['children']} service processes' RSS (not the daemon's)", f"{r['services_rss'] / 1024:.1f} MiB"],
            [f"{args.services} sequential deploys", f"{r['deploy_seconds']:.1f} s"],
            ["`slipway status` (hyperfine median)", f"{r['status_seconds'] * 1000:.1f} ms"],
            [f"daemon CPU while idle with {args.services} services (supervision)", f"{r['cpu_idle'] * 100:.1f} % of a core"],
            [f"throughput over the {args.services} routes (wrk, 64 keep-alive conns)",
             f"{r['routed'].rps:.0f} req/s, p99 {r['routed'].p99_ms:.2f} ms, errors {r['routed'].error_count}"],
        ]))
    print()
    print(f"reproduce: {b.reproduce_line('scale.py', argv)}")


if __name__ == "__main__":
    main()
