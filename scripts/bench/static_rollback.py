#!/usr/bin/env python3
"""Benchmark: deploy and rollback of a 5,000-file static site through the daemon (issue 17).

A repository whose build writes a site of `--files` files (an index.html referencing a hashed
bundle, the rest small pages) is deployed twice (v1, v2) by `slipway serve` on the release build;
then `slipway rollback site` runs `--rollbacks` times (each back to the release the active one
replaced: v2 ↔ v1) while a client polls `/` on one keep-alive connection. Reported, as medians:
the CLI's wall time, the `start` (the asset check), `health` and `switch` stages as the CLI
printed them, and the time from the rollback command to the first response from the other
release. `static_vs_nginx.py` measures the proxy's switch alone.

    scripts/bench/static_rollback.py [--files 5000] [--rollbacks 10]
"""

from __future__ import annotations

import argparse
import http.client
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchlib as b  # noqa: E402

BUILD = """#!/bin/sh
set -e
v=$(cat VERSION)
mkdir -p dist/assets dist/pages
printf '<!doctype html><title>site %s</title><script src="/assets/app-%s.js"></script>\\n' "$v" "$v" > dist/index.html
printf 'console.log("%s");\\n' "$v" > dist/assets/app-$v.js
i=0; while [ $i -lt {files} ]; do printf '<p>page %s of %s</p>\\n' $i "$v" > dist/pages/p$i.html; i=$((i+1)); done
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--rollbacks", type=int, default=10)
    args = parser.parse_args()
    root = b.temp_root("slipway-static-rollback")
    port = b.free_port()
    config = (f"proxy:\n  listen: 127.0.0.1:{port}\nservices:\n  site:\n    static: {{ root: dist, precompress: false }}\n"
              "    build: sh site.sh\n    retain: 3\n    route: { path: / }\n")
    repository = root / "repo"
    b.make_repository(repository, config, {"site.sh": BUILD.replace("{files}", str(args.files))}, ["v1", "v2"])
    daemon = b.Daemon(repository, root / "daemon.log").start()
    try:
        for ref in ("v1", "v2"):
            result = b.run_timed(repository, ["deploy", "site", "--ref", ref])
            assert result.returncode == 0, result.output()
            b.log(f"deploy {ref}: {result.wall * 1000:.0f} ms (start {ms(result.stage('start'))}, health {ms(result.stage('health'))}, "
                  f"switch {ms(result.stage('switch'))})")
        rows = []
        for _ in range(args.rollbacks):
            before = version(port)
            seen = {}
            stop = threading.Event()
            poller = threading.Thread(target=poll, args=(port, before, seen, stop))
            poller.start()
            command = b.run_timed(repository, ["rollback", "site"])
            stop.set()
            poller.join()
            assert command.returncode == 0, command.output()
            first_other = (seen["at"] - command.started) * 1000 if "at" in seen else None
            rows.append((command.wall * 1000, ms_value(command.stage("start")), ms_value(command.stage("health")),
                         ms_value(command.stage("switch")), first_other))
            time.sleep(0.2)
        medians = [b.median([r[i] for r in rows]) for i in range(5)]
        print()
        print(b.machine_line())
        print(f"{args.files + 2} files per release, {args.rollbacks} rollbacks (v2 <-> v1), medians in ms:")
        print(b.table(["rollback (CLI wall)", "start (asset check)", "health", "switch", "command → first response of the other release"],
                      [[b.fmt(v) for v in medians]]))
        print("\n" + b.reproduce_line("static_rollback.py", sys.argv[1:]))
    finally:
        daemon.stop()


def ms(value):
    return "-" if value is None else f"{value * 1000:.1f} ms"


def ms_value(value):
    return None if value is None else value * 1000


def version(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/")
    body = connection.getresponse().read().decode()
    connection.close()
    return body.split("<title>site ")[1].split("<")[0]


def poll(port: int, before: str, seen: dict, stop: threading.Event) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    while not stop.is_set() or "at" not in seen:
        connection.request("GET", "/")
        body = connection.getresponse().read().decode()
        if f"<title>site {before}<" not in body:
            seen["at"] = time.monotonic()
            return
        if stop.is_set() and time.monotonic() > 0 and "at" not in seen:
            # The rollback ended: one more look, then give up.
            connection.request("GET", "/")
            if f"<title>site {before}<" not in connection.getresponse().read().decode():
                seen["at"] = time.monotonic()
            return


if __name__ == "__main__":
    main()
