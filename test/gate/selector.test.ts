import t from 'tap';
import type { Series } from '../../lib/store/series.js';
import { fillPlaceholders, parseSelector, resolveSelector, type Selector } from '../../lib/gate/selector.js';
import { fullMetricName } from '../../lib/store/metric-name.js';

const s = (name: string, value: number, labels: Record<string, string> = {}): Series => ({
  name,
  value,
  labels,
  type: 'gauge',
});
const series: Series[] = [
  s('keptn_infracost_cost', 228.13, { ci_platform: 'keptn', keptn_stage: 'dev' }),
  s('keptn_infracost_http_req_duration_seconds', 0.41, { stat: 'p95' }),
  s('keptn_infracost_http_req_duration_seconds', 0.2, { stat: 'p50' }),
  s('keptn_infracost_latency', 3, { 'p.95': 'yes' }),
];
const full = (n: string): string => fullMetricName('keptn_', 'infracost', n);
const sel = (text: string): Selector => {
  const p = parseSelector(text);
  if ('error' in p) throw new Error(p.error);
  return p;
};

t.test('an SLI names a series by input name, full name, labels, or an aggregation', async (t) => {
  const cases: Array<[string, number | RegExp]> = [
    ['cost', 228.13],
    ['keptn_infracost_cost', 228.13],
    ['cost{keptn_stage="dev"}', 228.13],
    ['cost{keptn_stage="prod"}', /no series .* in this run/],
    ['http_req_duration_seconds{stat="p95"}', 0.41],
    ["http_req_duration_seconds{stat='p50'}", 0.2],
    ['http_req_duration_seconds{stat!="p95"}', 0.2],
    ['http_req_duration_seconds', /2 series match/],
    ['max(http_req_duration_seconds)', 0.41],
    ['min(keptn_infracost_http_req_duration_seconds)', 0.2],
    ['sum(http_req_duration_seconds)', 0.61],
    ['count(http_req_duration_seconds)', 2],
    ['latency{p_95="yes"}', 3],
    ['cost{missing=""}', 228.13],
    ['nothing', /no series .* in this run/],
  ];
  for (const [text, want] of cases) {
    const r = resolveSelector(sel(text), series, full);
    if (typeof want === 'number')
      t.ok('value' in r && Math.abs(r.value - want) < 1e-9, `${text} → ${want} (${JSON.stringify(r)})`);
    else t.ok('error' in r && want.test(r.error), `${text} → ${want} (${'error' in r ? r.error : 'a value'})`);
  }
});

t.test('selectors that are not understood are refused', async (t) => {
  for (const text of ['rate(x[5m])', 'x{a=~"b.*"}', 'x{a=b}', 'x{a="b"', 'x + 1', '{a="b"}', 'quantile(0.9, x)']) {
    t.ok('error' in parseSelector(text), text);
  }
});

t.test('placeholders: $PROJECT, $STAGE, $SERVICE and filter keys', async (t) => {
  t.same(fillPlaceholders('max(x{keptn_stage="$STAGE",svc="$svc_id"})', { STAGE: 'dev', svc_id: 'a14b' }), {
    text: 'max(x{keptn_stage="dev",svc="a14b"})',
  });
  const missing = fillPlaceholders('x{keptn_project="$PROJECT"}', { PROJECT: undefined, STAGE: 'dev' });
  t.ok('error' in missing && /\$PROJECT has no value/.test(missing.error));
});
