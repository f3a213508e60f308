// Deterministic, realistic tool output for the benchmarks and the memory test: plain log
// lines, JSON log records and logfmt lines, with about 2% metric lines (name=value and JSON
// metric objects, a few Prometheus samples) among them. The same seed and size always give
// the same bytes, so runs on different days measure the same work.
//
//   node bench/generate.js SIZE [FILE]     SIZE like 1MB, 100MB, 1GB; FILE defaults to the cache path
//
// Files go to a temp folder (never into the repository) and are reused when present.

import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';

export const DEFAULT_SEED = 20240514;
/** Bumped whenever the line mix changes, so cached files of an older mix are not reused. */
export const GENERATOR_VERSION = 2;
/** Share of lines that are metrics (kv, JSON metric objects, Prometheus samples). */
export const METRIC_SHARE = 0.02;

const MB = 1024 * 1024;

/** mulberry32: a tiny, fast, seedable PRNG; Math.random cannot be seeded. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEVELS = ['INFO', 'INFO', 'INFO', 'DEBUG', 'DEBUG', 'WARN', 'ERROR'];
const PATHS = ['/api/v1/items', '/api/v1/orders', '/healthz', '/api/v2/carts/checkout', '/metrics', '/login'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const MESSAGES = [
  'Processed batch',
  'Cache miss for key',
  'Connection pool exhausted, waiting',
  'Retrying request after timeout',
  'Compiled module',
  'Test passed: handles empty input',
  'Downloading layer sha256:3f4a9c',
  'Résumé upload finished — 3 files ✓',
];
/** A bounded set of metric names and labels: a run produces a few hundred series, under the default cap. */
const METRIC_NAMES = [
  'requests_total',
  'errors_total',
  'p95_latency_ms',
  'p99_latency_ms',
  'throughput_rps',
  'coverage',
  'build.duration',
  'image_size_bytes',
  'vulnerabilities_high',
  'tests_passed',
  'tests_failed',
  'cost',
  'api/latency',
  'heap_used_mb',
  'gc_pause_ms',
  'queue_depth',
];
const SUITES = ['unit', 'integration', 'e2e', 'smoke'];

/**
 * One line (with its `\n`) and what kind it is. `kind` is 'metric' for a line the default
 * parsers accept as a metric, so callers can count what the tool should find.
 */
function makeLine(rnd, n) {
  const ts = `2024-05-14T${pad2(((n / 3600000) % 24) | 0)}:${pad2(((n / 60000) % 60) | 0)}:${pad2(((n / 1000) % 60) | 0)}.${String(n % 1000).padStart(3, '0')}Z`;
  const r = rnd();
  const pick = (list) => list[(rnd() * list.length) | 0];
  const int = (max) => (rnd() * max) | 0;
  const dec = (max) => (rnd() * max).toFixed(2);
  if (r < METRIC_SHARE) {
    const m = rnd();
    const name = pick(METRIC_NAMES);
    if (m < 0.5) return { kind: 'metric', text: `${name}=${dec(10000)}\n` };
    if (m < 0.6) return { kind: 'metric', text: `${name} = ${int(100000)}\n` };
    if (m < 0.9)
      return { kind: 'metric', text: `{"name":"${name}","value":${dec(1000)},"labels":{"suite":"${pick(SUITES)}"}}\n` };
    return {
      kind: 'metric',
      text: `http_requests_total{code="${pick(['200', '404', '500'])}",method="${pick(METHODS)}"} ${int(100000)}\n`,
    };
  }
  const s = (r - METRIC_SHARE) / (1 - METRIC_SHARE);
  if (s < 0.45) {
    return {
      kind: 'log',
      text: `${ts} ${pick(LEVELS).padEnd(5)} [worker-${int(8)}] ${pick(MESSAGES)} ${int(5000)} of 5000 in ${int(900)} ms\n`,
    };
  }
  if (s < 0.7) {
    return {
      kind: 'log',
      text: `time=${ts} level=${pick(LEVELS).toLowerCase()} msg="request done" method=${pick(METHODS)} path=${pick(PATHS)}/${int(10000)} status=200 duration_ms=${dec(300)} bytes=${int(65536)}\n`,
    };
  }
  if (s < 0.95) {
    return {
      kind: 'log',
      text: `{"ts":"${ts}","level":"${pick(LEVELS).toLowerCase()}","logger":"http","msg":"${pick(MESSAGES)}","path":"${pick(PATHS)}","latency_ms":${dec(300)},"trace_id":"${int(2 ** 31).toString(16)}${int(2 ** 31).toString(16)}"}\n`,
    };
  }
  if (s < 0.97) {
    // JSON logs that carry a "value" key: they pass the byte gate and must be rejected by the JSON parser.
    return {
      kind: 'log',
      text: `{"ts":"${ts}","level":"debug","msg":"config set","key":"retries","value":"${int(10)}"}\n`,
    };
  }
  if (s < 0.99) return { kind: 'log', text: '\n' };
  return { kind: 'log', text: `    at Object.<anonymous> (/app/src/handler.js:${int(400)}:${int(80)})\n` };
}

function pad2(n) {
  return String(n).padStart(2, '0');
}

/**
 * Yields Buffers of about `chunkBytes` each, whole lines only, until at least `totalBytes`
 * were produced (at most one line more), and counts the lines and metric lines in `stats`.
 */
export function* generateChunks(
  totalBytes,
  { seed = DEFAULT_SEED, chunkBytes = MB, stats = { lines: 0, metricLines: 0 } } = {},
) {
  const rnd = prng(seed);
  let produced = 0;
  let n = 0;
  while (produced < totalBytes) {
    const parts = [];
    let size = 0;
    while (size < chunkBytes && produced + size < totalBytes) {
      const line = makeLine(rnd, n++);
      parts.push(line.text);
      size += Buffer.byteLength(line.text);
      stats.lines++;
      if (line.kind === 'metric') stats.metricLines++;
    }
    const buf = Buffer.from(parts.join(''), 'utf8');
    produced += buf.length;
    yield buf;
  }
}

/** A Readable of the generated bytes, for streaming into a child without a temp file. */
export function generatedStream(totalBytes, opts = {}) {
  return Readable.from(generateChunks(totalBytes, opts), { objectMode: false });
}

/** "100MB" → bytes (MiB units: 1MB = 1048576 bytes). */
export function parseSize(text) {
  const m = /^(\d+(?:\.\d+)?)\s*(k|m|g)i?b?$/i.exec(String(text).trim());
  if (!m) throw new Error(`not a size: ${text} (use e.g. 1MB, 100MB, 1GB)`);
  const unit = { k: 1024, m: MB, g: 1024 * MB }[m[2].toLowerCase()];
  return Math.round(Number(m[1]) * unit);
}

export function benchDir() {
  const dir = process.env.JMP_BENCH_DIR || join(tmpdir(), 'jes-metrics-pipe-bench');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * Writes the input of `totalBytes` (or reuses the cached file) and returns its path and
 * counts. The counts are recomputed from the generator only when the file is written; the
 * sidecar `.json` keeps them for reuse.
 */
export async function ensureInput(totalBytes, { seed = DEFAULT_SEED, file } = {}) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const path = file ?? join(benchDir(), `input-v${GENERATOR_VERSION}-s${seed}-${totalBytes}.log`);
  const meta = `${path}.json`;
  if (existsSync(path) && existsSync(meta)) {
    const counts = JSON.parse(readFileSync(meta, 'utf8'));
    if (statSync(path).size === counts.bytes) return { path, ...counts };
  }
  const stats = { lines: 0, metricLines: 0 };
  let bytes = 0;
  const tmp = `${path}.partial-${process.pid}`;
  const out = createWriteStream(tmp);
  for (const chunk of generateChunks(totalBytes, { seed, stats })) {
    bytes += chunk.length;
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((err) => (err ? reject(err) : resolve())));
  renameSync(tmp, path);
  const counts = { bytes, lines: stats.lines, metricLines: stats.metricLines, seed };
  writeFileSync(meta, JSON.stringify(counts));
  return { path, ...counts };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const size = parseSize(process.argv[2] ?? '100MB');
  const info = await ensureInput(size, { file: process.argv[3] });
  process.stdout.write(`${JSON.stringify(info)}\n`);
}
