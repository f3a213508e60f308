// several_results' earlier results: a Prometheus that scrapes the Pushgateway. One range query
// over the history window returns, per scrape step, the group's push_time_seconds, its
// `_slo_result` and the SLIs' series; every distinct push time is one earlier run, read at the
// first step that shows it (all of a push's series arrive in the same scrape). Two runs
// within one step are seen as the later one. Pure: the query text and the matrix → runs.

import type { Series } from '../series.js';
import type { PreviousRun } from './history.js';
import { resultFromValue } from './result-series.js';

/** Prometheus answers at most 11,000 points a series; this stays under it. */
export const MAX_POINTS = 10_000;

export interface RangeQuery {
  query: string;
  start: number;
  end: number;
  /** Seconds. */
  step: number;
}

/** The range query for the group `grouping` and the metric `names`, over `windowMs` up to `nowMs`. */
export function historyQuery(names: Iterable<string>, grouping: ReadonlyArray<readonly [string, string]>, nowMs: number, windowMs: number): RangeQuery {
  const all = [...new Set(['push_time_seconds', ...names])].filter((n) => /^[A-Za-z_:][A-Za-z0-9_:]*$/.test(n)).sort();
  const matchers = [`__name__=~"${all.join('|')}"`, ...grouping.map(([k, v]) => `${k}=${JSON.stringify(v)}`)];
  // Rounded up: a scrape earlier in this very second is still in the range.
  const end = Math.ceil(nowMs / 1000);
  const step = Math.max(1, Math.ceil(windowMs / 1000 / MAX_POINTS));
  return { query: `{${matchers.join(',')}}`, start: end - Math.floor(windowMs / 1000), end, step };
}

interface MatrixEntry {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** Runs newest first; `before` leaves out pushes at or after it (this run's own, with --flush-interval). */
export function runsFromMatrix(json: string, resultName: string, before?: number): PreviousRun[] | { error: string } {
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: MatrixEntry[] } };
  try {
    body = JSON.parse(json) as typeof body;
  } catch {
    return { error: 'the answer of /api/v1/query_range is not JSON' };
  }
  if (body.status !== 'success' || body.data?.resultType !== 'matrix' || !Array.isArray(body.data.result)) {
    return { error: `query_range failed: ${body.error ?? 'no matrix in the answer'}` };
  }
  const entries = body.data.result;
  const pushTimes = entries.filter((e) => e.metric.__name__ === 'push_time_seconds');
  // The first step at which each push time shows.
  const firstSeen = new Map<number, number>();
  for (const e of pushTimes) {
    for (const [t, v] of e.values) {
      const p = Number(v);
      if (before !== undefined && p >= before) continue;
      const known = firstSeen.get(p);
      if (known === undefined || t < known) firstSeen.set(p, t);
    }
  }
  const byTime = entries.map((e) => new Map(e.values.map(([ts, v]) => [ts, v] as const)));
  const runs: PreviousRun[] = [];
  for (const [pushTime, t] of firstSeen) {
    const series: Series[] = [];
    let result: PreviousRun['result'];
    entries.forEach((e, i) => {
      const at = byTime[i]!.get(t);
      const { __name__: name, ...labels } = e.metric;
      if (at === undefined || name === undefined) return;
      const value = Number(at);
      if (name === resultName) result = resultFromValue(value);
      series.push({ name, labels, value, type: 'gauge' });
    });
    runs.push({ series, pushTime, ...(result !== undefined ? { result } : {}) });
  }
  return runs.sort((a, b) => (b.pushTime ?? 0) - (a.pushTime ?? 0));
}
