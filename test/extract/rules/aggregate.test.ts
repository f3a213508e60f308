// Aggregator: one value per key from every match, by each `aggregate:`; a bound on distinct keys.

import t from 'tap';
import { Aggregator } from '../../../lib/extract/rules/aggregate.js';
import { AGGREGATES, type Aggregate } from '../../../lib/extract/rules/model.js';

const VALUES = [3, -1, 7, 2];
const WANT: Record<Aggregate, number> = {
  sum: 11,
  count: 4,
  min: -1,
  max: 7,
  mean: 2.75,
  avg: 2.75,
  first: 3,
  last: 2,
};

t.test('each aggregate over the same matches', async (t) => {
  t.same([...AGGREGATES].sort(), Object.keys(WANT).sort(), 'every aggregate the model names is here');
  for (const how of AGGREGATES) {
    const agg = new Aggregator<string>(how, 10);
    for (const v of VALUES) agg.add('k', v, 'item-k');
    t.same(agg.results(), [{ item: 'item-k', value: WANT[how] }], how);
  }
});

t.test('one series per key, in first-seen order, the item of the first match', async (t) => {
  const agg = new Aggregator<string>('sum', 10);
  agg.add('b', 1, 'b1');
  agg.add('a', 2, 'a1');
  agg.add('b', 3, 'b2');
  t.same(agg.results(), [
    { item: 'b1', value: 4 },
    { item: 'a1', value: 2 },
  ]);
});

t.test('the limit of distinct keys: a new key is refused, known keys still count', async (t) => {
  const agg = new Aggregator<number>('count', 2);
  t.equal(agg.add('a', 1, 1), true);
  t.equal(agg.add('b', 1, 2), true);
  t.equal(agg.add('c', 1, 3), false);
  t.equal(agg.add('a', 1, 4), true);
  t.same(agg.results(), [
    { item: 1, value: 2 },
    { item: 2, value: 1 },
  ]);
  t.same(new Aggregator('max', 5).results(), [], 'no match: no series');
});
