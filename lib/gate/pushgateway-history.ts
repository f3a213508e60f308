// single_result's earlier result: this run's group on the Pushgateway as it is before this
// run's push replaces it. GET <gateway>/api/v1/metrics returns every group as JSON; the group
// whose labels are this run's grouping key is the last run. Parsing is pure; the read is in io.ts.

import type { Series } from '../store/series.js';
import type { PreviousRun } from './history.js';
import { resultFromValue } from './result-series.js';

interface ApiMetric {
  labels?: Record<string, string>;
  value?: string;
}

interface ApiFamily {
  type?: string;
  metrics?: ApiMetric[];
}

/** The previous run in `json` for the grouping key `grouping`, or undefined when the gateway has no such group. */
export function previousRunFromGroups(
  json: string,
  grouping: ReadonlyArray<readonly [string, string]>,
  resultName: string,
): PreviousRun | undefined | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return { error: 'the answer of /api/v1/metrics is not JSON' };
  }
  const data = (parsed as { data?: unknown }).data;
  if (!Array.isArray(data)) return { error: 'the answer of /api/v1/metrics has no data list' };
  const want = new Map(grouping);
  const group = data.find((g: unknown) => {
    const labels = (g as { labels?: Record<string, string> }).labels;
    if (typeof labels !== 'object' || labels === null) return false;
    const keys = Object.keys(labels);
    return keys.length === want.size && keys.every((k) => want.get(k) === labels[k]);
  }) as Record<string, unknown> | undefined;
  if (!group) return undefined;

  const series: Series[] = [];
  let result: PreviousRun['result'];
  let pushTime: number | undefined;
  for (const [name, fam] of Object.entries(group)) {
    if (name === 'labels' || name === 'last_push_successful' || typeof fam !== 'object' || fam === null) continue;
    for (const m of (fam as ApiFamily).metrics ?? []) {
      // Histograms and summaries have no single value; they are not SLIs here.
      if (typeof m.value !== 'string') continue;
      const value = Number(m.value);
      if (Number.isNaN(value) && m.value !== 'NaN') continue;
      const labels = { ...(m.labels ?? {}) };
      if (name === resultName) result = resultFromValue(value);
      if (name === 'push_time_seconds') pushTime = value;
      series.push({ name, labels, value, type: (fam as ApiFamily).type === 'COUNTER' ? 'counter' : 'gauge' });
    }
  }
  return { series, ...(result !== undefined ? { result } : {}), ...(pushTime !== undefined ? { pushTime } : {}) };
}
