#!/usr/bin/env bash
# Makes a PostgreSQL server available for the SlipwayDatabase tests, installing Debian's `postgresql`
# when it is missing, and prints the URL the tests read:
#
#     eval "$(scripts/ensure-postgres.sh)"     # or: source scripts/ensure-postgres.sh
#
# Sourced, it exports SLIPWAY_TEST_POSTGRES_URL itself; run, it prints the export line.
# As root (or with passwordless sudo) it starts Debian's cluster (pg_ctlcluster); otherwise it runs a
# private cluster under $SLIPWAY_TEST_PGDATA (default: $TMPDIR/slipway-test-pg-<uid>) on a free port.
# Either way it creates the role `slipway_test` (LOGIN CREATEDB: tests create and drop a database each)
# and writes the URL to $SLIPWAY_TEST_POSTGRES_URL_FILE (default: $TMPDIR/slipway-test-postgres.url),
# which the tests read when the variable is not set. Progress goes to stderr; stdout is the export line.
set -euo pipefail

slipway_ensure_postgres() {
    local sourced=$1

    local ROLE=slipway_test PASSWORD=slipway_test TMP=${TMPDIR:-/tmp} BIN VERSION PORT HOST DIR URL
    local URL_FILE=${SLIPWAY_TEST_POSTGRES_URL_FILE:-$TMP/slipway-test-postgres.url}

    sep_log() { echo "ensure-postgres: $*" >&2; }
    sep_fail() { sep_log "$*"; exit 1; }

    sep_as_root() {
        if [ "$(id -u)" = 0 ]; then "$@"
        elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
        else return 1
        fi
    }

    sep_bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

    if [ -z "$(sep_bindir)" ]; then
        sep_log "PostgreSQL is not installed; installing Debian's postgresql"
        sep_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
            || sep_fail "apt-get update failed (installing postgresql needs root or passwordless sudo)"
        sep_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2 \
            || sep_fail "apt-get install postgresql failed"
    fi
    BIN=$(sep_bindir)
    [ -n "$BIN" ] || sep_fail "no PostgreSQL binaries under /usr/lib/postgresql after installing"
    VERSION=$(basename "$(dirname "$BIN")")

    sep_free_port() {
        if command -v python3 >/dev/null 2>&1; then
            python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
        else
            for port in $(seq 54320 54420); do
                (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
            done
            sep_fail "no free port in 54320-54420"
        fi
    }

    sep_wait_ready() {
        for _ in $(seq 1 60); do
            "$BIN/pg_isready" -q "$@" && return 0
            sleep 0.5
        done
        sep_fail "PostgreSQL did not accept connections within 30s"
    }

    if sep_as_root true 2>/dev/null && command -v pg_ctlcluster >/dev/null 2>&1; then
        if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { found = 1 } END { exit !found }'; then
            sep_log "creating cluster $VERSION/main"
            sep_as_root pg_createcluster "$VERSION" main >&2
        fi
        if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" && $4 == "online" { up = 1 } END { exit !up }'; then
            sep_log "starting cluster $VERSION/main"
            sep_as_root pg_ctlcluster "$VERSION" main start >&2
        fi
        PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" { print $3 }')
        HOST=127.0.0.1
        sep_wait_ready -h "$HOST" -p "$PORT"
        sep_psql_admin() { sep_as_root runuser -u postgres -- "$BIN/psql" -p "$PORT" -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
    else
        DIR=${SLIPWAY_TEST_PGDATA:-$TMP/slipway-test-pg-$(id -u)}
        mkdir -p "$DIR"
        if [ ! -f "$DIR/data/PG_VERSION" ]; then
            sep_log "initialising a private cluster in $DIR/data"
            "$BIN/initdb" -D "$DIR/data" -U postgres --auth=trust >"$DIR/initdb.log" 2>&1 \
                || { cat "$DIR/initdb.log" >&2; sep_fail "initdb failed"; }
        fi
        if "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1 && [ -f "$DIR/port" ]; then
            PORT=$(cat "$DIR/port")
        else
            PORT=$(sep_free_port)
            echo "$PORT" >"$DIR/port"
            sep_log "starting the private cluster on 127.0.0.1:$PORT"
            "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
                -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >&2
        fi
        HOST=127.0.0.1
        sep_wait_ready -h "$HOST" -p "$PORT"
        sep_psql_admin() { "$BIN/psql" -h "$DIR" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 -d postgres "$@"; }
    fi

    sep_psql_admin -c "DO \$\$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
                CREATE ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
            ELSE
                ALTER ROLE $ROLE LOGIN CREATEDB PASSWORD '$PASSWORD';
            END IF;
        END \$\$;" >&2
    if [ -z "$(sep_psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$ROLE'")" ]; then
        sep_psql_admin -c "CREATE DATABASE $ROLE OWNER $ROLE" >&2
    fi

    URL="postgres://$ROLE:$PASSWORD@$HOST:$PORT/$ROLE?sslmode=disable"
    echo "$URL" >"$URL_FILE"
    sep_log "PostgreSQL $VERSION ready at postgres://$ROLE:***@$HOST:$PORT/$ROLE (URL written to $URL_FILE)"
    export SLIPWAY_TEST_POSTGRES_URL="$URL"
    if [ "$sourced" = 0 ]; then echo "export SLIPWAY_TEST_POSTGRES_URL='$URL'"; fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    slipway_ensure_postgres 0
else
    slipway_ensure_postgres 1
fi
unset -f slipway_ensure_postgres sep_log sep_fail sep_as_root sep_bindir sep_free_port sep_wait_ready sep_psql_admin
