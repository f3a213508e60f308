// Where the small job's time goes (bench/RESULTS.md, "Start-up: the small job"): the same job as bench/run.js's
// latency section (10 metric lines, both loopback backends, and a dry run), run N times on each
// Node given, in two ways:
//   wall   the phases from --verbose's `timings:` line (lib/cli/run/timings.ts): `start` (Node's
//          clock until run()) split into Node's own start (until a `node -e` script's first
//          line, measured beside) and loading the program; then setup, input, collect, push;
//          `exec+exit` is the rest of the wall time seen from here (the exec before Node's clock
//          starts, and the process's teardown).
//   cpu    --cpu-prof of the same runs, each sample given to whose code asked for it: the
//          innermost frame of ours (dist/main.cjs), undici, prom-client or another dependency,
//          Node's modules included (node:http2 loaded by undici is undici's); with none of
//          those on the stack, Node itself (its start-up, its event loop); V8's garbage
//          collector; idle (waiting: for the network, for stdin).
// Medians over the runs, in ms.
//
//   node bench/phases.js [--runs 15] [--node PATH ...] [--cli PATH]      (npm run build first)
// --cli times another build (an older one's dist/cli.js, say): a build without the `timings:`
// line gets the cpu row and the wall time only.
// Needs the Debian prometheus-pushgateway, as bench/run.js does.

import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort, waitReady } from './servers.js';
import { median } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    node: { type: 'string', multiple: true },
    cli: { type: 'string' },
  },
});
const CLI = flags.cli ?? join(ROOT, 'dist/cli.cjs');
/** The files that are ours in a profile: the package's two, or the one given. */
const OURS = flags.cli ? [flags.cli] : [join(ROOT, 'dist/cli.cjs'), join(ROOT, 'dist/main.cjs')];
const runs = Math.max(1, Number(flags.runs) | 0);
const nodes = flags.node ?? [process.execPath];
const tmp = mkdtempSync(join(tmpdir(), 'jes-phases-'));
const CLEAN_ENV = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
  LANG: 'C.UTF-8',
  DT_API_TOKEN: 'dt0c01.BENCH.TOKEN',
  NODE_COMPILE_CACHE: join(tmp, 'compile-cache'),
};
const children = new Set();
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

const input = join(tmp, 'small.log');
const lines = [];
for (let i = 0; i < 10; i++) lines.push(`step ${i} done`, `metric_${i}=${i * 1.5}`);
writeFileSync(input, `${lines.join('\n')}\n`);

const gwPort = await freePort();
const gw = track(
  spawn('/usr/bin/prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${gwPort}`, '--persistence.file='], {
    stdio: 'ignore',
  }),
);
const dt = track(
  spawn(process.execPath, [join(ROOT, 'bench/dt-responder.js')], { stdio: ['ignore', 'pipe', 'ignore'] }),
);
const dtPort = await new Promise((resolve) =>
  dt.stdout.once('data', (c) => resolve(Number(/listening (\d+)/.exec(String(c))?.[1]))),
);
await waitReady(`http://127.0.0.1:${gwPort}/-/ready`, gw);

const jobs = [
  { name: 'both backends', args: ['--pushgateway', `127.0.0.1:${gwPort}`, '--dt-url', `http://127.0.0.1:${dtPort}`] },
  { name: 'dry run', args: ['--dry-run-file', '/dev/null'] },
];
const WALL = ['node start', 'program load', 'setup', 'input', 'collect', 'push', 'exec+exit', 'wall'];
const CPU = ['ours', 'undici', 'prom-client', 'other dependencies', 'node', 'garbage collector', 'idle'];

for (const node of nodes) {
  const version = (await exec([node, '--version'])).stdout.trim();
  const bare = [];
  for (let i = 0; i <= runs; i++)
    bare.push(Number((await exec([node, '-e', 'process.stdout.write(String(process.uptime() * 1000))'])).stdout));
  const nodeStart = median(bare.slice(1));
  for (const job of jobs) {
    const wall = [];
    const cpu = [];
    // One run first, not counted: Node 22.1+ fills its compile cache with it.
    for (let i = 0; i <= runs; i++) {
      const profDir = join(tmp, `prof-${i}`);
      const plain = await timed([node, CLI, '--integration', 'phases', '--verbose', ...job.args]);
      await timed([node, '--cpu-prof', `--cpu-prof-dir=${profDir}`, CLI, '--integration', 'phases', ...job.args]);
      if (i > 0) {
        plain.phases['node start'] = nodeStart;
        if (plain.phases.start !== undefined) plain.phases['program load'] = plain.phases.start - nodeStart;
        wall.push(plain.phases);
        cpu.push(profile(profDir));
      }
      rmSync(profDir, { recursive: true, force: true });
    }
    say(`\n### ${job.name}, Node ${version.replace(/^v/, '')}: ${runs} runs, medians in ms`);
    say(
      `wall: ${WALL.map((k) => `${k} ${wall[0][k] === undefined ? 'n/a' : fmt(median(wall.map((w) => w[k])))}`).join(' · ')}`,
    );
    say(`cpu (profiled): ${CPU.map((k) => `${k} ${fmt(median(cpu.map((c) => c[k] ?? 0)))}`).join(' · ')}`);
  }
}
process.exit(0);

/** One run with stdin from the small input; the phases of its `timings:` line, and the wall time. */
async function timed(argv) {
  const fd = openSync(input, 'r');
  const started = process.hrtime.bigint();
  const r = await exec(argv, fd);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  closeSync(fd);
  if (r.code !== 0 || !/10 metrics found/.test(r.stderr))
    throw new Error(`${argv.join(' ')}: exit ${r.code}\n${r.stderr}`);
  const phases = { wall: wallMs };
  const m = /timings: (.*); (\d+) ms in all/.exec(r.stderr);
  if (m) {
    for (const part of m[1].split(', ')) {
      const [, k, v] = /^(\w+) (\d+) ms$/.exec(part) ?? [];
      if (k) phases[k] = Number(v);
    }
    phases['exec+exit'] = wallMs - Number(m[2]);
  }
  return { phases };
}

/** Self time of one --cpu-prof profile by whose code it was. */
function profile(dir) {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const p = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const out = {};
  for (let i = 0; i < p.samples.length; i++) {
    const ms = (p.timeDeltas[i + 1] ?? 0) / 1000;
    const k = category(p.samples[i], byId, parent);
    out[k] = (out[k] ?? 0) + ms;
  }
  return out;
}

function category(id, byId, parent) {
  const leaf = byId.get(id).callFrame.functionName;
  if (leaf === '(garbage collector)') return 'garbage collector';
  if (leaf === '(idle)') return 'idle';
  for (let at = id; at !== undefined; at = parent.get(at)) {
    const url = byId.get(at).callFrame.url;
    if (!url) continue;
    if (url.includes('/node_modules/undici/')) return 'undici';
    if (url.includes('/node_modules/prom-client/')) return 'prom-client';
    if (url.includes('/node_modules/')) return 'other dependencies';
    if (OURS.some((f) => url.endsWith(f))) return 'ours';
  }
  return 'node';
}

function exec(argv, stdin = 'ignore') {
  return new Promise((resolve, reject) => {
    const child = track(spawn(argv[0], argv.slice(1), { stdio: [stdin, 'pipe', 'pipe'], env: CLEAN_ENV }));
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (c) => (stderr += c));
    child.stdout.on('data', (c) => (stdout += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, stdout }));
  });
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function fmt(x) {
  return x.toFixed(1);
}

function say(text) {
  process.stdout.write(`${text}\n`);
}
