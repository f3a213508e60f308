// The gate's `regression:` and branches against real history sources, fed by the CLI's own
// remote-write pushes: Prometheus (Debian's, --web.enable-remote-write-receiver) and
// VictoriaMetrics (trixie's, .ci/receivers.sh). Noisy runs on main pass, a 30 % slower run
// fails; too few earlier runs are not judged; a pull request is compared with main's runs, not
// with its own branch's pushes. Probes use --dry-run so they add nothing to the history. The
// program runs in process (test/support/in-process.ts): nothing here is about a process.

import t, { type Test } from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runInProcess, type InProcessResult } from '../support/in-process.js';
import { startPrometheus } from '../support/prometheus.js';
import { startVictoriaMetrics, victoriaMetricsMissing } from '../support/victoriametrics.js';

const dir = await mkdtemp(join(tmpdir(), 'slo-regression-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const slo = join(dir, 'slo.yaml');
await writeFile(
  slo,
  [
    'spec_version: "1.0"',
    'comparison: {compare_with: several_results, number_of_comparison_results: 5, include_result_with_score: pass}',
    'objectives:',
    '  - sli: p95',
    '    pass: [{criteria: ["<1000"]}]',
    '    regression: {better: lower, test: t_test, confidence: 0.99, min_samples: 5, max_samples: 30}',
    'total_score: {pass: "90%"}',
    '',
  ].join('\n'),
);

const github = (branch: string, base?: string): Record<string, string> => ({
  GITHUB_ACTIONS: 'true',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_WORKFLOW: 'bench',
  GITHUB_JOB: 'load',
  ...(base
    ? { GITHUB_HEAD_REF: branch, GITHUB_BASE_REF: base, GITHUB_REF_NAME: '7/merge' }
    : { GITHUB_REF_NAME: branch }),
});

function row(r: InProcessResult): string {
  return r.stderr.split('\n').find((l) => /: p95 /.test(l)) ?? '(no row)';
}

async function scenario(t: Test, writeUrl: string, queryUrl: string, settle: () => Promise<void>): Promise<void> {
  const args = (extra: string[] = []): string[] => [
    '--integration',
    'reg',
    '--remote-write',
    writeUrl,
    '--slo',
    slo,
    '--slo-history',
    queryUrl,
    '--slo-history-window',
    '1h',
    ...extra,
  ];
  const push = async (value: number, env: Record<string, string>): Promise<InProcessResult> => {
    const r = await runInProcess(args(), { input: `p95=${value}\n`, env });
    await settle();
    // Remote-write timestamps are milliseconds: keep runs apart.
    await sleep(20);
    return r;
  };
  const probe = (value: number, env: Record<string, string>) =>
    runInProcess([...args(), '--dry-run'], { input: `p95=${value}\n`, env });

  const first = await push(100, github('main'));
  t.equal(first.status, 0, 'the first run: nothing to compare with', { stderr: first.stderr });
  t.match(row(first), /not judged: 0 earlier results, min_samples is 5/);
  for (const v of [103, 98]) t.equal((await push(v, github('main'))).status, 0, `noise ${v} passes`);
  const fewer = await probe(140, github('main'));
  t.equal(fewer.status, 0, 'too few earlier runs: not judged, never failed', { stderr: fewer.stderr });
  t.match(row(fewer), /regression t_test 99% \(not judged: 3 earlier results, min_samples is 5\)/);
  for (const v of [101, 99]) t.equal((await push(v, github('main'))).status, 0, `noise ${v} passes`);
  const judged = await probe(140, github('main'));
  t.equal(judged.status, 4, 'five earlier runs: judged, 140 is a regression', { stderr: judged.stderr });
  t.match(judged.stderr, /raw samples, 5 runs in the window/);
  t.match(row(judged), /regression t_test 99% \(<=\d+\.\d+\) ✗/);

  for (const v of [102, 100]) t.equal((await push(v, github('main'))).status, 0, `noise ${v} passes`);
  const same = await probe(104, github('main'));
  t.equal(same.status, 0, 'within the noise of main', { stderr: same.stderr });
  t.match(
    same.stderr,
    /trend of p95: \S+│\S, 7 earlier runs, this run 104, baseline 100\.43 ± \d\.\d+ \(n 7\), bound 10\d\.\d+/,
  );
  const slower = await probe(130, github('main'));
  t.equal(slower.status, 4, '30 % slower fails', { stderr: slower.stderr });
  t.match(row(slower), /130\s+.*regression t_test 99% \(<=10\d\.\d+\) ✗\s+0\/1\s+fail/);

  // A feature branch whose own pushes are five times slower: as pushes of that branch (no pull
  // request), its history is its own; in its pull request, main's runs are the baseline.
  for (const v of [500, 510, 490, 505, 495]) t.equal((await push(v, github('feature-x'))).status, 0);
  const ownBranch = await probe(500, github('feature-x'));
  t.equal(ownBranch.status, 0, "on its own branch, 500 is that branch's normal", { stderr: ownBranch.stderr });
  const pr = await probe(500, github('feature-x', 'main'));
  t.equal(pr.status, 4, 'in the pull request, 500 is compared with main', { stderr: pr.stderr });
  t.match(pr.stderr, /ci_branch="main" \(the target branch\)/);
  const prOk = await probe(101, github('feature-x', 'main'));
  t.equal(prOk.status, 0, "a PR as fast as main passes, whatever its branch's own pushes said", {
    stderr: prOk.stderr,
  });
}

t.test('Prometheus with its remote-write receiver', async (t) => {
  const prom = await startPrometheus({ remoteWriteReceiver: true });
  t.teardown(() => prom.stop());
  await scenario(t, `${prom.url}/api/v1/write`, prom.url, async () => undefined);
});

t.test('VictoriaMetrics', { skip: victoriaMetricsMissing() }, async (t) => {
  const vm = await startVictoriaMetrics();
  t.teardown(() => vm.stop());
  await scenario(t, `${vm.url}/api/v1/write`, vm.url, async () => {
    await fetch(`${vm.url}/internal/force_flush`, { signal: AbortSignal.timeout(5000) });
  });
});
