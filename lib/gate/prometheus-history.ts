// several_results' (and `regression:`'s) earlier results from any Prometheus-compatible query
// API (Prometheus, VictoriaMetrics, Thanos Query, Mimir), in one of two shapes:
//
// - Scraped Pushgateway: one range query over the history window returns, per scrape step, the
//   group's push_time_seconds, its `_slo_result` and the SLIs' series; every distinct push time
//   is one earlier run, read at the first step that shows it (all of a push's series arrive in
//   the same scrape). Two runs within one step are seen as the later one.
// - Remote write or OTLP (no push_time_seconds): each run wrote one sample per series at its
//   collection time. An instant query of a range-vector selector (`{…}[14d]`) returns the raw
//   samples (https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries: "range
//   vectors" in a matrix result); every distinct timestamp is one earlier run, so runs seconds
//   apart stay distinct.
//
// Pure: the query texts and the answer → runs, linear in the answer, with a sample cap.

import type { Series } from '../store/series.js';
import type { PreviousRun } from './history.js';
import { resultFromValue } from './result-series.js';

/** Prometheus answers at most 11,000 points a series; this stays under it. */
export const MAX_POINTS = 10_000;
/** The most samples an answer may hold (each is a few dozen bytes of JSON): more is refused, in one line. */
export const MAX_HISTORY_SAMPLES = 200_000;

export interface RangeQuery {
  query: string;
  start: number;
  end: number;
  /** Seconds. */
  step: number;
}

function selector(
  names: Iterable<string>,
  matchers: ReadonlyArray<readonly [string, string]>,
  withPushTime: boolean,
): string {
  const all = [...new Set([...(withPushTime ? ['push_time_seconds'] : []), ...names])]
    .filter((n) => /^[A-Za-z_:][A-Za-z0-9_:]*$/.test(n))
    .sort();
  return `{${[`__name__=~"${all.join('|')}"`, ...matchers.map(([k, v]) => `${k}=${JSON.stringify(v)}`)].join(',')}}`;
}

/** The range query for the group `grouping` and the metric `names`, over `windowMs` up to `nowMs`. */
export function historyQuery(
  names: Iterable<string>,
  grouping: ReadonlyArray<readonly [string, string]>,
  nowMs: number,
  windowMs: number,
): RangeQuery {
  // Rounded up: a scrape earlier in this very second is still in the range.
  const end = Math.ceil(nowMs / 1000);
  const step = Math.max(1, Math.ceil(windowMs / 1000 / MAX_POINTS));
  return { query: selector(names, grouping, true), start: end - Math.floor(windowMs / 1000), end, step };
}

/** The instant query of raw samples (remote write, OTLP): `{names, labels}[window]` at `time`. */
export function rawSamplesQuery(
  names: Iterable<string>,
  labels: ReadonlyArray<readonly [string, string]>,
  nowMs: number,
  windowMs: number,
): { query: string; time: number } {
  return { query: `${selector(names, labels, false)}[${Math.floor(windowMs / 1000)}s]`, time: Math.ceil(nowMs / 1000) };
}

interface MatrixEntry {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** A matrix answer's entries, or the one line saying what is wrong (not JSON, an error, too many samples). */
export function parseMatrix(json: string, api: string): MatrixEntry[] | { error: string } {
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = JSON.parse(json) as typeof body;
  } catch {
    const head = json.trimStart().slice(0, 15).toLowerCase();
    return {
      error: `the answer of ${api} is not JSON${head.startsWith('<') ? ' (an HTML page: is the URL the query API of Prometheus?)' : ''}`,
    };
  }
  if (
    typeof body !== 'object' ||
    body === null ||
    body.status !== 'success' ||
    body.data?.resultType !== 'matrix' ||
    !Array.isArray(body.data.result)
  ) {
    return {
      error: `${api} failed: ${typeof body?.error === 'string' ? body.error.slice(0, 200) : 'no matrix in the answer'}`,
    };
  }
  let samples = 0;
  const entries: MatrixEntry[] = [];
  for (const e of body.data.result as unknown[]) {
    const entry = e as Partial<MatrixEntry>;
    if (typeof entry?.metric !== 'object' || entry.metric === null || !Array.isArray(entry.values))
      return { error: `${api}: a matrix entry without metric and values` };
    samples += entry.values.length;
    if (samples > MAX_HISTORY_SAMPLES)
      return {
        error: `${api} answered more than ${MAX_HISTORY_SAMPLES} samples; narrow --slo-history-window (or the labels) and try again`,
      };
    entries.push(entry as MatrixEntry);
  }
  return entries;
}

/** Name and labels of an entry, split once (its samples share the labels object). */
function identity(e: MatrixEntry): { name: string; labels: Record<string, string> } | undefined {
  const { __name__: name, ...labels } = e.metric;
  return name === undefined ? undefined : { name, labels };
}

/** Scraped Pushgateway runs, newest first; `before` leaves out pushes at or after it (this run's own, with --flush-interval). */
export function runsFromMatrix(json: string, resultName: string, before?: number): PreviousRun[] | { error: string } {
  const entries = parseMatrix(json, '/api/v1/query_range');
  if ('error' in entries) return entries;
  return runsFromScrapes(entries, resultName, before);
}

/** Linear in the samples: one pass for the push times, one to place every sample. */
export function runsFromScrapes(entries: readonly MatrixEntry[], resultName: string, before?: number): PreviousRun[] {
  // The first step at which each push time shows.
  const firstSeen = new Map<number, number>();
  for (const e of entries) {
    if (e.metric.__name__ !== 'push_time_seconds') continue;
    for (const [t, v] of e.values) {
      const p = Number(v);
      if (!Number.isFinite(p) || (before !== undefined && p >= before)) continue;
      const known = firstSeen.get(p);
      if (known === undefined || t < known) firstSeen.set(p, t);
    }
  }
  const at = new Map<number, PreviousRun & { series: Series[] }>();
  for (const [pushTime, t] of firstSeen) if (!at.has(t)) at.set(t, { series: [], pushTime });
  for (const e of entries) {
    const id = identity(e);
    if (id === undefined) continue;
    for (const [t, v] of e.values) {
      const run = at.get(t);
      if (run === undefined) continue;
      const s: Series = { name: id.name, labels: id.labels, value: Number(v), type: 'gauge' };
      if (s.name === resultName) {
        const result = resultFromValue(s.value);
        if (result !== undefined) run.result = result;
      }
      run.series.push(s);
    }
  }
  return [...at.values()].sort((a, b) => (b.pushTime ?? 0) - (a.pushTime ?? 0));
}

/** Remote-write/OTLP runs from raw samples: one run per distinct timestamp, newest first. */
export function runsFromSamples(entries: readonly MatrixEntry[], resultName: string, before?: number): PreviousRun[] {
  const at = new Map<number, PreviousRun & { series: Series[] }>();
  for (const e of entries) {
    const id = identity(e);
    if (id === undefined) continue;
    for (const [t, v] of e.values) {
      const time = Number(t);
      if (!Number.isFinite(time) || (before !== undefined && time >= before)) continue;
      const s: Series = { name: id.name, labels: id.labels, value: Number(v), type: 'gauge' };
      let run = at.get(time);
      if (run === undefined) at.set(time, (run = { series: [], pushTime: time }));
      if (s.name === resultName) {
        const result = resultFromValue(s.value);
        if (result !== undefined) run.result = result;
      }
      run.series.push(s);
    }
  }
  return [...at.values()].sort((a, b) => (b.pushTime ?? 0) - (a.pushTime ?? 0));
}

/** True when the answer holds a push_time_seconds series: the runs came through a scraped Pushgateway. */
export function hasPushTimes(entries: readonly MatrixEntry[]): boolean {
  return entries.some((e) => e.metric.__name__ === 'push_time_seconds' && e.values.length > 0);
}
