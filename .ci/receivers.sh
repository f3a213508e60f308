#!/usr/bin/env bash
# VictoriaMetrics from Debian's next release (trixie), without changing this machine's release:
# a private sources list naming the trixie suite of the mirror the machine already uses, its own
# lists and cache, `apt-get download` (no install, no dependency resolution) and `dpkg -x`.
# It is a static binary. Sourced by .ci/run (exports VICTORIA_METRICS_BIN) or run on its own.
#
#   VM_DIR=/opt/victoria-metrics  where the package is unpacked (kept between runs)
set -uo pipefail

vm_dir=${VM_DIR:-/opt/victoria-metrics}
vm_bin="$vm_dir/usr/bin/victoria-metrics"

vm_fetch() {
  if [ -x "$vm_bin" ]; then return 0; fi
  local state mirror
  state=$(mktemp -d)
  # The first URIs: line of the machine's deb822 sources (deb.debian.org or a mirror).
  mirror=$(sed -nE 's/^URIs:[[:space:]]*([^[:space:]]+).*/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | grep -v -- '-security' | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  mkdir -p "$state/lists/partial" "$state/cache/archives/partial" "$state/pkg"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$state/trixie.list"
  # Only the private list: the machine's own sources (SourceParts) are not read.
  local opts=(
    -o "Dir::Etc::SourceList=$state/trixie.list"
    -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$state/lists"
    -o "Dir::Cache=$state/cache"
  )
  echo "ci: fetching victoria-metrics from $mirror trixie"
  if ! apt-get "${opts[@]}" update -qq >"$state/update.log" 2>&1; then
    cat "$state/update.log" >&2
    rm -rf "$state"
    return 1
  fi
  if ! (cd "$state/pkg" && apt-get "${opts[@]}" download victoria-metrics >"$state/download.log" 2>&1); then
    cat "$state/download.log" >&2
    rm -rf "$state"
    return 1
  fi
  mkdir -p "$vm_dir"
  dpkg-deb -f "$state"/pkg/victoria-metrics_*.deb Version >"$vm_dir/VERSION"
  dpkg -x "$state"/pkg/victoria-metrics_*.deb "$vm_dir"
  rm -rf "$state"
  [ -x "$vm_bin" ]
}

if vm_fetch; then
  export VICTORIA_METRICS_BIN="$vm_bin"
  # The Debian build prints no -version; the package's version is kept beside it.
  echo "ci: victoria-metrics $(cat "$vm_dir/VERSION" 2>/dev/null) at $vm_bin"
else
  echo "ci: victoria-metrics could not be fetched; its tests will be skipped" >&2
fi
