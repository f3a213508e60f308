// The gate's result as two series (score, result), and a stored result value read back.

import t from 'tap';
import type { Evaluation } from '../../lib/gate/evaluate.js';
import { RESULT_VALUE, resultFromValue, resultName, resultSeries, scoreName } from '../../lib/gate/result-series.js';

const ctx = { prefix: 'keptn_', integration: 'k6' };

t.test('names and the two series, the score rounded to two decimals', async (t) => {
  t.equal(scoreName(ctx), 'keptn_k6_slo_score');
  t.equal(resultName(ctx), 'keptn_k6_slo_result');
  const evaluation: Evaluation = { result: 'warning', score: 66.66666, indicatorResults: [] };
  const labels = { ci_platform: 'keptn' };
  const series = resultSeries(evaluation, ctx, labels);
  t.same(series, [
    { name: 'keptn_k6_slo_score', labels, value: 66.67, type: 'gauge' },
    { name: 'keptn_k6_slo_result', labels, value: 0.5, type: 'gauge' },
  ]);
  t.not(series[0]!.labels, labels, 'the labels are copied');
});

t.test('each result round-trips through its value; other values are no result', async (t) => {
  for (const result of ['pass', 'warning', 'fail'] as const) t.equal(resultFromValue(RESULT_VALUE[result]), result);
  for (const v of [0.25, 2, -1, NaN]) t.equal(resultFromValue(v), undefined, String(v));
});
