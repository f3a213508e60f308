// The Dynatrace backend end to end against the strict emulator, over real HTTP on 127.0.0.1:
// 5,000 series in five requests, a wrong token, label values that need escaping.

import t from 'tap';
import type { Series } from '../../lib/store/series.js';
import { USER_AGENT } from '../../lib/version.js';
import { push, startDtHarness } from '../support/dt-harness.js';

const gauge = (name: string, value: number, labels: Record<string, string> = {}): Series => ({
  name,
  value,
  labels,
  type: 'gauge',
});

t.test('5,000 series arrive in five requests, in order, with the right headers', async (t) => {
  const h = await startDtHarness(t);
  const series: Series[] = [];
  for (let i = 0; i < 5000; i++) {
    series.push(
      gauge(`keptn_bench_m${String(i).padStart(4, '0')}`, i * 1.5, { ci_platform: 'keptn', shard: String(i % 7) }),
    );
  }
  const outcome = await h.backend.push(series, push);
  t.same(outcome, { backend: 'dynatrace', ok: true, summary: '202, 5000 ok, 0 invalid' });
  t.equal(h.dt.requests.length, 5);
  t.same(
    h.dt.requests.map((r) => r.status),
    [202, 202, 202, 202, 202],
  );
  t.same(
    h.dt.requests.map((r) => r.body.split('\n').length),
    [1000, 1000, 1000, 1000, 1000],
  );
  for (const r of h.dt.requests) {
    t.equal(r.method, 'POST');
    t.equal(r.path, '/api/v2/metrics/ingest');
    t.equal(r.headers['content-type'], 'text/plain; charset=utf-8');
    t.equal(r.headers['user-agent'], USER_AGENT);
    t.equal(r.headers.authorization, `Api-Token ${h.dt.token}`);
  }
  t.equal(h.dt.ingested.length, 5000);
  t.same(h.dt.ingested[0], {
    key: 'keptn_bench_m0000',
    dimensions: { ci_platform: 'keptn', shard: '0', 'dt.metrics.source': 'jes-metrics-pipe' },
    value: 0,
    payload: { kind: 'gauge', value: 0 },
    raw: 'keptn_bench_m0000,ci_platform=keptn,shard=0,dt.metrics.source=jes-metrics-pipe gauge,0',
  });
  t.ok(
    h.dt.ingested.every((l, i) => l.key === series[i]?.name && l.value === series[i]?.value),
    'every value, in order',
  );
  t.equal(h.text(), '', 'nothing to say when all went well');
});

t.test('a wrong token is a clear 401 and its secret appears nowhere', async (t) => {
  const wrong = 'dt0c01.WRONGPUBLICPART0000000.WRONGSECRET00000000000000000000000000000000000000000000000000000';
  const h = await startDtHarness(t, { token: wrong, verbosity: 'verbose' });
  const series = Array.from({ length: 1500 }, (_, i) => gauge(`keptn_k6_m${i}`, i));
  const outcome = await h.backend.push(series, push);
  t.same(outcome, { backend: 'dynatrace', ok: false, summary: '401 (token missing or invalid), 0 ok' });
  t.equal(h.dt.requests.length, 1, 'stops after a 401: the next request would fail the same way');
  t.equal(h.dt.requests[0]?.headers.authorization, `Api-Token ${wrong}`, 'the token was sent');
  const out = h.text();
  t.match(out, /-> 401 \(token missing or invalid\): Token Authentication failed/);
  t.match(out, /hint: create an API token with the scope metrics\.ingest/);
  t.match(
    out,
    /Dynatrace lines not ingested \(1500, 401\):\nkeptn_k6_m0,dt\.metrics\.source=jes-metrics-pipe gauge,0\n/,
  );
  t.match(out, /… 1300 more lines not shown/, 'the printed payload is bounded');
  t.notMatch(out, 'WRONGSECRET', 'no secret part');
  t.notMatch(out, wrong, 'no token');
  t.notMatch(JSON.stringify(outcome), 'WRONG');
});

t.test('label values with special characters arrive intact', async (t) => {
  const h = await startDtHarness(t);
  const values: Record<string, string> = {
    space: 'a value with spaces',
    comma: 'a,b,,c',
    quote: 'say "hi" and \'bye\'',
    equals: 'k=v==w',
    backslash: 'C:\\path\\to\\ and \\\\',
    slash: '/var/log/app.log',
    emoji: '🚀 launch 👩‍💻 ✅',
    mixed: ' ,="\\/ 🚀',
    trailing_backslash: 'ends with \\',
    leading_quote: '"starts quoted"',
  };
  const series = Object.entries(values).map(([k, v], i) => gauge(`keptn_esc_m${i}`, i, { [k]: v }));
  series.push(gauge('keptn_esc_newline', 99, { newline: 'line1\nline2\r\nline3' }));
  const outcome = await h.backend.push(series, push);
  t.same(outcome, { backend: 'dynatrace', ok: true, summary: '202, 11 ok, 0 invalid' });
  Object.entries(values).forEach(([k, v], i) => {
    t.equal(h.dt.ingested[i]?.dimensions[k], v, k);
  });
  // A raw newline would end the line: it becomes `_`, as the official libraries do.
  t.equal(h.dt.ingested[10]?.dimensions.newline, 'line1_line2_line3');
  t.equal(h.dt.requests.length, 1);
});
