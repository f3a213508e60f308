// `npm test`: runs every test file (test/**/*.test.ts) in a Node process of its own, four at a
// time, each with the tests' TypeScript loader (scripts/test-loader.mjs), and sums the counts
// each file's tap prints at its end ("# { total: N, pass: N, … }").
//
// Why not tap's own runner (`npx tap FILE|FOLDER` still works, with .taprc): it starts every test
// file with tap's process-tracking hook (@tapjs/processinfo, which serves coverage; the suite does
// not collect it) and its mock plugin's module hooks. On the 2-core machine that was about 0.5 s
// of CPU for each of the 173 files, and the suite is bound by its CPU: CONTRIBUTING.md, "Tests",
// has the figures.
//
//   node scripts/run-tests.mjs [--jobs N] [--verbose] [FILE|FOLDER ...]
//
// Output: one `ok`/`not ok` line per file (a failed file's whole TAP and stderr just above its
// line; --verbose prints every file's), the failures again at the end, and tap's summary line.
// Exit status 1 when a file failed, exited non-zero or printed no summary.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';
import { Buffer } from 'node:buffer';
import { setTimeout, clearTimeout } from 'node:timers';
import { failures } from './tap-failures.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const LOADER = new URL('./test-loader.mjs', import.meta.url).href;
/** tap's own timeout for a test file (as .taprc's `timeout`); a file may raise it (t.setTimeout). */
const FILE_TIMEOUT_S = 120;
/** Past this a file is killed by PID: a file that hangs past its own timeout must not hang the run. */
const KILL_AFTER_MS = 15 * 60 * 1000;
/** Where the last run's durations are kept: the slowest files start first. */
const TIMES = join(root, 'node_modules/.cache/jes-metrics-pipe-tests/times.json');

const args = process.argv.slice(2);
let jobs = 4;
let verbose = false;
const wanted = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--jobs' || a === '-j') jobs = Number(args[++i]);
  else if (a === '--verbose' || a === '-v') verbose = true;
  else wanted.push(a);
}
if (!Number.isInteger(jobs) || jobs < 1) {
  process.stderr.write('run-tests: --jobs takes a whole number of at least 1\n');
  process.exit(2);
}

function testFiles(path) {
  if (!existsSync(path)) {
    process.stderr.write(`run-tests: ${relative(root, path)}: no such file or folder\n`);
    process.exit(2);
  }
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((d) => d.name !== 'fixtures' && d.name !== 'node_modules')
    .flatMap((d) =>
      d.isDirectory() ? testFiles(join(path, d.name)) : d.name.endsWith('.test.ts') ? [join(path, d.name)] : [],
    );
}

const files = [...new Set((wanted.length > 0 ? wanted : ['test']).flatMap((p) => testFiles(resolve(root, p))))]
  .map((f) => relative(root, f))
  .sort();
if (files.length === 0) {
  process.stderr.write(`run-tests: no test files in ${wanted.join(' ')}\n`);
  process.exit(2);
}

let lastTimes = {};
try {
  lastTimes = JSON.parse(readFileSync(TIMES, 'utf8'));
} catch {
  // No earlier run here: the largest files first.
}
// The slowest files first (the last run's times; without them, the largest files), so that no
// long file starts last and runs alone.
const known = files.every((f) => lastTimes[f] !== undefined);
const weight = (f) => (known ? lastTimes[f] : statSync(join(root, f)).size);
const queue = [...files].sort((a, b) => weight(b) - weight(a));

/** The counts of tap's summary line, `# { total: 3, pass: 2, fail: 1 }`; undefined without one. */
function summaryOf(tap) {
  const lines = tap.split('\n').filter((l) => l.startsWith('# { total: '));
  const last = lines.at(-1);
  if (last === undefined) return undefined;
  const count = (key) => Number(new RegExp(`\\b${key}: (\\d+)`).exec(last)?.[1] ?? 0);
  return { total: count('total'), pass: count('pass'), fail: count('fail'), skip: count('skip'), todo: count('todo') };
}

function runFile(file) {
  return new Promise((done) => {
    const started = Date.now();
    const child = spawn(process.execPath, [`--import=${LOADER}`, '--enable-source-maps', file], {
      cwd: root,
      env: { ...process.env, TAP_TIMEOUT: String(FILE_TIMEOUT_S) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const timer = setTimeout(() => {
      err.push(Buffer.from(`\nrun-tests: killed after ${KILL_AFTER_MS / 1000} s\n`));
      child.kill('SIGKILL');
    }, KILL_AFTER_MS);
    child.on('error', (e) => err.push(Buffer.from(`run-tests: ${e.message}\n`)));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({
        file,
        code,
        signal,
        ms: Date.now() - started,
        tap: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

const totals = { total: 0, pass: 0, fail: 0, skip: 0, todo: 0 };
const failed = [];
const times = {};
let n = 0;
const start = Date.now();

function report(r) {
  n += 1;
  times[r.file] = r.ms;
  const summary = summaryOf(r.tap);
  const ok = r.code === 0 && r.signal === null && summary !== undefined && summary.fail === 0;
  if (summary !== undefined) for (const k of Object.keys(totals)) totals[k] += summary[k];
  if (!ok && (summary === undefined || summary.fail === 0)) totals.fail += 1;
  if (!ok || verbose) {
    process.stdout.write(`# Subtest: ${r.file}\n${r.tap.replace(/^(?=.)/gm, '    ')}`);
    if (r.stderr.trim() !== '') process.stdout.write(`${r.stderr.replace(/^/gm, '# stderr: ')}\n`);
  }
  const why = ok
    ? ''
    : summary === undefined
      ? ' (no summary: it ended early)'
      : r.code !== 0
        ? ` (exit ${r.code ?? r.signal})`
        : '';
  process.stdout.write(`${ok ? 'ok' : 'not ok'} ${n} - ${r.file}${why} # time=${r.ms}ms\n`);
  if (!ok) {
    const found = failures(r.tap).map((f) => `${r.file}: ${f.path.join(' > ')}`);
    failed.push(...(found.length > 0 ? found : [`${r.file}${why}`]));
  }
}

async function worker() {
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) report(await runFile(file));
}
await Promise.all(Array.from({ length: Math.min(jobs, queue.length) }, worker));

process.stdout.write(`1..${n}\n`);
if (failed.length > 0)
  process.stdout.write(`\n# ${failed.length} failed:\n${failed.map((l) => `#  ${l}`).join('\n')}\n`);
const shown = Object.entries(totals)
  .filter(([k, v]) => k === 'total' || k === 'pass' || v > 0)
  .map(([k, v]) => `${k}: ${v}`)
  .join(', ');
process.stdout.write(`# { ${shown} }\n# time=${Date.now() - start}ms\n`);

if (wanted.length === 0 || existsSync(TIMES)) {
  try {
    mkdirSync(join(TIMES, '..'), { recursive: true });
    writeFileSync(TIMES, JSON.stringify({ ...lastTimes, ...times }));
  } catch {
    // Only the order of the next run depends on it.
  }
}
process.exitCode = failed.length > 0 ? 1 : 0;
