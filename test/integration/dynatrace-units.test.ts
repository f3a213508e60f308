// Series with a unit (from a rule's unit:) reach the strict emulator with one metadata line per
// key in each request, and every line is accepted.

import t from 'tap';
import type { Series } from '../../lib/store/series.js';
import { push, startDtHarness } from '../support/dt-harness.js';
import { validateDtLine } from '../support/dt-line-validator.js';

t.test('dt.meta.unit lines are accepted, once per key per request', async (t) => {
  const h = await startDtHarness(t);
  const series: Series[] = [];
  for (let i = 0; i < 1500; i++)
    series.push({
      name: 'keptn_t_latency_seconds',
      labels: { n: String(i) },
      value: i / 1000,
      type: 'gauge',
      unit: 'seconds',
    });
  series.push({ name: 'keptn_t_size_bytes', labels: {}, value: 10, type: 'gauge', unit: 'bytes' });
  const outcome = await h.backend.push(series, push);
  t.ok(outcome.ok, outcome.summary);
  t.same(
    h.dt.requests.map((r) => r.status),
    [202, 202],
  );
  for (const r of h.dt.requests) {
    const meta = r.body.split('\n').filter((l) => l.startsWith('#'));
    t.ok(
      meta.includes('#keptn_t_latency_seconds gauge dt.meta.unit=Second'),
      'each request describes the key it sends',
    );
    t.equal(new Set(meta).size, meta.length, 'once per key');
  }
  t.equal(h.dt.ingested.length, 1501, 'every data point, metadata lines not counted as points');
  t.notOk(validateDtLine('#keptn_t_x gauge dt.meta.unit=Sec ond').ok, 'the emulator refuses a malformed unit');
  t.notOk(validateDtLine('#keptn_t_x gauge dt.meta.colour=red').ok, 'and an unknown property');
});
