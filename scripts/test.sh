#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs and starts what the tests need (SQLite headers,
# git, PostgreSQL), builds every product (the integration tests drive the real binaries), then runs
# every test target. With CI set, tests that need a service fail rather than skip when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh postgresql
# shellcheck source=/dev/null
source scripts/ensure-postgres.sh
swift build --build-tests
swift test --skip-build "$@"
