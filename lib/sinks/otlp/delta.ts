// Delta temporality across the pushes of one run (--flush-interval): each push sends a counter's
// increase since the last accepted push, over the interval since then, so a delta-only receiver
// (Dynatrace) that adds the points up gets the tool's total, not a multiple of it. A counter that
// went down (the tool restarted it) starts over: its value is sent as it is.

import type { Series } from '../../store/series.js';
import { seriesKey } from '../../store/series.js';

export class DeltaTracker {
  /** Epoch ms of the last accepted push; the start of the next interval. */
  #since: number;
  readonly #sent = new Map<string, number>();

  constructor(startMs: number) {
    this.#since = startMs;
  }

  get since(): number {
    return this.#since;
  }

  /** The series to send now: counters as their increase since the last accepted push. */
  deltas(series: readonly Series[]): Series[] {
    return series.map((s) => {
      if (s.type !== 'counter') return s;
      const before = this.#sent.get(seriesKey(s.name, s.labels));
      if (before === undefined || !(s.value >= before)) return s;
      return { ...s, value: s.value - before };
    });
  }

  /** After a 2xx: these totals were delivered up to `atMs`. */
  accepted(series: readonly Series[], atMs: number): void {
    for (const s of series) if (s.type === 'counter') this.#sent.set(seriesKey(s.name, s.labels), s.value);
    this.#since = atMs;
  }
}
