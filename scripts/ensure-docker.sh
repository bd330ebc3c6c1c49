#!/usr/bin/env bash
# Makes a Docker engine available for the SlipwayDocker tests:
#
#     scripts/ensure-docker.sh
#
# Installs Debian's docker.io (dockerd, containerd, runc, the client) and busybox-static (the tests
# build their images FROM scratch out of its static binary: no registry is needed) when missing,
# starts dockerd in the background when its socket does not answer, and waits until it does.
# The socket is the one DOCKER_HOST names (unix:///path), else /var/run/docker.sock. dockerd's
# output goes to $SLIPWAY_DOCKERD_LOG (default: $TMPDIR/slipway-dockerd.log). Installing and
# starting need root or passwordless sudo; an engine that already answers needs neither.
set -euo pipefail

TMP=${TMPDIR:-/tmp}
LOG=${SLIPWAY_DOCKERD_LOG:-$TMP/slipway-dockerd.log}
WAIT_SECONDS=${SLIPWAY_DOCKERD_WAIT:-60}

log() { echo "ensure-docker: $*" >&2; }
fail() { log "$*"; exit 1; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo -n "$@"
    else return 1
    fi
}

case "${DOCKER_HOST:-}" in
    "") SOCKET=/var/run/docker.sock ;;
    unix:///*) SOCKET=${DOCKER_HOST#unix://} ;;
    *) fail "DOCKER_HOST=$DOCKER_HOST is not a unix socket (unix:///path); Slipway talks to the engine over its socket" ;;
esac

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
        || fail "apt-get update failed (installing ${missing[*]} needs root or passwordless sudo)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2 \
        || fail "apt-get install ${missing[*]} failed"
fi

answers() {
    docker --host "unix://$SOCKET" version --format '{{.Server.Version}}' >/dev/null 2>&1
}

if answers; then
    log "the engine at $SOCKET answers"
    exit 0
fi

log "no engine answers at $SOCKET; starting dockerd (its output: $LOG)"
# setsid: dockerd outlives this script and the shell that ran it; the tests need it afterwards.
as_root setsid dockerd --host "unix://$SOCKET" >"$LOG" 2>&1 </dev/null &
disown || true

for _ in $(seq 1 "$WAIT_SECONDS"); do
    if answers; then
        log "the engine at $SOCKET answers"
        exit 0
    fi
    sleep 1
done
tail -n 20 "$LOG" >&2 || true
fail "dockerd did not answer at $SOCKET within ${WAIT_SECONDS}s; see $LOG"
