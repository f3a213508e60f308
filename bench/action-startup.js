#!/usr/bin/env node
// The GitHub Action's start-up against the npm package's: the same small wrap-mode dry run
// (`bash -e -c 'printf …'`, 10 metric lines), once through the action's bundle with INPUT_*
// variables as the runner sets them (action/dist/index.cjs), once through the npm package's bin
// (dist/cli.cjs, our code in one file, the dependencies from node_modules, Node's compile cache
// on, in a directory of its own). Interleaved pairs (action, package, action, …) so that the
// machine's load falls on both alike; medians and the quartiles of the wall time.
//
//   node bench/action-startup.js [--runs N] [--node PATH] [--no-compile-cache]
// (npm run build and the committed action/dist/index.cjs; --node: e.g. the Node 24 binary the
// runner uses; --no-compile-cache: as a job's first and only run is, with nothing cached)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '30' },
    node: { type: 'string', default: process.execPath },
    'no-compile-cache': { type: 'boolean', default: false },
  },
});
const runs = Number(values.runs);
const node = values.node;
const work = "for i in 1 2 3 4 5 6 7 8 9 10; do printf 'log line %s\\nmetric_%s=%s\\n' $i $i $i; done";
const cache = mkdtempSync(join(tmpdir(), 'jes-action-bench-'));
const base = values['no-compile-cache']
  ? { PATH: process.env.PATH, HOME: cache, NODE_DISABLE_COMPILE_CACHE: '1' }
  : { PATH: process.env.PATH, HOME: cache, NODE_COMPILE_CACHE: join(cache, 'cc') };

const action = () =>
  spawnSync(node, [join(root, 'action/dist/index.cjs')], {
    env: {
      ...base,
      GITHUB_ACTIONS: 'true',
      INPUT_RUN: work,
      INPUT_INTEGRATION: 'bench',
      'INPUT_DRY-RUN': 'true',
      GITHUB_OUTPUT: join(cache, 'out'),
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
const pkg = () =>
  spawnSync(node, [join(root, 'dist/cli.cjs'), '--integration', 'bench', '--dry-run', '--', 'bash', '-e', '-c', work], {
    env: { ...base, GITHUB_ACTIONS: 'true' },
    stdio: ['ignore', 'ignore', 'ignore'],
  });

const timed = (f) => {
  const t0 = process.hrtime.bigint();
  const r = f();
  if (r.status !== 0) throw new Error(`exit ${r.status}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
};
// Warm-up: the file cache, and the compile cache's first fill.
for (let i = 0; i < 3; i++) {
  timed(action);
  timed(pkg);
}
const a = [];
const p = [];
for (let i = 0; i < runs; i++) {
  a.push(timed(action));
  p.push(timed(pkg));
}
rmSync(cache, { recursive: true, force: true });
const q = (xs, f) => {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(f * s.length))];
};
const diffs = a.map((x, i) => x - p[i]);
const line = (name, xs) =>
  `${name.padEnd(28)} median ${q(xs, 0.5).toFixed(1)} ms  (q1 ${q(xs, 0.25).toFixed(1)}, q3 ${q(xs, 0.75).toFixed(1)})`;
const version = spawnSync(node, ['--version']).stdout.toString().trim();
console.log(
  `Node ${version}, ${runs} interleaved pairs, wrap-mode dry run of 20 lines (10 metrics), compile cache ${values['no-compile-cache'] ? 'off' : 'on'}`,
);
console.log(line('action (index.cjs, bundle)', a));
console.log(line('npm package (dist/cli.cjs)', p));
console.log(line('pair difference action-npm', diffs));
