// The quality gate's earlier results from real servers: a Pushgateway holding the previous run
// (single_result, relative criteria), and a Prometheus scraping it every second over three runs
// (several_results, include_result_with_score). Each run waits, with bounded polling, until
// Prometheus has scraped the one before.

import t from 'tap';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess, type InProcessResult } from '../support/in-process.js';
import { startPrometheus } from '../support/prometheus.js';
import { startPushgateway } from '../support/pushgateway.js';

const pgw = await startPushgateway();
t.teardown(() => pgw.stop());
const dir = await mkdtemp(join(tmpdir(), 'slo-history-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const env = { KEPTN_PROJECT: 'sockshop', KEPTN_STAGE: 'dev', KEPTN_SERVICE: 'carts' };

async function sloFile(name: string, comparison: string, pass: string, warning?: string): Promise<string> {
  const file = join(dir, name);
  const warn = warning ? `\n    warning: [{criteria: ["${warning}"]}]` : '';
  await writeFile(
    file,
    `spec_version: "1.0"\ncomparison: {${comparison}}\nobjectives:\n  - sli: p95\n    pass: [{criteria: ["${pass}"]}]${warn}\ntotal_score: {pass: "90%", warning: "50%"}\n`,
  );
  return file;
}

function gateRow(r: InProcessResult): string {
  return r.stderr.split('\n').find((l) => /: p95 /.test(l)) ?? '(no row)';
}

t.test(
  "single_result: the Pushgateway's group is the previous run; the push happens whatever the result",
  async (t) => {
    const all = await sloFile(
      'single-all.yaml',
      'compare_with: single_result, include_result_with_score: all',
      '<=+10%',
      '<=+50%',
    );
    const run = (value: number, slo = all) =>
      runInProcess(['--integration', 'single', '--pushgateway', pgw.url, '--slo', slo], {
        input: `p95=${value}\n`,
        env,
      });

    const first = await run(100);
    t.equal(first.status, 0, 'first run passes', { stderr: first.stderr });
    t.match(
      gateRow(first),
      /100\s+no baseline\s+pass <=\+10% \(no baseline\) ✓; warning <=\+50% \(no baseline\) ✓\s+1\/1\s+pass/,
    );
    t.match(first.stderr, /quality gate: no baseline \(the Pushgateway has no earlier run of this group\)/);

    const second = await run(105);
    t.equal(second.status, 0, { stderr: second.stderr });
    t.match(gateRow(second), /105\s+100\s+pass <=\+10% \(110\) ✓/, "compared with the previous run's 100");

    const third = await run(140);
    t.equal(third.status, 0, 'a warning exits 0', { stderr: third.stderr });
    t.match(gateRow(third), /140\s+105\s+pass <=\+10% \(115\.5\) ✗; warning <=\+50% \(157\.5\) ✓\s+0\.5\/1\s+warning/);

    const fourth = await run(400);
    t.equal(fourth.status, 4, 'more than 50% worse than 140: the gate fails', { stderr: fourth.stderr });
    t.match(fourth.stderr, /pushgateway: 200, 3 series; quality gate: fail, score 0\/100/, 'pushed, then failed');
    const stored = (await pgw.series()).filter((s) => s.labels.integration === 'single');
    t.same(
      stored.map((s) => [s.name, s.value]),
      [
        ['keptn_single_p95', '400'],
        ['keptn_single_slo_result', '0'],
        ['keptn_single_slo_score', '0'],
      ],
      'the failed run and its result are on the gateway',
    );

    // include_result_with_score: pass — the last run failed, so there is no baseline.
    const passOnly = await sloFile(
      'single-pass.yaml',
      'compare_with: single_result, include_result_with_score: pass',
      '<=+10%',
    );
    const fifth = await run(1000, passOnly);
    t.equal(fifth.status, 0, { stderr: fifth.stderr });
    t.match(gateRow(fifth), /1000\s+no baseline\s+pass <=\+10% \(no baseline\) ✓/);
  },
);

t.test('several_results from a Prometheus that scrapes the gateway, filtered by the stored result', async (t) => {
  const prom = await startPrometheus({ scrapeTarget: pgw.url });
  t.teardown(() => prom.stop());
  const several = (include: string) =>
    sloFile(
      `several-${include}.yaml`,
      `compare_with: several_results, number_of_comparison_results: 3, include_result_with_score: ${include}, aggregate_function: avg`,
      '<=+10%',
    );
  const [pass, all, passOrWarn] = [await several('pass'), await several('all'), await several('pass_or_warn')];
  const args = (slo: string) => [
    '--integration',
    'hist',
    '--pushgateway',
    pgw.url,
    '--slo',
    slo,
    '--slo-history',
    prom.url,
    '--slo-history-window',
    '10m',
  ];
  const push = async (value: number, slo: string): Promise<InProcessResult> => {
    const r = await runInProcess(args(slo), { input: `p95=${value}\n`, env });
    // The next run must find this one in Prometheus: wait for its scrape.
    await prom.waitFor(`keptn_hist_p95{keptn_stage="dev"} == ${value}`, (res) => res.length === 1);
    return r;
  };
  const probe = (value: number, slo: string) =>
    runInProcess([...args(slo), '--dry-run'], { input: `p95=${value}\n`, env });

  const r1 = await push(100, pass);
  t.equal(r1.status, 0, 'run 1: no history yet', { stderr: r1.stderr });
  t.match(gateRow(r1), /no baseline/);
  const r2 = await push(300, pass);
  t.equal(r2.status, 4, 'run 2: 300 is far more than 10% over 100', { stderr: r2.stderr });
  t.match(gateRow(r2), /300\s+100\s+pass <=\+10% \(110\) ✗/);

  const onlyPassed = await probe(115, pass);
  t.match(onlyPassed.stderr, /compared with 1 earlier result \(Prometheus/, 'pass: the failed run 2 is left out');
  t.match(gateRow(onlyPassed), /115\s+100\s+pass <=\+10% \(110\) ✗/);
  t.equal(onlyPassed.status, 4);
  const everything = await probe(115, all);
  t.match(everything.stderr, /compared with 2 earlier results/, 'all: both runs');
  t.match(gateRow(everything), /115\s+200\s+pass <=\+10% \(220\) ✓/);
  t.equal(everything.status, 0);

  const r3 = await push(105, pass);
  t.equal(r3.status, 0, 'run 3: within 10% of run 1', { stderr: r3.stderr });
  const passOrWarnProbe = await probe(100, passOrWarn);
  t.match(passOrWarnProbe.stderr, /compared with 2 earlier results/, 'pass_or_warn: runs 1 and 3');
  t.match(gateRow(passOrWarnProbe), /100\s+102\.5\s+pass <=\+10% \(112\.75\) ✓/);
  const allProbe = await probe(100, all);
  t.match(gateRow(allProbe), /100\s+168\.33\s+/, 'all: the average of 100, 300 and 105');
});
