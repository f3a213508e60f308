// Earlier results and the comparison value they give each objective (pure). A PreviousRun is
// what one earlier push left: its series and, when it ran a gate, that gate's result. Keptn
// filters the earlier evaluations by their overall result (include_result_with_score), keeps
// the newest N (1 for single_result), and aggregates each SLI's values from those.

import type { Series } from '../series.js';
import { aggregate } from './aggregate.js';
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
}

/** `runs` newest first. */
export function baselines(
  runs: readonly PreviousRun[],
  selectors: readonly Selector[],
  comparison: SloComparison,
  fullName: (name: string) => string,
): Baselines {
  const chosen = runs.filter((r) => included(r.result, comparison.includeResultWithScore)).slice(0, comparison.numberOfComparisonResults);
  const values = selectors.map((sel) => {
    const found: number[] = [];
    for (const run of chosen) {
      const r = resolveSelector(sel, run.series, fullName);
      if ('value' in r) found.push(r.value);
    }
    return aggregate(found, comparison.aggregateFunction);
  });
  return { values, runs: chosen.length };
}
