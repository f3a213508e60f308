// Scores an SLO's objectives on this run's SLI values and the comparison values of earlier
// results, with the rules of Keptn's lighthouse-service (keptn/keptn, the last release):
//   - an objective without pass criteria is informative: status "info", not scored (unless it
//     has our `regression:` block, lib/gate/regression.ts: then that is its criterion);
//   - an SLI without a value fails its objective;
//   - pass: one pass set holds (all its criteria) and `regression:` found none; the objective
//     scores its weight; a regression fails the objective (0), whatever its criteria say;
//   - otherwise warning: one warning set holds; half its weight;
//   - otherwise fail, 0; a failed key_sli objective fails the whole gate;
//   - total score = 100 × Σ scores / Σ weights of the scored objectives (100 when none is);
//     pass when ≥ total_score.pass, else warning when ≥ total_score.warning, else fail.
// The result is in the shape of Keptn's evaluation result. Pure.

import { evaluateCriterion, type CriterionOutcome } from './criteria.js';
import { judgeRegression, type RegressionOutcome } from './regression.js';
import type { CriteriaSets, SloObjective, SloSpec } from './slo-file.js';

export type GateResult = 'pass' | 'warning' | 'fail';
export type IndicatorStatus = GateResult | 'info';

export interface SliTarget {
  criteria: string;
  /** Absent for a relative criterion without a baseline. */
  targetValue?: number;
  violated: boolean;
  /** A relative criterion with no earlier result: it holds. */
  noBaseline?: boolean;
}

export interface IndicatorResult {
  score: number;
  status: IndicatorStatus;
  value: {
    metric: string;
    value: number;
    success: boolean;
    message?: string;
    /** The aggregated earlier results the relative criteria compared with. */
    comparedValue?: number;
  };
  displayName?: string;
  keySli: boolean;
  weight: number;
  passTargets: SliTarget[];
  warningTargets: SliTarget[];
  /** The `regression:` test's numbers (absent without the block or without a value). */
  regression?: RegressionOutcome;
  /** The earlier runs' values, oldest first (the trend; this run is `value`). */
  trend?: number[];
}

export interface Evaluation {
  result: GateResult;
  /** 0–100. */
  score: number;
  indicatorResults: IndicatorResult[];
  /** Why the gate did not pass, in one sentence. */
  message?: string;
}

/** This run's value of one objective's SLI, or why there is none. */
export type SliValue = { value: number } | { error: string };

export interface ObjectiveInput {
  value: SliValue;
  /** The aggregated comparison value, undefined when there is no earlier result. */
  baseline?: number;
  /** The earlier results' values of this SLI, newest first (for `regression:`). */
  samples?: readonly number[];
  /** The newest earlier values, newest first, for the trend (lib/gate/trend.ts). */
  recent?: readonly number[];
}

/** Scored: pass criteria, or a `regression:` block. */
export function isScored(o: SloObjective): boolean {
  return o.pass.length > 0 || o.regression !== undefined;
}

export function evaluateSlo(spec: SloSpec, inputs: readonly ObjectiveInput[]): Evaluation {
  const indicatorResults: IndicatorResult[] = [];
  let maxScore = 0;
  let keyFailed: string | undefined;
  spec.objectives.forEach((objective, i) => {
    const input = inputs[i] ?? { value: { error: 'no value' } };
    const r = evaluateObjective(objective, input);
    if (isScored(objective)) maxScore += objective.weight;
    if (r.status === 'fail' && objective.keySli) keyFailed ??= objective.displayName ?? objective.sli;
    indicatorResults.push(r);
  });
  if (maxScore === 0) return { result: 'pass', score: 100, indicatorResults };
  const achieved = indicatorResults.reduce((sum, r) => sum + r.score, 0);
  const score = (100 * achieved) / maxScore;
  const { pass, warning } = spec.totalScore;
  if (keyFailed !== undefined)
    return { result: 'fail', score, indicatorResults, message: `key SLI ${keyFailed} failed` };
  if (score >= pass) return { result: 'pass', score, indicatorResults };
  if (warning !== undefined && score >= warning)
    return {
      result: 'warning',
      score,
      indicatorResults,
      message: `score ${fmt(score)} is below the pass target ${pass}%`,
    };
  return {
    result: 'fail',
    score,
    indicatorResults,
    message: `score ${fmt(score)} is below the ${warning !== undefined ? `warning target ${warning}%` : `pass target ${pass}%`}`,
  };
}

function evaluateObjective(o: SloObjective, input: ObjectiveInput): IndicatorResult {
  const base = {
    displayName: o.displayName,
    keySli: o.keySli,
    weight: o.weight,
    ...(input.recent && input.recent.length > 0 ? { trend: [...input.recent].reverse() } : {}),
  };
  const compared = input.baseline === undefined ? {} : { comparedValue: input.baseline };
  if ('error' in input.value) {
    const status: IndicatorStatus = isScored(o) ? 'fail' : 'info';
    return {
      ...base,
      score: 0,
      status,
      value: { metric: o.sli, value: 0, success: false, message: input.value.error, ...compared },
      passTargets: unevaluated(o.pass),
      warningTargets: unevaluated(o.warning),
    };
  }
  const measured = input.value.value;
  const pass = evaluateSets(o.pass, measured, input.baseline);
  const warning = evaluateSets(o.warning, measured, input.baseline);
  const regression = o.regression ? judgeRegression(o.regression, measured, input.samples ?? []) : undefined;
  let status: IndicatorStatus;
  let score = 0;
  if (!isScored(o)) status = 'info';
  else if (regression?.regressed) status = 'fail';
  else if (o.pass.length === 0 || pass.holds) {
    status = 'pass';
    score = o.weight;
  } else if (o.warning.length > 0 && warning.holds) {
    status = 'warning';
    score = o.weight / 2;
  } else status = 'fail';
  return {
    ...base,
    score,
    status,
    value: { metric: o.sli, value: measured, success: true, ...compared },
    passTargets: pass.targets,
    warningTargets: warning.targets,
    ...(regression ? { regression } : {}),
  };
}

/** Any set holds when all its criteria hold; every set is evaluated, for the report's targets. */
function evaluateSets(
  sets: CriteriaSets,
  measured: number,
  baseline: number | undefined,
): { holds: boolean; targets: SliTarget[] } {
  let holds = false;
  const targets: SliTarget[] = [];
  for (const set of sets) {
    const outcomes = set.map((c) => evaluateCriterion(c, measured, baseline));
    if (outcomes.every((x) => !x.violated)) holds = true;
    targets.push(...outcomes.map(toTarget));
  }
  return { holds, targets };
}

function toTarget(x: CriterionOutcome): SliTarget {
  const t: SliTarget = { criteria: x.criterion.text, violated: x.violated };
  if (x.target !== undefined) t.targetValue = x.target;
  if (x.noBaseline) t.noBaseline = true;
  return t;
}

/** Without a value, every criterion counts as violated (Keptn reports them so). */
function unevaluated(sets: CriteriaSets): SliTarget[] {
  return sets.flatMap((set) =>
    set.map((c) => ({ criteria: c.text, violated: true, ...(c.relative ? {} : { targetValue: c.value }) })),
  );
}

/** A score or value for people: at most two decimals (4 significant digits below 0.01). */
export function fmt(n: number): string {
  if (Number.isInteger(n) || !Number.isFinite(n)) return String(n);
  // Seconds per op (2.2e-9) would round to 0: small numbers keep 4 significant digits.
  if (Math.abs(n) < 0.01) return String(Number(n.toPrecision(4)));
  return String(Math.round(n * 100) / 100);
}
