// "Added wall time": what a job pays for us. A 300 ms tool that prints 10 metric lines (among 10 log
// lines) runs alone, piped into jes-metrics-pipe (filter mode), wrapped by it (wrap mode,
// `jes-metrics-pipe … -- tool`), and piped into the Python parent script (bench/parent-script.py
// --push), each pushing to a real Pushgateway (--persistence.file= empty, a free port) and the
// loopback Dynatrace responder (bench/dt-responder.js); interleaved rounds, the order rotating.
// Added = the pipeline's wall time minus the tool's alone in the same round; medians.
//
//   node bench/added-time.js [--rounds 9] [--node PATH …] [--no-bundle]
//
// Goals (issue 29): filter mode adds at most half of what the parent script adds; wrap mode within
// 1.2× of filter mode. Also run by bench/run.js (section "added").

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
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

/** Runs the section; returns its rows and the goals' verdicts. */
export async function addedTime({
  rounds = 9,
  nodes = [{ label: `Node ${process.versions.node}`, node: process.execPath }],
  bundle = true,
  python = true,
}) {
  const dir = join(tmpdir(), 'jes-metrics-pipe-bench');
  mkdirSync(dir, { recursive: true });
  const tool = join(dir, 'tool-300ms.sh');
  const lines = [];
  for (let i = 0; i < 10; i++) lines.push(`echo 'step ${i} done'`, `echo 'metric_${i}=${i * 1.5}'`);
  writeFileSync(tool, `#!/bin/sh\n${lines.join('\n')}\nsleep ${TOOL_MS / 1000}\n`, { mode: 0o755 });
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
    const push = `--pushgateway ${gateway} --dt-url ${tenant}`;
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
    const times = new Map(commands.map((c) => [c.name, []]));
    for (let r = 0; r < rounds + 1; r++) {
      for (let k = 0; k < commands.length; k++) {
        const c = commands[(k + r) % commands.length];
        const t = await timed(c, runEnv);
        if (r > 0) times.get(c.name).push(t);
      }
    }
    const base = times.get('the tool alone');
    const rows = commands.map((c) => {
      const ts = times.get(c.name);
      const added = ts.map((t, i) => t - base[i]);
      return {
        command: c.name,
        medianMs: round(median(ts)),
        addedMs: round(median(added)),
        minAddedMs: round(Math.min(...added)),
        c,
      };
    });
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
      rows: rows.map((r) => ({
        command: r.command,
        medianMs: r.medianMs,
        addedMs: r.addedMs,
        minAddedMs: r.minAddedMs,
      })),
      verdicts,
    };
  } finally {
    stopAll();
  }
}

function timed(c, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('/bin/sh', ['-c', c.sh], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0 || (c.expect && !c.expect.test(stderr))) reject(new Error(`${c.name}: exit ${code}:\n${stderr}`));
      else resolve(ms);
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { rounds: { type: 'string' }, node: { type: 'string', multiple: true }, 'no-bundle': { type: 'boolean' } },
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
  });
  console.log('| command | median ms | added ms (median) | added min |\n|---|---|---|---|');
  for (const r of res.rows)
    console.log(`| ${r.command.replace(/\|/g, '\\|')} | ${r.medianMs} | ${r.addedMs} | ${r.minAddedMs} |`);
  for (const v of res.verdicts) console.log(`${v.goal}: ${v.measured}× — ${v.measured <= v.limit ? 'met' : 'missed'}`);
  process.exit(0);
}
