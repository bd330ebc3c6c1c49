#!/usr/bin/env python3
"""Benchmark: a static site served by Slipway's proxy against nginx serving the same folder (issue 17).

Issue 17 asks for the proxy to serve a static site's files itself, at least as fast as nginx with
`open_file_cache`. One folder (a 2 KB index.html, a 100 KB hashed JS bundle with a .gz sibling, a
1 MB image) is served (a) by nginx 1.22 (2 workers, `sendfile on`, `open_file_cache max=10000
inactive=60s`, `gzip_static on`) and (b) by `slipway proxy run` by itself, its route table set over
its control socket as the daemon sets it (the service's one upstream carries the `site`), one event
loop per core. wrk runs keep-alive and with a new connection per request (`Connection: close`), at
10 and 256 connections; the two systems alternate within each round, in an order that rotates, and
each round's Slipway/nginx ratio is taken before the median (the machine is shared). CPU per request
is the server's own (nginx: master and workers; Slipway: the proxy process), from /proc.

Then the switch: two releases of a 5,000-file site; the proxy is switched from one to the other and
back (rollback) several times while a client polls `/` on a keep-alive connection. Reported: how long
the switch call takes (control request to its reply) and the time from sending it to the first
response from the new release. Serving is lazy (a file is looked at when first asked for), so
neither grows with the number of files.

    scripts/bench/static_vs_nginx.py [--seconds 5] [--rounds 3] [--connections 10,256]
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402

NGINX_STATIC = """
    types {{
        text/html html;
        text/javascript js;
        image/jpeg jpg;
    }}
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=10000 inactive=60s;
    gzip_static on;
    server {{
        listen 127.0.0.1:{port} backlog=4096;
        keepalive_requests 1000000;
        keepalive_timeout 300s;
        root {root};
        index index.html;
    }}
"""

FILES = {"2k": "/index.html", "100k": "/assets/app-3f9a1c.js", "1m": "/img/hero.jpg"}


def slipway_binary() -> str:
    """The release build's `slipway` (`SLIPWAY_BUILD_DIR` or .build/release), as the other benches find it."""
    directory = Path(os.environ.get("SLIPWAY_BUILD_DIR", b.ROOT / ".build" / "release")).resolve()
    if not (directory / "slipway").is_file():
        sys.exit(f"bench: {directory / 'slipway'} is missing; run `swift build -c release --product slipway`")
    return str(directory / "slipway")


def make_site(root: Path, label: str, extra_files: int = 0) -> Path:
    """The benchmark's folder; `extra_files` more small files (a large site's pages and assets)."""
    (root / "assets").mkdir(parents=True, exist_ok=True)
    (root / "img").mkdir(exist_ok=True)
    page = f"<!doctype html><title>{label}</title><script src=/assets/app-3f9a1c.js></script>"
    (root / "index.html").write_text(page + "<!-- " + "x" * (2048 - len(page) - 9) + " -->")
    script = (f"/* {label} */ " + "console.log('slipway');" * 5000)[:100 * 1024]
    (root / "assets" / "app-3f9a1c.js").write_text(script)
    (root / "assets" / "app-3f9a1c.js.gz").write_bytes(gzip.compress(script.encode()))
    (root / "img" / "hero.jpg").write_bytes(os.urandom(1_000_000))
    for i in range(extra_files):
        directory = root / "pages" / f"{i // 100:03d}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / f"page-{i}.html").write_text(f"<p>{label} {i}</p>")
    return root


def site_upstream(root: Path, release: str) -> dict:
    return {"host": "127.0.0.1", "port": 0, "releaseID": release,
            "site": {"root": str(root), "entry": "index.html", "spa": False, "headers": [], "retainAssetsSeconds": 3600}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", default="10,256")
    parser.add_argument("--sizes", default="2k,100k,1m")
    parser.add_argument("--modes", default="keepalive,close")
    parser.add_argument("--nginx-workers", default="2")
    parser.add_argument("--switch-files", type=int, default=5000)
    parser.add_argument("--switches", type=int, default=10)
    args = parser.parse_args()
    argv = sys.argv[1:]
    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-static-")
    # nginx's workers run as `nobody` when it starts as root: the folder must be readable to them.
    root.chmod(0o755)
    site = make_site(root / "site", "bench")
    proxy = b.SlipwayProxy(root / "proxy", slipway_binary())
    nginx = None
    try:
        proxy_port = b.free_port()
        proxy.start(proxy_port)
        proxy.configure("site", "/")
        proxy.switch("site", site_upstream(site, "r1"))
        nginx_port = b.free_port()
        nginx = b.Nginx(root / "nginx", NGINX_STATIC.format(port=nginx_port, root=site), workers=args.nginx_workers).start(nginx_port)
        systems = {"nginx": nginx_port, "slipway": proxy_port}
        pids = {"nginx": lambda: [nginx.pid] + b.children_of(nginx.pid), "slipway": lambda: [proxy.pid]}
        for name, port in systems.items():
            for size, path in FILES.items():
                status, _, body = b.http_get(port, path)
                expected = (site / path.lstrip("/")).stat().st_size
                assert status == 200 and len(body) == expected, (name, path, status, len(body))
        script = b.wrk_script(root / "report.lua")
        print(b.machine_line())
        rows, commands = [], {}
        order = list(systems)
        cases = [(mode, size, int(c)) for mode in args.modes.split(",") for size in args.sizes.split(",")
                 for c in args.connections.split(",")]
        for mode, size, connections in cases:
            close = mode == "close"
            results = {name: [] for name in systems}
            b.warm_up(systems, FILES[size], connections, script, close)
            for rotated in b.rotations(order, args.rounds):
                for name in rotated:
                    r = b.wrk(f"http://127.0.0.1:{systems[name]}{FILES[size]}", connections, args.seconds, script, close=close,
                              measure_pids=pids[name]())
                    results[name].append(r)
                    commands[(mode, size, connections, name)] = r.command
                    b.log(f"{mode:9} {size:4} c={connections:<3} {name:7} {r.rps:9.0f} req/s  p99 {r.p99_ms:.3f} ms  "
                          f"errors {r.errors or 0}")
            rows.append(summarize(mode, size, connections, results))
        switch = switch_timing(root, proxy, proxy_port, args.switch_files, args.switches)
        print_report(rows, commands, switch, argv, args)
    finally:
        if nginx:
            nginx.stop()
        proxy.stop()


def summarize(mode, size, connections, results):
    med = b.medians(results)
    ratio = b.median([s.rps / n.rps for s, n in zip(results["slipway"], results["nginx"]) if n.rps])
    return dict(mode=mode, size=size, connections=connections, med=med, ratio=ratio,
                rounds=[(s.rps, n.rps) for s, n in zip(results["slipway"], results["nginx"])])


def switch_timing(root: Path, proxy, port: int, files: int, switches: int) -> dict:
    """Switches between two releases of a `files`-file site while a client polls `/`."""
    b.log(f"writing two releases of {files} files each")
    releases = [make_site(root / f"large-{label}", label, extra_files=files) for label in ("one", "two")]
    upstreams = [site_upstream(releases[0], "large-1"), site_upstream(releases[1], "large-2")]
    proxy.switch("site", upstreams[0])
    seen: list[tuple[float, bytes]] = []
    stop = threading.Event()

    def poll() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        while not stop.is_set():
            connection.request("GET", "/")
            body = connection.getresponse().read()
            seen.append((time.monotonic(), body[:40]))

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    time.sleep(0.2)
    calls, first_responses = [], []
    for index in range(switches):
        target = upstreams[(index + 1) % 2]
        label = b"<title>" + (b"two" if target is upstreams[1] else b"one")
        started = time.monotonic()
        proxy.switch("site", target)
        returned = time.monotonic()
        calls.append((returned - started) * 1000)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            first = next((t for t, body in list(seen) if t >= started and label in body), None)
            if first is not None:
                first_responses.append((first - started) * 1000)
                break
            time.sleep(0.001)
        time.sleep(0.1)
    stop.set()
    poller.join()
    return {"files": files, "calls_ms": calls, "first_ms": first_responses, "polls": len(seen)}


def print_report(rows, commands, switch, argv, args) -> None:
    print()
    print(f"## Static files: Slipway's proxy against nginx (wrk, {args.rounds} interleaved rounds of {args.seconds:g} s; medians)")
    print()
    header = ["case", "conns", "nginx req/s", "slipway req/s", "slipway/nginx", "p99 ms n/s", "CPU µs/req nginx (u+s)",
              "CPU µs/req slipway (u+s)", "errors n/s"]
    table_rows = []
    for row in rows:
        m = row["med"]
        case = {"keepalive": "keep-alive", "close": "new conn/req"}[row["mode"]]
        table_rows.append([
            f"{case} {row['size']}", row["connections"], b.fmt(m["nginx"]["rps"], 0), b.fmt(m["slipway"]["rps"], 0),
            b.fmt(row["ratio"], 2) + "×", f"{b.fmt(m['nginx']['p99'])}/{b.fmt(m['slipway']['p99'])}",
            f"{b.fmt(m['nginx']['user_us'], 1)} + {b.fmt(m['nginx']['sys_us'], 1)}",
            f"{b.fmt(m['slipway']['user_us'], 1)} + {b.fmt(m['slipway']['sys_us'], 1)}",
            f"{m['nginx']['errors']}/{m['slipway']['errors']}",
        ])
    print(b.table(header, table_rows))
    print()
    print("per-round slipway/nginx req/s: " + "; ".join(
        f"{r['mode']} {r['size']} c{r['connections']}: " + ", ".join(f"{s / n:.2f}" for s, n in r["rounds"] if n) for r in rows))
    print()
    calls, first = sorted(switch["calls_ms"]), sorted(switch["first_ms"])
    print(f"## Switch and rollback of a {switch['files']:,}-file site ({len(calls)} switches, alternating; "
          f"{switch['polls']} polls of `/` meanwhile)")
    print()
    print(b.table(["", "median ms", "max ms"], [
        ["switch call (control request to reply)", b.fmt(b.median(calls), 2), b.fmt(max(calls) if calls else None, 2)],
        ["control request to the first response from the new release", b.fmt(b.median(first), 2),
         b.fmt(max(first) if first else None, 2)],
    ]))
    if len(first) < len(calls):
        print(f"\n{len(calls) - len(first)} switches saw no response from the new release within 5 s")
    print()
    print("reproduce: " + b.reproduce_line("static_vs_nginx.py", argv))
    print("each measurement is, with the system's port:")
    for (mode, size, connections, name), command in list(commands.items())[:2]:
        print(f"  {name}: {command}")


if __name__ == "__main__":
    main()
