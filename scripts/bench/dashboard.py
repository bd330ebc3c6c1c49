#!/usr/bin/env python3
"""Benchmark: the dashboard's server time with 50 services and 1,000 deployments in history, and
the daemon's CPU with 20 dashboards open (issue 16).

Issue 16 asks: "Dashboard: time to first render of the overview with 50 services and 1,000
deployments in history (goal < 200 ms server time), and the daemon's CPU with 20 dashboards open."

A repository of 50 services (each the bundled example, its own route) is deployed by a real
daemon, one deployment per service. The daemon is stopped and the history grown to 1,000
deployments by copying those records (new ids, older start times) in the state database, which
is what 950 more deployments would have left there; the daemon is started again (it re-adopts the
50 running services). A viewer token is exchanged for a session the way a browser does.

  * server time: each page is requested `--requests` times, one after another, on loopback (the
    time from sending the request to the last byte: the server's rendering and the store's query
    with nothing else in between); the overview, the history's first page (unfiltered and by one
    service), a deployment's page and the audit trail.
  * CPU: the daemon's user+system CPU seconds over `--seconds` with no dashboard open, then with 20
    open (20 Server-Sent Event streams of the overview, read as a browser reads them), as a percent
    of one core.

    scripts/bench/dashboard.py [--services 50] [--deployments 1000] [--requests 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402


def config(services: int, api_port: int) -> str:
    text = f"proxy:\n  listen: 127.0.0.1:0\napi:\n  listen: 127.0.0.1:{api_port}\nservices:\n"
    for index in range(services):
        text += (f"  s{index:02d}:\n    run: '{b.example_bin()}'\n    route:\n      path: /s{index:02d}\n"
                 + b.health_block("5s") + "    drain_timeout: 2s\n    stop_timeout: 5s\n    watch: 0s\n")
    return text


def grow_history(database: Path, total: int) -> int:
    """Copies the recorded deployments until there are `total`; returns how many there are."""
    connection = sqlite3.connect(database)
    rows = connection.execute("SELECT id, environment, service, started_at, outcome, record FROM deployment").fetchall()
    count = len(rows)
    copy = 0
    while count < total:
        source = rows[copy % len(rows)]
        copy += 1
        record = json.loads(source[5])
        record["id"] = f"{source[0]}-copy{copy:04d}"
        started = source[3] - 3600 * copy
        # The record's own time too (ISO 8601 with milliseconds, UTC, as the daemon writes it).
        record["startedAt"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(started))
        record.pop("finishedAt", None)
        record["finishedAt"] = time.strftime("%Y-%m-%dT%H:%M:%S.500Z", time.gmtime(started))
        connection.execute("INSERT INTO deployment (id, environment, service, started_at, outcome, record) VALUES (?, ?, ?, ?, ?, ?)",
                           (record["id"], source[1], source[2], started, source[4], json.dumps(record).encode()))
        count += 1
    connection.commit()
    connection.close()
    return count


class Session:
    """A signed-in browser: the session cookie, and timed GETs."""

    def __init__(self, port: int, token: str):
        self.port = port
        status, headers, body = self.request("GET", "/sign-in")
        sign_in_cookie = headers["set-cookie"].split(";")[0]
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', body.decode()).group(1)
        form = urllib.parse.urlencode({"csrf": csrf, "token": token})
        status, headers, _ = self.request("POST", "/sign-in", form, {"Cookie": sign_in_cookie,
                                                                    "Content-Type": "application/x-www-form-urlencoded"})
        if status != 303:
            sys.exit(f"dashboard bench: sign-in answered {status}")
        self.cookie = headers["set-cookie"].split(";")[0]

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def timed(self, path: str, requests: int) -> list[float]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        times = []
        for _ in range(requests):
            start = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": self.cookie})
            response = connection.getresponse()
            data = response.read()
            times.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                sys.exit(f"dashboard bench: {path} answered {response.status}: {data[:300]!r}")
        connection.close()
        return sorted(times)


def open_streams(port: int, cookie: str, count: int, stop: threading.Event) -> list[threading.Thread]:
    """`count` browsers following the overview: each reads its event stream until `stop`."""
    def follow():
        with socket.create_connection(("127.0.0.1", port)) as sock:
            sock.sendall(f"GET /events HTTP/1.1\r\nHost: dashboard\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n".encode())
            sock.settimeout(0.5)
            while not stop.is_set():
                try:
                    if not sock.recv(65536):
                        return
                except socket.timeout:
                    continue
    threads = [threading.Thread(target=follow, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    return threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--deployments", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--dashboards", type=int, default=20)
    args = parser.parse_args()
    root = b.temp_root("slipway-dashboard-bench-")
    repository = root / "repo"
    api_port = b.free_port()
    b.make_repository(repository, config(args.services, api_port), {}, ["v1"])
    daemon = b.Daemon(repository, root / "daemon.log")
    try:
        b.log(f"starting the daemon and deploying {args.services} services")
        daemon.start()
        for index in range(args.services):
            daemon.cli("deploy", f"s{index:02d}", "--ref", "v1")
        daemon.stop()
        total = grow_history(repository / ".slipway" / "state.db", args.deployments)
        b.log(f"history grown to {total} deployments; starting the daemon again")
        daemon = b.Daemon(repository, root / "daemon2.log")
        daemon.start()
        token = json.loads(daemon.cli("token", "create", "bench", "--role", "viewer", "--json").stdout)["value"]
        session = Session(api_port, token)
        some = json.loads(daemon.cli("history", "--limit", "1", "--json").stdout)[0]["id"]
        pages = [("overview /", "/"), ("history, first page", "/history"), ("history of one service", "/history?service=s07"),
                 ("a deployment", f"/deployments/{some}"), ("audit trail, first page", "/audit")]
        rows = []
        for name, path in pages:
            session.timed(path, 3)  # warm
            times = session.timed(path, args.requests)
            rows.append([name, b.fmt(b.percentile(times, 50), 1, " ms"), b.fmt(b.percentile(times, 95), 1, " ms"),
                         b.fmt(times[-1], 1, " ms")])
        print(f"Dashboard server time, {args.services} services, {total} deployments in history, "
              f"{args.requests} requests per page ({b.machine_line()})")
        print(b.table(["page", "p50", "p95", "max"], rows))

        b.log(f"daemon CPU: {args.seconds:.0f} s idle, then {args.seconds:.0f} s with {args.dashboards} dashboards open")
        before = b.cpu_seconds(daemon.pid)
        time.sleep(args.seconds)
        idle = b.cpu_seconds(daemon.pid) - before
        stop = threading.Event()
        threads = open_streams(api_port, session.cookie, args.dashboards, stop)
        time.sleep(2)
        before = b.cpu_seconds(daemon.pid)
        time.sleep(args.seconds)
        open_cpu = b.cpu_seconds(daemon.pid) - before
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        print()
        print(f"Daemon CPU over {args.seconds:.0f} s (percent of one core)")
        print(b.table(["dashboards open", "CPU"], [["0", b.fmt(idle / args.seconds * 100, 2, " %")],
                                                   [str(args.dashboards), b.fmt(open_cpu / args.seconds * 100, 2, " %")]]))
        print()
        print("reproduce: " + b.reproduce_line("dashboard.py", sys.argv[1:]))
    finally:
        daemon.stop()
        for line in subprocess.run(["pgrep", "-f", str(repository)], capture_output=True, text=True).stdout.split():
            try:
                subprocess.run(["kill", line], check=False)
            except OSError:
                pass


if __name__ == "__main__":
    main()
