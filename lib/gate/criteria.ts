// One criterion of a Keptn SLO objective: `<=250`, `<500`, `>=0.8`, `=0` (absolute) or
// `<=+10%`, `<+50`, `>=-5%` (relative to the comparison value of earlier results). The
// grammar and the target arithmetic follow Keptn's SLO specification (keptn/spec,
// service_level_objective.md) and its lighthouse-service, which decided them in practice:
// spaces are ignored; a `%` suffix or a leading sign makes a criterion relative; `+N%`
// means baseline × (100 + N) / 100, `-N%` baseline × (100 − N) / 100, `+N` baseline + N,
// `-N` baseline − N; `N%` without a sign counts as `+N%`.

export type Operator = '<' | '<=' | '=' | '>=' | '>';

export interface Criterion {
  /** As written in the file, for reports. */
  text: string;
  op: Operator;
  /** The number after the operator (and sign), never negative for a relative criterion. */
  value: number;
  /** Absent for an absolute criterion. */
  relative?: { percent: boolean; increase: boolean };
}

// Longest operators first, so `<=` is not read as `<` followed by `=…`.
const OPERATORS: readonly Operator[] = ['<=', '>=', '<', '>', '='];
// Plain decimals only, as the criteria of Keptn's SLO examples are written.
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A criterion, or a message saying what is wrong with it (for the file's error, which names the objective). */
export function parseCriterion(text: string): Criterion | { error: string } {
  // Spaces around the operator and the sign, never inside the number: `<= 5 5` is not 55.
  let rest = text.trim();
  const op = OPERATORS.find((o) => rest.startsWith(o));
  if (op === undefined) return { error: `"${text}" does not start with one of <, <=, =, >=, >` };
  rest = rest.slice(op.length).trimStart();
  if (/^[<>=!]/.test(rest)) return { error: `"${text}": ${op}${rest[0]} is not an operator (one of <, <=, =, >=, >)` };
  let percent = false;
  let sign: '+' | '-' | undefined;
  if (rest.endsWith('%')) {
    percent = true;
    rest = rest.slice(0, -1).trimEnd();
  }
  if (rest.startsWith('+') || rest.startsWith('-')) {
    sign = rest[0] as '+' | '-';
    rest = rest.slice(1).trimStart();
  }
  if (/^(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d+$/.test(rest) && Number.isFinite(Number(rest)))
    return {
      error: `"${text}": write the number without an exponent (${Number(rest)
        .toFixed(20)
        .replace(/\.?0+$/, '')} for ${rest})`,
    };
  if (!NUMBER.test(rest))
    return { error: `"${text}": after the operator comes a number, optionally signed (+10, -5) and/or with % (+10%)` };
  const value = Number(rest);
  if (!Number.isFinite(value))
    return { error: `"${text}": ${rest.length > 24 ? `${rest.slice(0, 24)}…` : rest} is too large for a number` };
  if (!percent && sign === undefined) return { text, op, value };
  return { text, op, value, relative: { percent, increase: sign !== '-' } };
}

/** The value a criterion compares against: its number, or the number applied to the baseline. */
export function targetValue(c: Criterion, baseline: number): number {
  if (!c.relative) return c.value;
  const { percent, increase } = c.relative;
  if (percent) return (baseline * (100 + (increase ? c.value : -c.value))) / 100;
  return increase ? baseline + c.value : baseline - c.value;
}

export function compare(measured: number, op: Operator, target: number): boolean {
  switch (op) {
    case '<':
      return measured < target;
    case '<=':
      return measured <= target;
    case '=':
      return measured === target;
    case '>=':
      return measured >= target;
    case '>':
      return measured > target;
  }
}

export interface CriterionOutcome {
  criterion: Criterion;
  /** What the value was compared with; absent for a relative criterion without a baseline. */
  target?: number;
  violated: boolean;
  /** A relative criterion with no earlier result: it holds, as on Keptn's first evaluation. */
  noBaseline: boolean;
}

/** Evaluates one criterion; `baseline` is the aggregated comparison value, if there is one. */
export function evaluateCriterion(c: Criterion, measured: number, baseline: number | undefined): CriterionOutcome {
  if (c.relative && baseline === undefined) return { criterion: c, violated: false, noBaseline: true };
  const target = targetValue(c, baseline ?? 0);
  return { criterion: c, target, violated: !compare(measured, c.op, target), noBaseline: false };
}
