// The gate's result as data, pushed with the metrics so dashboards and the next run's
// history (include_result_with_score) see it:
//   <prefix><integration>_slo_score   0–100, the total score
//   <prefix><integration>_slo_result  1 pass, 0.5 warning, 0 fail (the points an objective
//                                     scores per unit of weight, so `>= 0.5` is pass_or_warn)

import type { Series } from '../store/series.js';
import { fullMetricName } from '../store/metric-name.js';
import type { Evaluation, GateResult } from './evaluate.js';

export const RESULT_VALUE: Readonly<Record<GateResult, number>> = { pass: 1, warning: 0.5, fail: 0 };

export interface NamingContext {
  prefix: string;
  integration: string;
}

export function scoreName(ctx: NamingContext): string {
  return fullMetricName(ctx.prefix, ctx.integration, 'slo_score');
}

export function resultName(ctx: NamingContext): string {
  return fullMetricName(ctx.prefix, ctx.integration, 'slo_result');
}

export function resultSeries(
  evaluation: Evaluation,
  ctx: NamingContext,
  labels: Readonly<Record<string, string>>,
): Series[] {
  return [
    { name: scoreName(ctx), labels: { ...labels }, value: Math.round(evaluation.score * 100) / 100, type: 'gauge' },
    { name: resultName(ctx), labels: { ...labels }, value: RESULT_VALUE[evaluation.result], type: 'gauge' },
  ];
}

/** A stored `_slo_result` value back to the result it encodes; undefined for anything else. */
export function resultFromValue(v: number): GateResult | undefined {
  if (v === 1) return 'pass';
  if (v === 0.5) return 'warning';
  if (v === 0) return 'fail';
  return undefined;
}
