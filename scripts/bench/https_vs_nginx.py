#!/usr/bin/env python3
"""Benchmark: HTTPS in Slipway's proxy against nginx terminating TLS, same certificate (issue 16).

Issue 16 asks: "HTTPS keep-alive and new-connection-per-request throughput and p99 against nginx
with the same certificate (ECDSA P-256) and TLS 1.3; goal ≥ 1.0× keep-alive, ≥ 0.8× new
connections."

One static upstream (nginx serving www/100b, deployed by Slipway as a service, as in
proxy_vs_nginx.py) is reached over HTTPS (a) through nginx (2 workers, `ssl_protocols TLSv1.3`,
upstream keep-alive, the proxy settings of proxy_vs_nginx.py) and (b) through Slipway's proxy, the
real daemon with `proxy.tls` in slipway.yml (TLS 1.2 and 1.3 offered; wrk's OpenSSL takes 1.3), with
one ECDSA P-256 certificate for both. wrk runs keep-alive and with a new connection (a TLS
handshake, resumed with a session ticket when wrk holds one) per request; the systems alternate within each round and each round's ratio is taken
before the median. Both sides keep their defaults for resumption: session tickets on (nginx's
and BoringSSL's), no server-side session cache.

    scripts/bench/https_vs_nginx.py [--seconds 5] [--rounds 3] [--connections 32]
"""

from __future__ import annotations

import argparse
import ssl
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402
from proxy_vs_nginx import NGINX_PROXY  # noqa: E402


def certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed ECDSA P-256 certificate for localhost and 127.0.0.1."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "30", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    key.chmod(0o600)
    return cert, key


def nginx_https(port: int, upstream: int, cert: Path, key: Path) -> str:
    """proxy_vs_nginx.py's reverse proxy, listening with TLS 1.3 and the certificate."""
    body = NGINX_PROXY.format(servers=f"        server 127.0.0.1:{upstream};", port=port)
    return body.replace(f"listen 127.0.0.1:{port} backlog=4096;",
                        f"listen 127.0.0.1:{port} ssl backlog=4096;\n"
                        f"        ssl_certificate {cert};\n        ssl_certificate_key {key};\n"
                        f"        ssl_protocols TLSv1.3;")


def handshake_version(port: int) -> str:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    import socket
    with socket.create_connection(("127.0.0.1", port)) as sock, context.wrap_socket(sock, server_hostname="localhost") as tls:
        return tls.version() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--nginx-workers", default="2")
    args = parser.parse_args()
    b.raise_fd_limit()
    root = b.temp_root("slipway-bench-https-")
    repo = root / "repo"
    proxy_port, tls_port = b.free_port(), b.free_port()
    b.static_upstream_repository(repo, proxy_port)
    cert, key = certificate(root)
    config = (repo / "slipway.yml").read_text().replace(
        f"proxy:\n  listen: 127.0.0.1:{proxy_port}\n",
        f"proxy:\n  listen: 127.0.0.1:{proxy_port}\n  tls:\n    listen: 127.0.0.1:{tls_port}\n"
        f"    certificates: {{ localhost: {{ cert: '{cert}', key: '{key}' }} }}\n")
    (repo / "slipway.yml").write_text(config)
    daemon = b.Daemon(repo, root / "daemon.log")
    nginx = None
    try:
        daemon.start()
        upstream = daemon.deploy_json("static", "v1")["instance"]["port"]
        nginx_port = b.free_port()
        nginx = b.Nginx(root / "nginx", nginx_https(nginx_port, upstream, cert, key), workers=args.nginx_workers).start(nginx_port)
        systems = {"nginx": nginx_port, "slipway": tls_port}
        pids = {"nginx": lambda: [nginx.pid] + b.children_of(nginx.pid), "slipway": lambda: [b.proxy_pid(repo) or daemon.pid]}
        versions = {name: handshake_version(port) for name, port in systems.items()}
        script = b.wrk_script(root / "report.lua")
        print(b.machine_line())
        print(f"TLS negotiated with Python's client: {versions}")
        rows = []
        for mode in ("keepalive", "close"):
            close = mode == "close"
            results = {name: [] for name in systems}
            for name, port in systems.items():
                b.wrk(f"https://127.0.0.1:{port}/100b", args.connections, 1, script, close=close)
            for round_index in range(args.rounds):
                order = list(systems) if round_index % 2 == 0 else list(reversed(list(systems)))
                for name in order:
                    r = b.wrk(f"https://127.0.0.1:{systems[name]}/100b", args.connections, args.seconds, script, close=close,
                              measure_pids=pids[name]())
                    results[name].append(r)
                    b.log(f"{mode:9} {name:7} {r.rps:9.0f} req/s  p99 {r.p99_ms:.3f} ms  errors {r.error_count}")
            ratio = b.median([s.rps / n.rps for s, n in zip(results["slipway"], results["nginx"]) if n.rps])
            goal = 1.0 if mode == "keepalive" else 0.8
            for name in systems:
                rs = results[name]
                rows.append([mode, name, b.fmt(b.median([r.rps for r in rs]), 0), b.fmt(b.median([r.p99_ms for r in rs]), 2, " ms"),
                             b.fmt(b.median([sum(r.cpu_us) for r in rs if r.cpu_us]), 1, " µs"),
                             str(sum(r.error_count for r in rs)),
                             f"{ratio:.2f}× (goal ≥ {goal}×: {'met' if ratio >= goal else 'MISSED'})" if name == "slipway" else ""])
        print()
        print(f"## HTTPS, 100 B, {args.connections} connections (wrk, {args.rounds} alternating rounds of {args.seconds:g} s; medians)")
        print()
        print(b.table(["mode", "system", "req/s", "p99", "CPU/request", "errors", "slipway/nginx"], rows))
        print()
        print("reproduce: " + b.reproduce_line("https_vs_nginx.py", sys.argv[1:]))
    finally:
        if nginx:
            nginx.stop()
        daemon.stop()


if __name__ == "__main__":
    main()
