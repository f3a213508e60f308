#!/usr/bin/env bash
# Start-up cost of the OTLP and remote-write outputs, measured:
#   1. importing each encoder candidate in a fresh node (median of RUNS runs, in-process timer),
#      from a scratch folder where the candidates are installed (CANDIDATES_DIR, see RESULTS.md);
#   2. (bench/encoder-cost.js: loading the serializer and encoding 12 series, per output)
#   3. a whole CLI run pushing 12 series to a local responder: --pushgateway, --otlp,
#      --remote-write, and a --dry-run with none of them (hyperfine, medians).
# Usage: npm run build && bench/protobuf-outputs.sh
set -euo pipefail
cd "$(dirname "$0")/.."
unset NODE_EXTRA_CA_CERTS PYTHONUNBUFFERED
runs=${RUNS:-20}

median_import() { # SPEC…: prints the median ms to import them, in a fresh node each run
  local vals=() i
  for i in $(seq 1 "$runs"); do
    vals+=("$(node --input-type=module -e "const t=performance.now(); for (const s of process.argv.slice(1)) await import(s); process.stdout.write(String(performance.now()-t))" "$@")")
  done
  printf '%s\n' "${vals[@]}" | sort -n | awk '{a[NR]=$1} END{printf "%.1f", a[int((NR+1)/2)]}'
}

if [ -n "${CANDIDATES_DIR:-}" ]; then
  echo "## import, median of $runs (ms), from $CANDIDATES_DIR"
  for spec in protobufjs/minimal.js protobufjs @bufbuild/protobuf/wire snappyjs snappy prometheus-remote-write @opentelemetry/otlp-transformer; do
    printf '%-34s %s\n' "$spec" "$(cd "$CANDIDATES_DIR" && median_import "$spec")"
  done
fi
echo "## import of our modules, median of $runs (ms)"
for m in dist/lib/sinks/otlp/sink.js dist/lib/sinks/remote-write/sink.js dist/lib/sinks/pushgateway/sink.js; do
  # pushgateway.js pulls prom-client's pieces only when it renders: import its serializer too.
  extra=()
  [ "$m" = dist/lib/sinks/pushgateway/sink.js ] && extra=(prom-client/lib/registry.js prom-client/lib/gauge.js prom-client/lib/counter.js)
  # The encoders load protobufjs (and snappyjs) on first use: import them as a push would.
  [ "$m" = dist/lib/sinks/otlp/sink.js ] && extra=(protobufjs/minimal.js node:zlib)
  [ "$m" = dist/lib/sinks/remote-write/sink.js ] && extra=(protobufjs/minimal.js snappyjs)
  printf '%-34s %s\n' "$m" "$(median_import "$PWD/$m" "${extra[@]}")"
done

input=$(mktemp)
for i in $(seq 1 12); do echo "metric_$i=$i"; done >"$input"
node bench/ok-responder.js >"$input.port" &
responder=$!
trap 'kill "$responder" 2>/dev/null; rm -f "$input" "$input.port"' EXIT
for _ in $(seq 1 50); do grep -q listening "$input.port" && break; sleep 0.1; done
port=$(awk '{print $2}' "$input.port")
url="http://127.0.0.1:$port"
echo "## whole CLI run, 12 series, local responder (hyperfine)"
hyperfine -w 3 -r "$runs" --export-json "$input.json" \
  -n dry-run "node dist/cli.cjs --integration b --dry-run-file /dev/null < $input" \
  -n pushgateway "node dist/cli.cjs --integration b --pushgateway $url < $input" \
  -n otlp "node dist/cli.cjs --integration b --otlp $url/v1/metrics < $input" \
  -n remote-write "node dist/cli.cjs --integration b --remote-write $url/api/v1/write < $input" >/dev/null 2>&1
node -e "
for (const r of JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')).results)
  console.log(r.command.padEnd(14), 'median', (r.median * 1000).toFixed(1), 'ms  mean', (r.mean * 1000).toFixed(1), '± ' + (r.stddev * 1000).toFixed(1));
" "$input.json"
rm -f "$input.json"
