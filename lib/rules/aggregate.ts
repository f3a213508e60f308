// Aggregation over the matches of a document rule: one series per distinct name and label set.

import type { Aggregate } from './rule.js';

interface Acc {
  sum: number;
  count: number;
  min: number;
  max: number;
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
      entry = { acc: { sum: 0, count: 0, min: Infinity, max: -Infinity }, item };
      this.#byKey.set(key, entry);
    }
    const a = entry.acc;
    a.sum += value;
    a.count++;
    if (value < a.min) a.min = value;
    if (value > a.max) a.max = value;
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
    case 'avg':
      return a.sum / a.count;
  }
}
