#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs and starts what the tests need (SQLite headers,
# git, PostgreSQL, Pebble as the ACME test CA, headless Chromium with Selenium for the dashboard,
# brotli for static sites' .br files, python3-jsonschema to check slipway.yml's JSON Schema),
# builds every product (the integration tests drive the real binaries), then runs every test target.
# With CI set, tests that need a service fail rather than skip when it is absent.
# Docker: started here when it can be (root or passwordless sudo); its tests say so when it cannot.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh postgresql pebble chromium chromium-driver python3-selenium brotli python3-jsonschema python3-yaml
# shellcheck source=/dev/null
source scripts/ensure-postgres.sh
if ! scripts/ensure-docker.sh; then
  echo "test.sh: no Docker engine could be started; the Docker tests will fail under CI" >&2
fi
swift build --build-tests
# One test at a time: many tests time real processes (health gates, drains), and a 2-core machine
# running a dozen daemons, PostgreSQL and dockerd at once makes those times meaningless.
# The run is also kept in a log so that, when it fails, what failed is repeated at the end, where
# a reader of only the last lines (a CI summary) sees it.
# A watchdog ends a run that hangs (the suite takes ~5 minutes; SLIPWAY_TEST_MINUTES, default 25):
# it shows the processes the tests left running and stops them, so CI reports which test hung
# instead of running out of time with nothing said.
log="$(mktemp "${TMPDIR:-/tmp}/slipway-test.XXXXXX")"
minutes="${SLIPWAY_TEST_MINUTES:-25}"
watchdog() {
  sleep "$((minutes * 60))"
  echo
  echo "test.sh: the tests ran longer than $minutes minutes; the processes they were waiting on:"
  ps -eo pid,ppid,etime,args --forest | grep -v ' \[' | cut -c1-200 | head -80 || true
  pkill -KILL -f 'slipwayPackageTests.xctest' || true
}
watchdog &
watcher=$!
status=0
swift test --skip-build --no-parallel "$@" 2>&1 | tee "$log" || status=$?
pkill -P "$watcher" sleep 2>/dev/null || true
kill "$watcher" 2>/dev/null || true
if [ "$status" -ne 0 ]; then
  echo
  echo "test.sh: the run failed (exit $status); what failed:"
  grep -E '✘|error:|Fatal error|fatalError|Crash|signal [0-9]+' "$log" | grep -v -E ' passed after | started\.$' | head -80 || true
  # A test that started and never ended is the one that hung or crashed the run (the cases of a
  # parameterized test end with the test itself).
  sed -E 's/\x1b\[[0-9;]*m//g' "$log" | awk '
    / Test .* started\.$/ && !/ Test (case passing|run) / { name = $0; sub(/.* Test /, "", name); sub(/ started\.$/, "", name); running[name] = 1 }
    / Test .* (passed|failed) after / { name = $0; sub(/.* Test /, "", name); sub(/ (with [0-9]+ test cases? )?(passed|failed) after .*/, "", name); delete running[name] }
    END { for (name in running) print "test.sh: never finished: " name }'
fi
rm -f "$log"
exit "$status"
