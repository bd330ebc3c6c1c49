#!/usr/bin/env bash
# Runs every benchmark in turn and keeps their output (what docs/PERFORMANCE.md is made from):
#
#     scripts/bench/run-all.sh [OUTPUT-DIR]
#
# Builds slipway and slipway-example in release mode unless SLIPWAY_BUILD_DIR names a directory
# that already holds them; installs wrk, nginx and hyperfine when missing (scripts/bench/setup.sh).
# Each benchmark prints its tables and the command that reproduces them; the whole run takes
# about 20 minutes. Everything runs on 127.0.0.1 and stops what it started.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$root/.build/bench-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"

"$here/setup.sh"
if [ -z "${SLIPWAY_BUILD_DIR:-}" ]; then
  (cd "$root" && swift build -c release --product slipway && swift build -c release --product slipway-example)
fi

for bench in proxy_vs_nginx cutover rollback overhead scale; do
  echo "== $bench" >&2
  python3 "$here/$bench.py" | tee "$out/$bench.txt"
done
echo "results in $out" >&2
