// An objective's `regression:` block (our extension of Keptn's SLO file; Keptn's keys keep
// their meaning): is this run's value worse than the earlier results, beyond their noise?
//
//   regression:
//     better: lower        # lower | higher
//     test: t_test         # t_test | z_score | iqr | percentage
//     confidence: 0.99     # t_test, z_score: one-sided, toward "worse"
//     multiplier: 1.5      # iqr
//     percent: 10          # percentage
//     min_samples: 5       # fewer earlier results: not judged (said), never failed
//     max_samples: 30      # the newest N earlier results
//
// With x̄ the baseline's mean, s its sample standard deviation (n − 1) and n its size, the bound
// on the "worse" side (upper when lower is better; mirrored when higher is better) is:
//   t_test      x̄ + t(c; n−1) · s · √(1 + 1/n)   the prediction interval of one new observation
//   z_score     x̄ + z(c) · s
//   iqr         Q3 + k · (Q3 − Q1)                quartiles by linear interpolation (R type 7)
//   percentage  x̄ · (1 + p/100)
// A value beyond the bound is a regression. Checking is pure (for slo-file.ts); judging too.

import { mean, normalQuantile, quantile, sampleSd, studentTQuantile } from './stats.js';

export type RegressionTest = 't_test' | 'z_score' | 'iqr' | 'percentage';
export const REGRESSION_TESTS: readonly RegressionTest[] = ['t_test', 'z_score', 'iqr', 'percentage'];

export interface Regression {
  better: 'lower' | 'higher';
  test: RegressionTest;
  /** t_test and z_score. */
  confidence: number;
  /** iqr. */
  multiplier: number;
  /** percentage. */
  percent: number;
  minSamples: number;
  maxSamples: number;
}

/** The most earlier results a test reads (a bound on the work and the report). */
export const MAX_SAMPLES_LIMIT = 1000;

const KEYS = new Set(['better', 'test', 'confidence', 'multiplier', 'percent', 'min_samples', 'max_samples']);

/** What a regression test reads when `regression:` leaves a field out. */
const REGRESSION_DEFAULTS: Readonly<Regression> = {
  better: 'lower',
  test: 't_test',
  confidence: 0.99,
  multiplier: 1.5,
  percent: 10,
  minSamples: 5,
  maxSamples: 30,
};

/** A field given that the chosen test does not read: said, and ignored. */
function warnUnread(
  test: RegressionTest,
  r: Record<string, unknown>,
  warn: (field: string, msg: string) => void,
): void {
  if (test !== 'iqr' && r.multiplier !== undefined)
    warn('regression.multiplier', `only the iqr test reads it (test: ${test}); ignored`);
  if (test !== 'percentage' && r.percent !== undefined)
    warn('regression.percent', `only the percentage test reads it (test: ${test}); ignored`);
  if ((test === 'iqr' || test === 'percentage') && r.confidence !== undefined)
    warn('regression.confidence', `only t_test and z_score read it (test: ${test}); ignored`);
}

/** `regression:` as parsed from YAML → a Regression; each problem a message naming the field. */
export function checkRegression(
  raw: unknown,
  err: (field: string, msg: string) => void,
  warn: (field: string, msg: string) => void,
): Regression | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    err('regression', 'must be a mapping (better, test, confidence, multiplier, percent, min_samples, max_samples)');
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r))
    if (!KEYS.has(key)) warn(`regression.${key}`, `not a field of regression (${[...KEYS].join(', ')}); ignored`);
  const out: Regression = { ...REGRESSION_DEFAULTS };
  let ok = true;
  const bad = (field: string, msg: string): void => {
    ok = false;
    err(`regression.${field}`, msg);
  };
  if (r.better !== undefined) {
    if (r.better === 'lower' || r.better === 'higher') out.better = r.better;
    else bad('better', `takes lower or higher, got ${JSON.stringify(r.better)}`);
  }
  if (r.test !== undefined) {
    if (typeof r.test === 'string' && (REGRESSION_TESTS as readonly string[]).includes(r.test))
      out.test = r.test as RegressionTest;
    else bad('test', `takes ${REGRESSION_TESTS.join(', ')}, got ${JSON.stringify(r.test)}`);
  }
  const num = (field: string, ok: (n: number) => boolean, what: string): number | undefined => {
    const v = r[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isFinite(v) && ok(v)) return v;
    bad(field, `needs ${what}, got ${JSON.stringify(v)}`);
    return undefined;
  };
  out.confidence =
    num('confidence', (n) => n >= 0.5 && n < 1, 'a probability from 0.5 to below 1 such as 0.99') ?? out.confidence;
  out.multiplier = num('multiplier', (n) => n >= 0, 'a number of 0 or more such as 1.5') ?? out.multiplier;
  out.percent = num('percent', (n) => n >= 0, 'a percentage of 0 or more such as 10') ?? out.percent;
  const least = out.test === 'percentage' ? 1 : 2;
  out.minSamples =
    num(
      'min_samples',
      (n) => Number.isInteger(n) && n >= least,
      `a whole number of ${least} or more for ${out.test}`,
    ) ?? Math.max(least, out.minSamples);
  out.maxSamples =
    num(
      'max_samples',
      (n) => Number.isInteger(n) && n >= 1 && n <= MAX_SAMPLES_LIMIT,
      `a whole number from 1 to ${MAX_SAMPLES_LIMIT}`,
    ) ?? out.maxSamples;
  if (out.maxSamples < out.minSamples)
    bad('max_samples', `(${out.maxSamples}) is below min_samples (${out.minSamples}): no run could ever be judged`);
  warnUnread(out.test, r, warn);
  return ok ? out : undefined;
}

/** What a test drew from the earlier results and what it said of this run's value. */
export interface RegressionOutcome {
  test: RegressionTest;
  better: 'lower' | 'higher';
  /** How many earlier results were used (newest first, at most max_samples). */
  n: number;
  mean?: number;
  sd?: number;
  /** The limit on the worse side; absent when not judged. */
  bound?: number;
  /** True: a regression (the objective fails). */
  regressed: boolean;
  /** Not judged: too few earlier results (n < min_samples), said, never failed. */
  notJudged?: string;
}

/** `baseline`: the earlier results, newest first (NaN and ±Inf already left out). */
export function judgeRegression(r: Regression, value: number, baseline: readonly number[]): RegressionOutcome {
  const sample = baseline.slice(0, r.maxSamples);
  const n = sample.length;
  const base = { test: r.test, better: r.better, n };
  if (n < r.minSamples || n === 0)
    return {
      ...base,
      regressed: false,
      notJudged: `${n} earlier result${n === 1 ? '' : 's'}, min_samples is ${r.minSamples}`,
    };
  const m = mean(sample);
  const s = sampleSd(sample);
  const sign = r.better === 'lower' ? 1 : -1;
  let bound: number;
  switch (r.test) {
    case 't_test':
      bound = m + sign * studentTQuantile(r.confidence, n - 1) * s * Math.sqrt(1 + 1 / n);
      break;
    case 'z_score':
      bound = m + sign * normalQuantile(r.confidence) * s;
      break;
    case 'iqr': {
      const q1 = quantile(sample, 0.25);
      const q3 = quantile(sample, 0.75);
      bound = r.better === 'lower' ? q3 + r.multiplier * (q3 - q1) : q1 - r.multiplier * (q3 - q1);
      break;
    }
    case 'percentage':
      bound = m * (1 + (sign * r.percent) / 100);
      break;
  }
  const regressed = r.better === 'lower' ? value > bound : value < bound;
  return { ...base, mean: m, sd: s, bound, regressed };
}

/** "t_test 99%", "iqr 1.5", … for tables. */
export function describeTest(r: Regression): string {
  switch (r.test) {
    case 't_test':
    case 'z_score':
      return `${r.test} ${Math.round(r.confidence * 1000) / 10}%`;
    case 'iqr':
      return `iqr ${r.multiplier}`;
    case 'percentage':
      return `percentage ${r.percent}%`;
  }
}
