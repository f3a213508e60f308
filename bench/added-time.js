// "Added wall time": what a job pays for us. A 300 ms tool that prints 10 metric lines (among 10 log
// lines) runs alone, piped into jes-metrics-pipe (filter mode), wrapped by it (wrap mode,
// `jes-metrics-pipe … -- tool`), and piped into the Python parent script (bench/parent-script.py
// --push), each pushing to a real Pushgateway (--persistence.file= empty, a free port) and the
// loopback Dynatrace responder (bench/dt-responder.js); interleaved rounds, the order rotating.
// Added = the pipeline's wall time minus the tool's alone in the same round; medians.
//
//   node bench/added-time.js [--rounds 9] [--node PATH …] [--no-bundle] [--breakdown] [--against DIR]
//
// --against DIR also times DIR/dist/cli.cjs and DIR/dist/jes-metrics-pipe.mjs (another build, e.g.
// of main; its npm package needs node_modules above DIR) in the same rounds.
// --breakdown says where wrap mode's added time goes. The tool notes the realtime clock when it
// starts and before it exits (`date +%s%N`, in every mode, so `added` still compares like with
// like); each row then has `tool start` (from the spawn of the pipeline's shell to the tool's
// first line: in wrap mode, Node's own start and our entry until the spawn) and `after tool`
// (from the tool's last line to the pipeline's end: the end of input, the extraction of the last
// lines, the push and our exit), and our runs add -v, whose `timings:` line splits the latter
// (collect, push). Rows of bare starts are timed in the same rounds: `node -e 0` and `--version`,
// and a bare Node wrapper (`node -e` spawning the tool first thing, passing its output on): the
// least any wrap mode written for Node can add, its tool start the floor of ours.
//
// Goals (issue 29): filter mode adds at most half of what the parent script adds; wrap mode within
// 1.2× of filter mode. Also run by bench/run.js (section "added").

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tmpdir } from 'node:os';
import { freePort, waitReady } from './servers.js';
import { median, round } from './stats.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.cjs');
const BUNDLE = join(ROOT, 'dist/jes-metrics-pipe.mjs');
const PARENT = join(ROOT, 'bench/parent-script.py');
const PYTHON = '/usr/bin/python3';
export const TOOL_MS = 300;
/** A bare Node wrapper (--breakdown): spawns argv[1] first thing, passes its stdout on, exits with its status. */
const FLOOR =
  'const c=require("node:child_process").spawn(process.argv[1],{stdio:["inherit","pipe","inherit"]});' +
  'c.stdout.pipe(process.stdout);c.on("exit",(s)=>process.exitCode=s)';

/** Runs the section; returns its rows and the goals' verdicts. */
export async function addedTime({
  rounds = 9,
  nodes = [{ label: `Node ${process.versions.node}`, node: process.execPath }],
  bundle = true,
  python = true,
  breakdown = false,
  against = undefined,
}) {
  const dir = join(tmpdir(), 'jes-metrics-pipe-bench');
  mkdirSync(dir, { recursive: true });
  const tool = join(dir, breakdown ? 'tool-300ms-stamped.sh' : 'tool-300ms.sh');
  const stamps = join(dir, 'tool-stamps');
  const lines = [];
  for (let i = 0; i < 10; i++) lines.push(`echo 'step ${i} done'`, `echo 'metric_${i}=${i * 1.5}'`);
  const stamp = (file) => (breakdown ? [`date +%s%N > ${stamps}.${file}`] : []);
  writeFileSync(
    tool,
    ['#!/bin/sh', ...stamp('start'), ...lines, `sleep ${TOOL_MS / 1000}`, ...stamp('end'), ''].join('\n'),
    { mode: 0o755 },
  );
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', LANG: 'C.UTF-8' };

  const gwPort = await freePort();
  const gw = spawn(
    '/usr/bin/prometheus-pushgateway',
    [`--web.listen-address=127.0.0.1:${gwPort}`, '--persistence.file='],
    { stdio: 'ignore' },
  );
  const dt = spawn(process.execPath, [join(ROOT, 'bench/dt-responder.js')], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env,
  });
  const stopAll = () => {
    for (const c of [gw, dt]) if (c.exitCode === null && c.pid !== undefined) process.kill(c.pid, 'SIGTERM');
  };
  process.once('exit', stopAll);
  try {
    const dtPort = await new Promise((resolve, reject) => {
      dt.stdout.once('data', (c) => resolve(Number(/listening (\d+)/.exec(c.toString())?.[1])));
      dt.once('exit', () => reject(new Error('the Dynatrace responder exited')));
    });
    await waitReady(`http://127.0.0.1:${gwPort}/-/ready`, gw);
    const gateway = `127.0.0.1:${gwPort}`;
    const tenant = `http://127.0.0.1:${dtPort}`;
    const runEnv = {
      ...env,
      PROM_GATEWAY: gateway,
      DT_TENANT: tenant,
      DT_API_TOKEN: 'dt0c01.BENCH.TOKEN',
      INTEGRATION_NAME: 'py',
    };
    const push = `--pushgateway ${gateway} --dt-url ${tenant}${breakdown ? ' -v' : ''}`;
    const pushed = /pushgateway: 200.*dynatrace: 202/;
    const commands = [{ name: 'the tool alone', sh: `${tool} >/dev/null`, base: true }];
    if (python)
      commands.push({
        name: 'tool | python parent script --push',
        sh: `${tool} | ${PYTHON} ${PARENT} --push >/dev/null`,
        expect: /^202$/m,
        parent: true,
      });
    const programs = [
      { kind: 'npm package', file: CLI },
      ...(bundle && existsSync(BUNDLE) ? [{ kind: 'bundle', file: BUNDLE }] : []),
      ...(against === undefined
        ? []
        : [
            { kind: `npm package of ${against}`, file: join(against, 'dist/cli.cjs') },
            { kind: `bundle of ${against}`, file: join(against, 'dist/jes-metrics-pipe.mjs') },
          ].filter((p) => existsSync(p.file))),
    ];
    for (const { label, node } of nodes) {
      for (const { kind, file } of programs) {
        const id = `j${commands.length}`;
        commands.push(
          {
            name: `${label}, ${kind}: tool | jes-metrics-pipe`,
            sh: `${tool} | ${node} ${file} --integration ${id}f ${push} >/dev/null`,
            expect: pushed,
            mode: 'filter',
            group: `${label}, ${kind}`,
          },
          {
            name: `${label}, ${kind}: jes-metrics-pipe -- tool`,
            sh: `${node} ${file} --integration ${id}w ${push} -- ${tool} >/dev/null`,
            expect: pushed,
            mode: 'wrap',
            group: `${label}, ${kind}`,
          },
        );
      }
    }
    // The floor of any wrapper written for Node: a one-line script that spawns the tool and passes its output on.
    if (breakdown)
      for (const { label, node } of nodes)
        commands.push({
          name: `${label}: node -e spawn(tool) (a bare Node wrapper)`,
          sh: `${node} -e '${FLOOR}' ${tool} >/dev/null`,
        });
    const bare = breakdown ? bareStarts(nodes, programs) : [];
    const times = new Map([...commands, ...bare].map((c) => [c.name, []]));
    const all = [...commands, ...bare];
    for (let r = 0; r < rounds + 1; r++) {
      for (let k = 0; k < all.length; k++) {
        const c = all[(k + r) % all.length];
        const t = await timed(c, runEnv, c.bare || !breakdown ? undefined : stamps);
        if (r > 0) times.get(c.name).push(t);
      }
    }
    const base = times.get('the tool alone').map((t) => t.ms);
    const rows = commands.map((c) => {
      const ts = times.get(c.name);
      const added = ts.map((t, i) => t.ms - base[i]);
      return {
        command: c.name,
        medianMs: round(median(ts.map((t) => t.ms))),
        addedMs: round(median(added)),
        minAddedMs: round(Math.min(...added)),
        ...(breakdown ? phases(ts) : {}),
        c,
      };
    });
    // Wrap mode minus filter mode, paired within each round: the part of the added time wrap mode alone pays.
    if (breakdown)
      for (const row of rows.filter((x) => x.c.mode === 'wrap')) {
        const filter = times.get(commands.find((x) => x.mode === 'filter' && x.group === row.c.group).name);
        row.overFilterMs = round(median(times.get(row.command).map((t, i) => t.ms - filter[i].ms)));
      }
    const parent = rows.find((x) => x.c.parent);
    const verdicts = [];
    for (const row of rows.filter((x) => x.c.mode === 'filter')) {
      const wrap = rows.find((x) => x.c.mode === 'wrap' && x.c.group === row.c.group);
      if (parent)
        verdicts.push({
          goal: `${row.c.group}: filter mode adds ≤ 0.5× the parent script's`,
          measured: round(row.addedMs / parent.addedMs, 2),
          limit: 0.5,
        });
      verdicts.push({
        goal: `${row.c.group}: wrap mode adds ≤ 1.2× filter mode's`,
        measured: round(wrap.addedMs / row.addedMs, 2),
        limit: 1.2,
      });
    }
    return {
      rows: rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'c'))),
      ...(breakdown
        ? { bare: bare.map((c) => ({ command: c.name, medianMs: round(median(times.get(c.name).map((t) => t.ms))) })) }
        : {}),
      verdicts,
    };
  } finally {
    stopAll();
  }
}

/** Node's bare start and our `--version`, each Node and build: what wrap mode pays before the tool can start. */
function bareStarts(nodes, programs) {
  const rows = [];
  for (const { label, node } of nodes) {
    rows.push({ name: `${label}: node -e 0`, sh: `${node} -e 0`, bare: true });
    for (const { kind, file } of programs)
      rows.push({ name: `${label}, ${kind}: --version`, sh: `${node} ${file} --version >/dev/null`, bare: true });
  }
  return rows;
}

/** The realtime clock in ms, as `date +%s%N` reads it (sub-millisecond). */
const realtimeMs = () => performance.timeOrigin + performance.now();

/**
 * Runs one command; resolves with its wall time, and with `stamps` (the tool's clock notes, see
 * --breakdown) the time to the tool's start and from its end, and our `timings:` line (-v).
 */
function timed(c, env, stamps) {
  return new Promise((resolve, reject) => {
    if (stamps) for (const f of ['start', 'end']) rmSync(`${stamps}.${f}`, { force: true });
    const started = realtimeMs();
    const start = process.hrtime.bigint();
    const child = spawn('/bin/sh', ['-c', c.sh], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const ended = realtimeMs();
      if (code !== 0 || (c.expect && !c.expect.test(stderr))) {
        reject(new Error(`${c.name}: exit ${code}:\n${stderr}`));
        return;
      }
      if (!stamps) {
        resolve({ ms });
        return;
      }
      const note = (f) => Number(BigInt(readFileSync(`${stamps}.${f}`, 'utf8').trim()) / 1000n) / 1000;
      resolve({ ms, toolStart: note('start') - started, afterTool: ended - note('end'), timings: timingsOf(stderr) });
    });
  });
}

/** `timings: start 29 ms, setup 8 ms, …; 96 ms in all` (lib/cli/run/timings.ts) as { start: 29, …, all: 96 }. */
function timingsOf(stderr) {
  const line = /timings: (.*)/.exec(stderr)?.[1];
  if (!line) return undefined;
  const out = {};
  for (const [, name, v] of line.matchAll(/(\w+) (\d+) ms/g)) out[name] = Number(v);
  const all = /(\d+) ms in all/.exec(line);
  if (all) out.all = Number(all[1]);
  return out;
}

/** The breakdown's medians of one row: tool start, after tool, and (ours) the collect and push phases. */
function phases(ts) {
  const med = (f) => {
    const xs = ts.map(f).filter((x) => x !== undefined);
    return xs.length > 0 ? round(median(xs)) : undefined;
  };
  return {
    toolStartMs: med((t) => t.toolStart),
    afterToolMs: med((t) => t.afterTool),
    collectMs: med((t) => t.timings?.collect),
    pushMs: med((t) => t.timings?.push),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string' },
      node: { type: 'string', multiple: true },
      'no-bundle': { type: 'boolean' },
      breakdown: { type: 'boolean' },
      against: { type: 'string' },
    },
  });
  const nodes = (values.node ?? [process.execPath]).map((node) => ({
    label: `Node ${node === process.execPath ? process.versions.node : node.split('/').slice(-4, -3)[0]}`,
    node,
  }));
  const res = await addedTime({
    rounds: Number(values.rounds ?? 9),
    nodes,
    bundle: !values['no-bundle'],
    python: existsSync(PYTHON),
    breakdown: values.breakdown === true,
    against: values.against,
  });
  const cell = (x) => (x === undefined ? '' : String(x));
  const cols = values.breakdown
    ? ['medianMs', 'addedMs', 'minAddedMs', 'toolStartMs', 'afterToolMs', 'collectMs', 'pushMs', 'overFilterMs']
    : ['medianMs', 'addedMs', 'minAddedMs'];
  const heads = values.breakdown
    ? 'median ms | added ms (median) | added min | tool start | after tool | collect | push | wrap − filter (pairs)'
    : 'median ms | added ms (median) | added min';
  console.log(`| command | ${heads} |\n|${'---|'.repeat(cols.length + 1)}`);
  for (const r of res.rows)
    console.log(`| ${r.command.replace(/\|/g, '\\|')} | ${cols.map((k) => cell(r[k])).join(' | ')} |`);
  for (const b of res.bare ?? []) console.log(`| ${b.command} | ${b.medianMs} |${' |'.repeat(cols.length - 1)}`);
  for (const v of res.verdicts) console.log(`${v.goal}: ${v.measured}× — ${v.measured <= v.limit ? 'met' : 'missed'}`);
  process.exit(0);
}
