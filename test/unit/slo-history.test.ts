import t from 'tap';
import { baselines, type PreviousRun } from '../../lib/slo/history.js';
import { previousRunFromGroups } from '../../lib/slo/pushgateway-history.js';
import { historyQuery, runsFromMatrix } from '../../lib/slo/prometheus-history.js';
import { parseSelector, type Selector } from '../../lib/slo/selector.js';
import type { SloComparison } from '../../lib/slo/slo-file.js';

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
      { labels: { job: 'jes', integration: 'k6', keptn_stage: 'prod' }, keptn_k6_p95: { type: 'GAUGE', metrics: [{ labels: { job: 'jes' }, value: '999' }] } },
      {
        labels: { job: 'jes', integration: 'k6', keptn_stage: 'dev' },
        last_push_successful: true,
        keptn_k6_p95: { type: 'GAUGE', metrics: [{ labels: { job: 'jes', integration: 'k6', keptn_stage: 'dev', instance: '' }, value: '400' }] },
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
  t.equal(q.query, '{__name__=~"keptn_k6_p95|keptn_k6_slo_result|push_time_seconds",job="jes",integration="k6",keptn_stage="dev"}');
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
  t.same(baselines(runs, p95, comparison('all', 2), full), { values: [615], runs: 2 }, 'all: the last two');
  t.same(baselines(runs, p95, comparison('pass_or_warn', 3), full), { values: [315], runs: 2 }, 'pass_or_warn leaves the failed run out');
  t.same(baselines(runs, p95, comparison('pass', 3), full), { values: [300], runs: 1 });
  t.same(baselines([], p95, comparison('all', 3), full), { values: [undefined], runs: 0 }, 'no runs: no baseline');
  t.same(baselines([{ series: [] }], p95, comparison('pass', 1), full), { values: [undefined], runs: 0 }, 'a run without a gate result is not a pass');
  t.ok('error' in (runsFromMatrix('{"status":"error","error":"bad_data"}', 'x') as object));
});
