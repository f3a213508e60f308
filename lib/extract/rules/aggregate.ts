// Aggregation over the matches of a rule (document rules, and line rules with aggregate:): one
// series per distinct name and label set.

import type { Aggregate } from './model.js';

interface Acc {
  sum: number;
  count: number;
  min: number;
  max: number;
  first: number;
  last: number;
}

export class Aggregator<T> {
  readonly #byKey = new Map<string, { acc: Acc; item: T }>();

  constructor(
    readonly how: Aggregate,
    readonly limit: number,
  ) {}

  /** False when the key is new and the limit of distinct keys is reached. */
  add(key: string, value: number, item: T): boolean {
    let entry = this.#byKey.get(key);
    if (entry === undefined) {
      if (this.#byKey.size >= this.limit) return false;
      entry = { acc: { sum: 0, count: 0, min: Infinity, max: -Infinity, first: value, last: value }, item };
      this.#byKey.set(key, entry);
    }
    const a = entry.acc;
    a.sum += value;
    a.count++;
    if (value < a.min) a.min = value;
    if (value > a.max) a.max = value;
    a.last = value;
    return true;
  }

  results(): Array<{ item: T; value: number }> {
    return [...this.#byKey.values()].map(({ acc, item }) => ({ item, value: result(this.how, acc) }));
  }
}

function result(how: Aggregate, a: Acc): number {
  switch (how) {
    case 'sum':
      return a.sum;
    case 'count':
      return a.count;
    case 'min':
      return a.min;
    case 'max':
      return a.max;
    case 'mean':
    case 'avg':
      return a.sum / a.count;
    case 'first':
      return a.first;
    case 'last':
      return a.last;
  }
}
