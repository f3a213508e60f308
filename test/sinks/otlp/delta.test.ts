// Delta temporality over several pushes of one run: increases since the last accepted push.

import t from 'tap';
import { DeltaTracker } from '../../../lib/sinks/otlp/delta.js';
import type { Series } from '../../../lib/store/series.js';

const at = (reqs: number, rps: number): Series[] => [
  { name: 'reqs_total', labels: { a: '1' }, value: reqs, type: 'counter' },
  { name: 'rps', labels: {}, value: rps, type: 'gauge' },
];

t.test('increases since the last accepted push; gauges as they are; a reset starts over', async (t) => {
  const d = new DeltaTracker(1000);
  t.same(
    d.deltas(at(10, 5)).map((s) => s.value),
    [10, 5],
    'first push: the whole count',
  );
  t.equal(d.since, 1000);
  d.accepted(at(10, 5), 2000);
  t.equal(d.since, 2000);
  t.same(
    d.deltas(at(25, 6)).map((s) => s.value),
    [15, 6],
  );
  // Not accepted (a failed push): the next one still counts from 10.
  t.same(
    d.deltas(at(30, 6)).map((s) => s.value),
    [20, 6],
  );
  d.accepted(at(30, 6), 3000);
  t.same(
    d.deltas(at(4, 1)).map((s) => s.value),
    [4, 1],
    'went down: the tool restarted its counter',
  );
  t.same(
    d.deltas(at(NaN, 1)).map((s) => s.value),
    [NaN, 1],
  );
});
