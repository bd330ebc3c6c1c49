#!/usr/bin/env bash
# Installs the public tools the benchmarks use, from Debian's packages: wrk (load and latency
# distribution), nginx (the system we compare the proxy with, and a static upstream), hyperfine
# (command timings), python3 (the scripts), procps (ps/pgrep-free /proc reading is used, but ps
# helps when looking by hand). Idempotent; quiet when everything is already there. Never starts
# the system nginx service: the benchmarks run their own nginx with their own configuration.
set -euo pipefail

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v curl >/dev/null 2>&1 || missing+=(curl)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench/setup: missing ${missing[*]}; run as root or: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "bench/setup: installing ${missing[*]}"
  apt-get update -qq
  # policy-rc.d keeps the package's post-install from starting a system nginx on port 80.
  policy=/usr/sbin/policy-rc.d
  created_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"; chmod +x "$policy"; created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  [ "$created_policy" = 1 ] && rm -f "$policy"
fi

for tool in wrk hyperfine python3; do
  command -v "$tool" >/dev/null 2>&1 || { echo "bench/setup: $tool still missing" >&2; exit 1; }
done
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null 2>&1 || { echo "bench/setup: nginx still missing" >&2; exit 1; }
echo "bench/setup: wrk, nginx $(/usr/sbin/nginx -v 2>&1 | sed 's/.*\///'), hyperfine, python3 ready"
