// Earlier results and the comparison value they give each objective (pure). A PreviousRun is
// what one earlier push left: its series and, when it ran a gate, that gate's result. Keptn
// filters the earlier evaluations by their overall result (include_result_with_score), keeps
// the newest N (1 for single_result), and aggregates each SLI's values from those.

import type { Series } from '../store/series.js';
import { aggregate } from './aggregate-function.js';
import type { GateResult } from './evaluate.js';
import { resolveSelector, type Selector } from './selector.js';
import type { IncludeResults, SloComparison } from './slo-file.js';

export interface PreviousRun {
  series: readonly Series[];
  /** Undefined when that run had no gate (no `_slo_result`). */
  result?: GateResult;
  /** The Pushgateway's push_time_seconds of that run, when known. */
  pushTime?: number;
}

export function included(result: GateResult | undefined, include: IncludeResults): boolean {
  if (include === 'all') return true;
  if (include === 'pass') return result === 'pass';
  return result === 'pass' || result === 'warning';
}

export interface Baselines {
  /** Per objective, the aggregated comparison value; undefined: no baseline. */
  values: (number | undefined)[];
  /** How many earlier runs were compared with. */
  runs: number;
  /** Per objective, the earlier values `regression:` reads (newest first, at most `maxSamples[i]`). */
  samples: number[][];
  /** Per objective, the newest earlier values for the trend (newest first, at most `trendRuns`). */
  recent: number[][];
  /** Earlier runs with a NaN or ±Inf value left out (counted, for one line). */
  skipped: number;
}

/**
 * `runs` newest first. Runs whose stored gate result `include_result_with_score` excludes are
 * left out of both the comparison value and the regression samples. `maxSamples[i]`: how many
 * earlier values objective i's `regression:` reads (0: none).
 */
export function baselines(
  runs: readonly PreviousRun[],
  selectors: readonly Selector[],
  comparison: SloComparison,
  fullName: (name: string) => string,
  maxSamples: readonly number[] = [],
  trendRuns = 0,
): Baselines {
  const eligible = runs.filter((r) => included(r.result, comparison.includeResultWithScore));
  const chosen = eligible.slice(0, comparison.numberOfComparisonResults);
  const skipped = new Set<PreviousRun>();
  const finite = (sel: Selector, from: readonly PreviousRun[], limit: number, count = true): number[] => {
    const found: number[] = [];
    for (const run of from) {
      if (found.length >= limit) break;
      const r = resolveSelector(sel, run.series, fullName);
      if (!('value' in r)) continue;
      if (Number.isFinite(r.value)) found.push(r.value);
      else if (count) skipped.add(run);
    }
    return found;
  };
  const values = selectors.map((sel) => aggregate(finite(sel, chosen, chosen.length), comparison.aggregateFunction));
  const samples = selectors.map((sel, i) => ((maxSamples[i] ?? 0) > 0 ? finite(sel, eligible, maxSamples[i]!) : []));
  const recent = selectors.map((sel) => (trendRuns > 0 ? finite(sel, eligible, trendRuns, false) : []));
  return { values, runs: chosen.length, samples, recent, skipped: skipped.size };
}
