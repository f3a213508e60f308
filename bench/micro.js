// Micro-benchmark of the per-line path, in-process, on the compiled code in dist/ (run
// `npm run build` first). A self-contained timing loop (process.hrtime.bigint, warmup, the
// median of several samples) instead of tinybench, which is not a dependency.
//
//   node bench/micro.js          a table
//   node bench/micro.js --json   the rows as JSON (bench/run.js uses this)
//
// Read it as: the cost of a whole-buffer pass per line (what 1 GB of logs pays ~9 million
// times), with the parsers' byte gates and without them, then the parts: the byte gate per kind
// of line, each parser on a line it accepts.

import { LineSplitter } from '../dist/lib/input/lines.js';
import { Precheck } from '../dist/lib/extract/parsers/precheck.js';
import { parseKv } from '../dist/lib/extract/parsers/kv.js';
import { parseJson } from '../dist/lib/extract/parsers/json.js';
import { parseProm } from '../dist/lib/extract/parsers/prom.js';
import { newParseState } from '../dist/lib/extract/parsers/sample.js';
import { parseConfig } from '../dist/lib/cli/args.js';
import { Extractor } from '../dist/lib/extract/extractor.js';
import { SeriesStore } from '../dist/lib/store/series.js';
import { Reporter } from '../dist/lib/report/report.js';
import { generateChunks } from './generate.js';
import split2 from 'split2';

const asJson = process.argv.includes('--json');
const CHUNK = 64 * 1024;

/** Median ns per op of `fn(reps)` doing `reps` ops, over `samples` samples after warmup. */
function measure(fn, reps, samples = 7, warmup = 2) {
  for (let i = 0; i < warmup; i++) fn(reps);
  const ns = [];
  for (let i = 0; i < samples; i++) {
    const t0 = process.hrtime.bigint();
    fn(reps);
    ns.push(Number(process.hrtime.bigint() - t0) / reps);
  }
  ns.sort((a, b) => a - b);
  return ns[ns.length >> 1];
}

// 16 MiB of the benchmark's input, cut into pipe-sized chunks as stdin delivers them.
const stats = { lines: 0, metricLines: 0 };
const data = Buffer.concat([...generateChunks(16 * 1024 * 1024, { stats })]);
const chunks = [];
for (let i = 0; i < data.length; i += CHUNK) chunks.push(data.subarray(i, i + CHUNK));
const lines = stats.lines;

function newExtractor(extra = []) {
  const { config } = parseConfig(['--integration', 'bench', '--dry-run', ...extra], {});
  const reporter = new Reporter({ verbosity: 'quiet', write: () => undefined });
  return new Extractor(config, new SeriesStore(config.maxSeries), reporter);
}

/** Passes all chunks through a fresh splitter; one "op" is one line. */
function splitAll(makeOpts) {
  return () => {
    const splitter = new LineSplitter(makeOpts());
    for (const c of chunks) splitter.push(c);
    splitter.end();
    if (splitter.lines !== lines) throw new Error(`split ${splitter.lines} lines, expected ${lines}`);
  };
}

const rows = [];
function row(name, nsPerOp, per) {
  rows.push({ case: name, nsPerOp: Math.round(nsPerOp * 10) / 10, per });
}
// A whole pass is 16 MiB; V8 needs about 100 MB of input before the candidate path (parsers,
// Extractor) runs at its steady speed, so 6 passes warm up before the 7 that are timed.
const perLine = (fn) => measure(() => fn(), 1, 7, 6) / lines;

// Whole-buffer passes. The floor: finding the newlines and nothing else.
row(
  'indexOf(\\n) loop only (floor)',
  perLine(() => {
    let n = 0;
    for (const c of chunks) for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) n++;
    return n;
  }),
  'line',
);
const all = { kv: true, json: true, prom: true };
row(
  "LineSplitter + the parsers' gates, no parsing",
  perLine(splitAll(() => ({ maxLineBytes: 1 << 20, precheck: new Precheck(all), onLine: () => undefined }))),
  'line',
);
row(
  'LineSplitter, no precheck (every line decoded)',
  perLine(splitAll(() => ({ maxLineBytes: 1 << 20, precheck: null, onLine: () => undefined }))),
  'line',
);
row(
  'LineSplitter + gates + Extractor (the real path)',
  perLine(
    splitAll(() => {
      const ex = newExtractor();
      return { maxLineBytes: 1 << 20, precheck: ex.precheck(), onLine: (t) => ex.line(t, () => 'x') };
    }),
  ),
  'line',
);
// split2, the line splitter the project first chose: every line decoded into a string (its
// transform is synchronous, so writing all chunks then ending measures the whole split).
row(
  'split2, every line to a no-op (the alternative to LineSplitter)',
  perLine(() => {
    let n = 0;
    const s = split2();
    s.on('data', () => n++);
    for (const c of chunks) s.write(c);
    s.end();
    // split2 drops empty lines and counts a final line without \n; the order of magnitude is what matters.
    if (n === 0) throw new Error('split2 produced no lines');
  }),
  'line',
);
let found = 0;
row(
  'LineSplitter, no precheck + Extractor (as with --pattern)',
  perLine(
    splitAll(() => {
      const ex = newExtractor();
      found = 0;
      return {
        maxLineBytes: 1 << 20,
        precheck: null,
        onLine: (t) => {
          ex.line(t, () => 'x');
          found++;
        },
      };
    }),
  ),
  'line',
);
if (found !== lines) throw new Error('the no-precheck pass did not see every line');
// Three recipes of docs/guide.md as --pattern rules (none matches this input): every line is offered to
// them, under their time budget (lib/extract/rules/safe-regex.ts), then to the default parsers.
const RULES = [
  'http_reqs=^\\s*http_reqs\\.+: (?<value>\\d+)',
  '(?<value>\\d+) (?<name>passed|failed|skipped|errors?)\\b',
  'rps=Requests/sec:\\s+(?<value>[\\d.]+)',
].flatMap((p) => ['--pattern', p]);
let metricsWithRules = 0;
row(
  'LineSplitter, no precheck + Extractor with 3 --pattern rules',
  perLine(() => {
    const ex = newExtractor(RULES);
    let n = 0;
    const splitter = new LineSplitter({
      maxLineBytes: 1 << 20,
      precheck: null,
      onLine: (t) => {
        const k = ++n;
        ex.line(t, () => `line ${k}`);
      },
    });
    for (const c of chunks) splitter.push(c);
    splitter.end();
    // Builds from before the budget have no drain(): their lines are matched in line().
    ex.drain?.();
    metricsWithRules = ex.metricsFound;
  }),
  'line',
);
if (metricsWithRules === 0) throw new Error('the pass with --pattern rules found no metrics');

// The byte gate per kind of line, on a buffer of many copies (as in a chunk).
const samples = {
  'plain log': '2024-05-14T00:00:00.013Z WARN  [worker-4] Connection pool exhausted, waiting 4542 of 5000 in 333 ms',
  logfmt:
    'time=2024-05-14T00:00:00.000Z level=debug msg="request done" method=DELETE path=/login/1064 status=200 duration_ms=172.98 bytes=61269',
  'JSON log':
    '{"ts":"2024-05-14T00:00:00.001Z","level":"info","logger":"http","msg":"Processed batch","path":"/metrics","latency_ms":131.19}',
  'JSON log with "value"':
    '{"ts":"2024-05-14T00:00:00.001Z","level":"debug","msg":"config set","key":"retries","value":"3"}',
  'kv metric': 'p95_latency_ms=123.45',
  'JSON metric': '{"name":"coverage","value":87.5,"labels":{"suite":"unit"}}',
  'prom sample': 'http_requests_total{code="200",method="GET"} 1027',
};
for (const [kind, text] of Object.entries(samples)) {
  const one = Buffer.from(`${text}\n`);
  const copies = 1000;
  const buf = Buffer.concat(Array(copies).fill(one));
  const gate = new Precheck(all);
  let passed = 0;
  const ns =
    measure((reps) => {
      for (let r = 0; r < reps; r++) {
        gate.forget();
        for (let i = 0; i < copies; i++) if (gate.mayBeMetric(buf, i * one.length, (i + 1) * one.length - 1)) passed++;
      }
    }, 200) / copies;
  row(`precheck: ${kind} (${passed > 0 ? 'passes' : 'turned away'})`, ns, 'line');
}

// Each parser on a line it accepts, and the extractor's per-sample cost (naming, labels, store).
const state = newParseState();
for (const [name, parse, text] of [
  ['parseKv', parseKv, samples['kv metric']],
  ['parseJson', parseJson, samples['JSON metric']],
  ['parseProm', parseProm, samples['prom sample']],
  ['parseJson, JSON log with "value" (rejected)', parseJson, samples['JSON log with "value"']],
]) {
  let keep;
  row(
    name,
    measure((reps) => {
      for (let r = 0; r < reps; r++) keep = parse(text, state);
    }, 100000),
    'call',
  );
  void keep;
}
const ex = newExtractor();
row(
  'Extractor.line, kv metric (parse + name + store)',
  measure((reps) => {
    for (let r = 0; r < reps; r++) ex.line(samples['kv metric'], () => 'x');
  }, 100000),
  'call',
);
row(
  'Extractor.line, JSON metric',
  measure((reps) => {
    for (let r = 0; r < reps; r++) ex.line(samples['JSON metric'], () => 'x');
  }, 100000),
  'call',
);

if (asJson) process.stdout.write(`${JSON.stringify(rows)}\n`);
else {
  process.stdout.write(
    `${lines} lines, ${stats.metricLines} metric lines, ${(data.length / 1048576).toFixed(0)} MiB, Node ${process.version}\n`,
  );
  for (const r of rows) process.stdout.write(`${r.case.padEnd(58)} ${String(r.nsPerOp).padStart(8)} ns/${r.per}\n`);
}
