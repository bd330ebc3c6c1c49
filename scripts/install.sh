#!/usr/bin/env bash
# Installs `slipway` from this checkout: a release build, the binary copied into DIR (default
# /usr/local/bin as root, else ~/.local/bin), then its version printed.
#   scripts/install.sh [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 1 ]; then echo "usage: scripts/install.sh [DIR]" >&2; exit 64; fi
if [ $# -eq 1 ]; then
  dir="$1"
elif [ "$(id -u)" -eq 0 ]; then
  dir=/usr/local/bin
else
  dir="$HOME/.local/bin"
fi
scripts/setup.sh
scripts/build-quietly.sh -c release --product slipway
mkdir -p "$dir"
# Copied beside, then renamed: a `slipway` running from DIR (a daemon, the proxy) keeps its file.
install -m 0755 .build/release/slipway "$dir/.slipway.new"
mv -f "$dir/.slipway.new" "$dir/slipway"
echo "installed $dir/slipway: $("$dir/slipway" --version)"
case ":$PATH:" in
  *":$dir:"*) ;;
  *) echo "note: $dir is not on your PATH; add it (e.g. export PATH=\"$dir:\$PATH\" in ~/.profile)" ;;
esac
echo "shell completions: slipway --generate-completion-script bash > /etc/bash_completion.d/slipway (or zsh, fish)"
