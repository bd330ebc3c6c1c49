#!/usr/bin/env bash
# `swift build` with one progress line instead of thousands of "Compiling…" lines: the counter
# SwiftPM prints ([n/m]) rewritten in place. The whole output goes to a log; when the build fails,
# its errors and the log's path are shown. Arguments are passed to `swift build`.
set -uo pipefail
log="$(mktemp "${TMPDIR:-/tmp}/slipway-build.XXXXXX")"
if [ ! -d .build ]; then
  echo "building Slipway: the first build compiles SwiftNIO, Hummingbird and the rest, about 10 minutes on 2 cores (later builds take seconds)"
else
  echo "building Slipway…"
fi
swift build "$@" 2>&1 | tee "$log" | awk '
  /^\[[0-9]+\/[0-9]+\]/ { printf "\r  %-60s", substr($0, 1, 60); fflush(); next }
' 
status=${PIPESTATUS[0]}
printf '\r%-70s\r' ""
if [ "$status" -ne 0 ]; then
  echo "the build failed (exit $status); its errors:" >&2
  grep -E 'error:' "$log" | sort -u | head -40 >&2
  echo "the whole output: $log" >&2
  exit "$status"
fi
tail -1 "$log"
rm -f "$log"
