#!/usr/bin/env bash
# The main job on embedded defaults: build, then `slipway demo` (a throwaway repository, the real
# daemon, steady load, deploy v1, v2, a failing v3, roll back to v1; a table of what happened).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build-quietly.sh
exec .build/debug/slipway demo "$@"
