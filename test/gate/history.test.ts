import t from 'tap';
import { baselines, type PreviousRun } from '../../lib/gate/history.js';
import { previousRunFromGroups } from '../../lib/gate/pushgateway-history.js';
import {
  historyQuery,
  MAX_HISTORY_SAMPLES,
  parseMatrix,
  rawSamplesQuery,
  runsFromMatrix,
  runsFromSamples,
} from '../../lib/gate/prometheus-history.js';
import { parseSelector, type Selector } from '../../lib/gate/selector.js';
import type { SloComparison } from '../../lib/gate/slo-file.js';

const grouping: Array<[string, string]> = [
  ['job', 'jes'],
  ['integration', 'k6'],
  ['keptn_stage', 'dev'],
];
const sel = (text: string): Selector => parseSelector(text) as Selector;
const full = (n: string): string => (n.startsWith('keptn_k6_') ? n : `keptn_k6_${n}`);

t.test('the Pushgateway: this group is the previous run, with its gate result', async (t) => {
  const json = JSON.stringify({
    status: 'success',
    data: [
      {
        labels: { job: 'jes', integration: 'k6', keptn_stage: 'prod' },
        keptn_k6_p95: { type: 'GAUGE', metrics: [{ labels: { job: 'jes' }, value: '999' }] },
      },
      {
        labels: { job: 'jes', integration: 'k6', keptn_stage: 'dev' },
        last_push_successful: true,
        keptn_k6_p95: {
          type: 'GAUGE',
          metrics: [{ labels: { job: 'jes', integration: 'k6', keptn_stage: 'dev', instance: '' }, value: '400' }],
        },
        keptn_k6_slo_result: { type: 'GAUGE', metrics: [{ labels: {}, value: '0.5' }] },
        push_time_seconds: { type: 'GAUGE', metrics: [{ labels: {}, value: '1.7e+09' }] },
        keptn_k6_hist: { type: 'HISTOGRAM', metrics: [{ labels: {}, buckets: {} }] },
      },
    ],
  });
  const run = previousRunFromGroups(json, grouping, 'keptn_k6_slo_result') as PreviousRun;
  t.equal(run.result, 'warning');
  t.equal(run.pushTime, 1.7e9);
  t.same(run.series.find((s) => s.name === 'keptn_k6_p95')?.value, 400);
  t.notOk(
    run.series.some((s) => s.name === 'keptn_k6_hist'),
    'a histogram has no single value',
  );
  t.equal(
    previousRunFromGroups(
      json,
      [
        ['job', 'jes'],
        ['integration', 'k6'],
      ],
      'keptn_k6_slo_result',
    ),
    undefined,
    'another grouping key: no previous run',
  );
  t.ok('error' in (previousRunFromGroups('<html>', grouping, 'x') as object));
});

t.test('Prometheus: one run per distinct push time, read at the first step that shows it', async (t) => {
  const q = historyQuery(['keptn_k6_p95', 'keptn_k6_slo_result'], grouping, 1_700_000_000_000, 14 * 86_400_000);
  t.equal(
    q.query,
    '{__name__=~"keptn_k6_p95|keptn_k6_slo_result|push_time_seconds",job="jes",integration="k6",keptn_stage="dev"}',
  );
  t.ok(q.step * 10_000 >= 14 * 86_400 && q.end - q.start === 14 * 86_400, 'at most 10,000 points');
  const labels = { job: 'jes', integration: 'k6', keptn_stage: 'dev' };
  const matrix = JSON.stringify({
    status: 'success',
    data: {
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'push_time_seconds', ...labels },
          values: [
            [100, '90'],
            [110, '90'],
            [120, '115'],
            [130, '115'],
            [140, '135'],
            [150, '145'],
          ],
        },
        {
          metric: { __name__: 'keptn_k6_p95', ...labels },
          values: [
            [100, '300'],
            [110, '300'],
            [120, '330'],
            [130, '330'],
            [140, '900'],
            [150, '310'],
          ],
        },
        {
          metric: { __name__: 'keptn_k6_slo_result', ...labels },
          values: [
            [100, '1'],
            [110, '1'],
            [120, '0.5'],
            [130, '0.5'],
            [140, '0'],
            [150, '1'],
          ],
        },
      ],
    },
  });
  const runs = runsFromMatrix(matrix, 'keptn_k6_slo_result', 145) as PreviousRun[];
  t.same(
    runs.map((r) => [r.pushTime, r.result, r.series.find((s) => s.name === 'keptn_k6_p95')?.value]),
    [
      [135, 'fail', 900],
      [115, 'warning', 330],
      [90, 'pass', 300],
    ],
    "newest first; the push at 145 (this run's own) left out",
  );
  const comparison = (include: SloComparison['includeResultWithScore'], n: number): SloComparison => ({
    compareWith: 'several_results',
    numberOfComparisonResults: n,
    includeResultWithScore: include,
    aggregateFunction: 'avg',
  });
  const p95 = [sel('p95')];
  t.match(baselines(runs, p95, comparison('all', 2), full), { values: [615], runs: 2 }, 'all: the last two');
  t.match(
    baselines(runs, p95, comparison('pass_or_warn', 3), full),
    { values: [315], runs: 2 },
    'pass_or_warn leaves the failed run out',
  );
  t.match(baselines(runs, p95, comparison('pass', 3), full), { values: [300], runs: 1 });
  t.match(baselines([], p95, comparison('all', 3), full), { values: [undefined], runs: 0 }, 'no runs: no baseline');
  t.match(
    baselines([{ series: [] }], p95, comparison('pass', 1), full),
    { values: [undefined], runs: 0 },
    'a run without a gate result is not a pass',
  );
  t.ok('error' in (runsFromMatrix('{"status":"error","error":"bad_data"}', 'x') as object));
});

t.test('remote write / OTLP: raw samples, one run per timestamp, even seconds apart', async (t) => {
  const q = rawSamplesQuery(
    ['keptn_k6_p95', 'keptn_k6_slo_result'],
    [['ci_branch', 'main']],
    1_700_000_000_500,
    86_400_000,
  );
  t.equal(q.query, '{__name__=~"keptn_k6_p95|keptn_k6_slo_result",ci_branch="main"}[86400s]');
  t.equal(q.time, 1_700_000_001);
  const entries = parseMatrix(
    JSON.stringify({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'keptn_k6_p95', ci_branch: 'main' },
            values: [
              [100.5, '300'],
              [102.25, '310'],
              [103, 'NaN'],
              [200, '999'],
            ],
          },
          {
            metric: { __name__: 'keptn_k6_slo_result', ci_branch: 'main' },
            values: [
              [100.5, '1'],
              [102.25, '0'],
              [103, '1'],
            ],
          },
        ],
      },
    }),
    '/api/v1/query',
  );
  if ('error' in entries) throw new Error(entries.error);
  const runs = runsFromSamples(entries, 'keptn_k6_slo_result', 150);
  t.same(
    runs.map((r) => [r.pushTime, r.result, r.series.find((s) => s.name === 'keptn_k6_p95')?.value]),
    [
      [103, 'pass', NaN],
      [102.25, 'fail', 310],
      [100.5, 'pass', 300],
    ],
    'newest first, 1.75 s apart kept apart, this run (200) left out',
  );
  const comparison: SloComparison = {
    compareWith: 'several_results',
    numberOfComparisonResults: 5,
    includeResultWithScore: 'pass',
    aggregateFunction: 'avg',
  };
  const b = baselines(runs, [sel('p95')], comparison, full, [10], 10);
  t.same(b.samples, [[300]], 'include_result_with_score pass: the failed run is no sample; NaN left out');
  t.equal(b.skipped, 1, 'the NaN is counted');
  t.same(b.values, [300]);
});

t.test('bad answers: one line each; a huge answer is refused by the sample cap, in linear time', async (t) => {
  t.match(parseMatrix('<!DOCTYPE html><html>', 'X'), { error: /not JSON \(an HTML page/ });
  t.match(parseMatrix('{"status":"error","error":"query timed out"}', 'X'), { error: /X failed: query timed out/ });
  t.match(parseMatrix('{"status":"success","data":{"resultType":"vector","result":[]}}', 'X'), { error: /no matrix/ });
  const values = Array.from({ length: MAX_HISTORY_SAMPLES + 1 }, (_, i) => [i, '1']);
  t.match(
    parseMatrix(
      JSON.stringify({
        status: 'success',
        data: { resultType: 'matrix', result: [{ metric: { __name__: 'x' }, values }] },
      }),
      'X',
    ),
    {
      error: /more than 200000 samples/,
    },
  );
  // The answer that made the gate block the pipe (issue: 35 s): 50,000 push times and 1,500
  // series of 100 samples each. Looking up every series at every push time was 75 million
  // steps (tens of seconds); placing each sample once is 200,000.
  const result = [
    { metric: { __name__: 'push_time_seconds' }, values: Array.from({ length: 50_000 }, (_, i) => [i, String(i)]) },
  ];
  for (let s = 0; s < 1500; s++)
    result.push({ metric: { __name__: `m${s}` }, values: Array.from({ length: 100 }, (_, i) => [i * 500, '1']) });
  const json = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
  const started = performance.now();
  const runs = runsFromMatrix(json, 'r') as PreviousRun[];
  const ms = Math.round(performance.now() - started);
  t.equal(runs.length, 50_000);
  t.equal(runs.find((r) => r.pushTime === 500)!.series.length, 1501);
  t.ok(ms < 5000, `200,000 samples placed in ${ms} ms (a loaded 2-core box; the quadratic way took tens of seconds)`);
});
