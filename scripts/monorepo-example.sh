#!/usr/bin/env bash
# A monorepo push range deployed end to end, as the README shows it: a throwaway git repository
# with three services (gateway; hr, which depends on gateway and has a SQLite database, checks and
# smoke tests; web), the real daemon, then `slipway plan --changed` and `slipway deploy --changed`
# for a first deploy, a commit touching hr's migrations, and one touching a shared library.
# Leaves nothing running; the repository is removed unless KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
build() { swift build --product "$1" >/dev/null 2>&1 || swift build --product "$1"; }
build slipway
build slipway-example
bin="$(swift build --show-bin-path 2>/dev/null)"
slipway="$bin/slipway"

repo="$(mktemp -d /tmp/slipway-monorepo-XXXXXX)"
daemon=""
cleanup() {
    if [ -n "$daemon" ]; then kill -TERM "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; fi
    [ "${KEEP:-0}" = 1 ] || rm -rf "$repo"
}
trap cleanup EXIT

service() {  # name, route
    cat <<EOF
  $1:
    run: $bin/slipway-example
    route: { path: $2 }
    health: { path: /health, interval: 1s, start_timeout: 10s }
EOF
}
{
    echo "proxy: { listen: 127.0.0.1:0 }"
    echo "services:"
    service gateway /gw
    echo '    paths: ["services/gateway/**"]'
    service hr /hr
    cat <<'EOF'
    paths: ["services/hr/**", "libs/common/**"]
    depends_on: [gateway]
    database: hr
    checks:
      - { name: unit tests, run: sh services/hr/test.sh, timeout: 1m }
    smoke:
      - http: { path: /health, expect: { status: 200 } }
      - run: sh services/hr/smoke.sh
EOF
    service web /
    echo '    paths: ["web/**", "libs/common/**"]'
    cat <<'EOF'
databases:
  hr:
    url: sqlite:.slipway/hr.db
    migrations: services/hr/migrations
EOF
} > "$repo/slipway.yml"

cd "$repo"
mkdir -p services/gateway services/hr/migrations web libs/common
echo gateway > services/gateway/main.txt
echo 'echo "12 tests passed"' > services/hr/test.sh
echo 'curl -fsS "$SLIPWAY_URL/health" >/dev/null && echo "smoke: /health answers"' > services/hr/smoke.sh
echo 'CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT NOT NULL);' > services/hr/migrations/V1__employees.sql
echo web > web/index.txt
echo 1 > libs/common/util.txt
echo v1 > VERSION
echo ".slipway/" > .gitignore
git init --quiet -b main && git add -A && git -c user.name=demo -c user.email=demo@example.invalid commit --quiet -m "three services"
git tag v1

"$slipway" serve --log-level warning > "$repo/daemon.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do "$slipway" status >/dev/null 2>&1 && break; sleep 0.1; done

run() { echo; echo "\$ slipway $*"; "$slipway" "$@" || echo "(exit $?)"; }

run plan --changed
run deploy --changed

echo 'ALTER TABLE employees ADD COLUMN timezone TEXT;' > services/hr/migrations/V2__employee_timezone.sql
echo v2 > VERSION
git add -A && git -c user.name=demo -c user.email=demo@example.invalid commit --quiet -m "hr: employee time zones"
run plan --changed
run deploy --changed

echo 2 > libs/common/util.txt
echo v3 > VERSION
git add -A && git -c user.name=demo -c user.email=demo@example.invalid commit --quiet -m "common: util 2"
run plan --changed --from v1
run deploy --changed
run status
