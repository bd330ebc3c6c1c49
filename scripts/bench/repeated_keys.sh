#!/bin/sh
# `slipway check` on files that repeat keys by the thousand (issue 13): N keys each written twice, and
# one key written N times. Prints one Markdown row per file: its shape, the issues reported, wall seconds.
# Usage: scripts/bench/repeated_keys.sh [path/to/slipway] [N ...]   (default: .build/debug/slipway 1000 3000 7000)
set -eu
slipway=${1:-.build/debug/slipway}
[ $# -gt 0 ] && shift
sizes=${*:-1000 3000 7000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

run() {  # shape, file
    start=$(date +%s.%N)
    issues=$(timeout "${TIMEOUT:-900}" "$slipway" check --config "$2" 2>&1 | grep -c 'duplicate key' || true)
    end=$(date +%s.%N)
    printf '| %s | %s | %.2f |\n' "$1" "$issues" "$(echo "$end - $start" | bc)"
}

echo "| file | issues reported | seconds |"
echo "|---|---|---|"
for n in $sizes; do
    file="$dir/twice-$n.yml"
    { printf 'services:\n  web:\n    run: ./app\n    env:\n'
      i=0; while [ $i -lt "$n" ]; do echo "      K$i: a"; i=$((i + 1)); done
      i=0; while [ $i -lt "$n" ]; do echo "      K$i: b"; i=$((i + 1)); done; } > "$file"
    run "$n keys written twice" "$file"
    file="$dir/repeated-$n.yml"
    { printf 'services:\n  web:\n'
      i=0; while [ $i -lt "$n" ]; do echo "    run: ./app"; i=$((i + 1)); done; } > "$file"
    run "one key written $n times" "$file"
done
