// Prometheus label and metric names: what the Pushgateway accepts, the same output for the
// same input on every run.

import t from 'tap';
import fc from 'fast-check';
import {
  clashesWithPushgatewayOwnMetrics,
  isGroupingLabelName,
  normalizeLabelName,
  normalizeMetricName,
} from '../../lib/store/prometheus-names.js';

t.test('normalizeLabelName', async (t) => {
  const table: Array<[string, string | undefined]> = [
    ['region', 'region'],
    ['Region_2', 'Region_2'],
    ['http.status', 'http_status'],
    ['a-b', 'a_b'],
    ['a--b..c', 'a_b_c'],
    ['a b', 'a_b'],
    ['2xx', '_2xx'],
    ['_private', '_private'],
    ['__name__', '_name__'],
    ['___x', '_x'],
    ['__', '_'],
    ['k:v', 'k_v'],
    ['größe', 'gr_e'],
    ['-', '_'],
    ['', undefined],
  ];
  for (const [input, want] of table) t.equal(normalizeLabelName(input), want, JSON.stringify(input));
});

t.test('normalizeMetricName keeps colons (valid in metric names)', async (t) => {
  const table: Array<[string, string | undefined]> = [
    ['keptn_k6_rps', 'keptn_k6_rps'],
    ['job:rate5m', 'job:rate5m'],
    ['a.b-c', 'a_b_c'],
    ['9lives', '_9lives'],
    ['', undefined],
  ];
  for (const [input, want] of table) t.equal(normalizeMetricName(input), want, JSON.stringify(input));
});

t.test('isGroupingLabelName: the path label rules of the Pushgateway', async (t) => {
  for (const ok of ['job', 'keptn_stage', '_x', 'A1']) t.ok(isGroupingLabelName(ok), ok);
  for (const bad of ['', '__x', '1a', 'a-b', 'a@base64', 'ü']) t.notOk(isGroupingLabelName(bad), bad);
});

t.test('own Pushgateway families are recognised', async (t) => {
  for (const own of [
    'go_goroutines',
    'process_start_time_seconds',
    'push_time_seconds',
    'push_failure_time_seconds',
    'pushgateway_build_info',
  ]) {
    t.ok(clashesWithPushgatewayOwnMetrics(own), own);
  }
  for (const mine of ['keptn_go_build', 'keptn_k6_push_time_seconds', 'gopher'])
    t.notOk(clashesWithPushgatewayOwnMetrics(mine), mine);
});

t.test('property: every non-empty name becomes a valid, non-reserved label name, stably', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }), (name) => {
      const out = normalizeLabelName(name);
      return (
        out !== undefined &&
        isGroupingLabelName(out) &&
        normalizeLabelName(name) === out &&
        normalizeLabelName(out) === out
      );
    }),
    { numRuns: 1000 },
  );
  t.pass('1000 random names');
});
