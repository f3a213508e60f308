// A Keptn SLO file (spec_version "1.0", keptn/spec service_level_objective.md), already parsed
// from YAML, checked and turned into an SloSpec. Pure: every problem is a message that names
// the file, the objective and the field, so a malformed file is a usage error at the start.

import { AGGREGATE_FUNCTIONS, type AggregateFunction } from './aggregate-function.js';
import { parseCriterion, type Criterion } from './criteria.js';
import { checkRegression, type Regression } from './regression.js';

export type CompareWith = 'single_result' | 'several_results';
export type IncludeResults = 'pass' | 'pass_or_warn' | 'all';

export interface SloComparison {
  compareWith: CompareWith;
  /** How many earlier results several_results compares with (single_result: always 1). */
  numberOfComparisonResults: number;
  /** Which earlier results count, by the gate result they had. */
  includeResultWithScore: IncludeResults;
  aggregateFunction: AggregateFunction;
}

/** Criteria within one set must all hold; one set holding is enough (Keptn's AND within, OR across). */
export type CriteriaSets = readonly (readonly Criterion[])[];

export interface SloObjective {
  sli: string;
  displayName?: string;
  /** Empty: the objective is informative only (reported, not scored). */
  pass: CriteriaSets;
  warning: CriteriaSets;
  weight: number;
  keySli: boolean;
  /** `regression:` (lib/gate/regression.ts): worse than the earlier results beyond their noise fails the objective. */
  regression?: Regression;
}

export interface SloSpec {
  /** The file's path, for messages. */
  file: string;
  comparison: SloComparison;
  objectives: readonly SloObjective[];
  /** Percentages 0–100; the achieved score must be >= these. */
  totalScore: { pass: number; warning?: number };
  /** `filter:` key-value pairs, usable as `$key` in SLI selectors. */
  filter: Readonly<Record<string, string>>;
  /** True when any criterion is relative or any objective has `regression:`: only then are earlier results read. */
  needsBaseline: boolean;
}

export type Checked<T> = { value: T; warnings: string[] } | { errors: string[] };

/** The most objectives one SLO file may hold: 100,000 took 1.6 GB and wrote a 61 MB report. */
export const MAX_OBJECTIVES = 1000;

const TOP_LEVEL = new Set(['spec_version', 'filter', 'comparison', 'objectives', 'total_score']);
const OBJECTIVE_KEYS = new Set(['sli', 'displayName', 'pass', 'warning', 'weight', 'key_sli', 'regression']);
const COMPARISON_KEYS = new Set([
  'compare_with',
  'number_of_comparison_results',
  'include_result_with_score',
  'aggregate_function',
]);

/** ` (did you mean weight?)` when `key` is one or two edits from a known field: a typo must not pass silently. */
export function didYouMean(key: string, known: Iterable<string>): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

/** Levenshtein distance with transpositions counted as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2 || a.length > 64 || b.length > 64) return 99;
  // Row 0 counts insertions (j), column 0 deletions (i); the rest is filled below.
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : 0)),
  );
  for (let i = 1; i <= a.length; i++) d[i]![0] = i;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `90%`, `"90"` or 90 → 90. */
function percentage(v: unknown): number | undefined {
  let text: string | undefined;
  if (typeof v === 'number') text = String(v);
  else if (typeof v === 'string') text = v.trim().replace(/%$/, '').trim();
  if (text === undefined || !/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(text)) return undefined;
  return Number(text);
}

export function checkSloDocument(doc: unknown, file: string): Checked<SloSpec> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const err = (where: string, msg: string): void => void errors.push(`${file}: ${where}: ${msg}`);
  if (!isRecord(doc))
    return { errors: [`${file}: not an SLO file: expected a mapping with spec_version, objectives and total_score`] };
  for (const key of Object.keys(doc))
    if (!TOP_LEVEL.has(key))
      warnings.push(`${file}: ${key}: not a field of an SLO file${didYouMean(key, TOP_LEVEL)}; ignored`);

  const version = doc.spec_version;
  if (version === undefined) err('spec_version', 'missing (Keptn SLO files have spec_version: "1.0")');
  else if (typeof version !== 'string' && typeof version !== 'number')
    err('spec_version', 'must be a string such as "1.0"');
  else if (String(version) !== '1.0' && String(version) !== '1')
    warnings.push(`${file}: spec_version: "${String(version)}" read as "1.0"`);

  const filter: Record<string, string> = {};
  if (doc.filter !== undefined && doc.filter !== null) {
    if (!isRecord(doc.filter)) err('filter', 'must be a mapping of names to strings');
    else
      for (const [k, v] of Object.entries(doc.filter)) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') filter[k] = String(v);
        else err(`filter.${k}`, 'must be a string');
      }
  }

  const comparison = checkComparison(doc.comparison, (where, msg) => err(`comparison${where}`, msg), warnings, file);

  const objectives: SloObjective[] = [];
  if (!Array.isArray(doc.objectives))
    err(
      'objectives',
      doc.objectives === undefined ? 'missing: a list of objectives (- sli: NAME, pass: …)' : 'must be a list',
    );
  else if (doc.objectives.length === 0)
    err('objectives', 'empty: a gate needs at least one objective (Keptn fails such an evaluation)');
  else if (doc.objectives.length > MAX_OBJECTIVES)
    err(
      'objectives',
      `${doc.objectives.length} objectives, more than the ${MAX_OBJECTIVES} a gate evaluates (its table, summary and report grow with each)`,
    );
  else
    doc.objectives.forEach((o: unknown, i: number) => {
      const checked = checkObjective(o, i, file, errors, warnings);
      if (checked) objectives.push(checked);
    });
  const seen = new Set<string>();
  for (const o of objectives) {
    if (seen.has(o.sli)) warnings.push(`${file}: objectives: sli "${o.sli}" appears more than once; each is evaluated`);
    seen.add(o.sli);
  }

  const totalScore = checkTotalScore(doc.total_score, err, warnings, file);

  if (errors.length > 0) return { errors };
  const needsBaseline = objectives.some(
    (o) =>
      o.regression !== undefined || [...o.pass, ...o.warning].some((set) => set.some((c) => c.relative !== undefined)),
  );
  return { value: { file, comparison, objectives, totalScore, filter, needsBaseline }, warnings };
}

/** `total_score:` pass and warning percentages; Keptn's 90 and 75 when it cannot be read. */
function checkTotalScore(
  raw: unknown,
  err: (where: string, msg: string) => void,
  warnings: string[],
  file: string,
): SloSpec['totalScore'] {
  let totalScore: SloSpec['totalScore'] = { pass: 90, warning: 75 };
  if (!isRecord(raw))
    err(
      'total_score',
      raw === undefined
        ? 'missing: total_score: {pass: "90%", warning: "75%"}'
        : 'must be a mapping with pass and warning',
    );
  else {
    const pass = percentage(raw.pass);
    if (pass === undefined)
      err('total_score.pass', `needs a percentage such as "90%", got ${JSON.stringify(raw.pass) ?? 'nothing'}`);
    const rawWarning = raw.warning;
    const warning =
      rawWarning === undefined || rawWarning === null || rawWarning === '' ? undefined : percentage(rawWarning);
    if (warning === undefined && rawWarning !== undefined && rawWarning !== null && rawWarning !== '')
      err('total_score.warning', `needs a percentage such as "75%", got ${JSON.stringify(rawWarning)}`);
    if (pass !== undefined) totalScore = warning === undefined ? { pass } : { pass, warning };
    for (const key of Object.keys(raw))
      if (key !== 'pass' && key !== 'warning')
        warnings.push(`${file}: total_score.${key}: not a field${didYouMean(key, ['pass', 'warning'])}; ignored`);
  }
  return totalScore;
}

function checkComparison(
  raw: unknown,
  err: (where: string, msg: string) => void,
  warnings: string[],
  file: string,
): SloComparison {
  const out: SloComparison = {
    compareWith: 'single_result',
    numberOfComparisonResults: 1,
    includeResultWithScore: 'all',
    aggregateFunction: 'avg',
  };
  if (raw === undefined || raw === null) return out;
  if (!isRecord(raw)) {
    err(
      '',
      'must be a mapping (compare_with, number_of_comparison_results, include_result_with_score, aggregate_function)',
    );
    return out;
  }
  for (const key of Object.keys(raw))
    if (!COMPARISON_KEYS.has(key))
      warnings.push(`${file}: comparison.${key}: not a field${didYouMean(key, COMPARISON_KEYS)}; ignored`);
  const oneOf = <T extends string>(field: string, allowed: readonly T[], fallback: T): T => {
    const v = raw[field];
    if (v === undefined || v === null || v === '') return fallback;
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v.toLowerCase())) return v.toLowerCase() as T;
    err(`.${field}`, `takes ${allowed.join(', ')}, got ${JSON.stringify(v)}`);
    return fallback;
  };
  out.compareWith = oneOf('compare_with', ['single_result', 'several_results'], out.compareWith);
  out.includeResultWithScore = oneOf(
    'include_result_with_score',
    ['pass', 'pass_or_warn', 'all'],
    out.includeResultWithScore,
  );
  out.aggregateFunction = oneOf('aggregate_function', AGGREGATE_FUNCTIONS, out.aggregateFunction);
  const n = raw.number_of_comparison_results;
  if (n !== undefined && n !== null) {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100)
      err('.number_of_comparison_results', `needs a whole number from 1 to 100, got ${JSON.stringify(n)}`);
    else out.numberOfComparisonResults = n;
  }
  // Keptn's note: single_result overrides number_of_comparison_results.
  if (out.compareWith === 'single_result') out.numberOfComparisonResults = 1;
  return out;
}

function checkObjective(
  o: unknown,
  i: number,
  file: string,
  errors: string[],
  warnings: string[],
): SloObjective | undefined {
  const at = `objectives[${i}]`;
  if (!isRecord(o)) {
    errors.push(`${file}: ${at}: must be a mapping with sli and pass`);
    return undefined;
  }
  const sli = typeof o.sli === 'string' ? o.sli.trim() : '';
  const where = sli ? `${at} (sli ${sli})` : at;
  const before = errors.length;
  const err = (field: string, msg: string): void => void errors.push(`${file}: ${where}: ${field}: ${msg}`);
  if (!sli)
    err(
      'sli',
      o.sli === undefined ? 'missing: the name of the SLI this objective is about' : 'must be a non-empty string',
    );
  for (const key of Object.keys(o))
    if (!OBJECTIVE_KEYS.has(key))
      warnings.push(
        `${file}: ${where}: ${key}: not a field of an objective${didYouMean(key, OBJECTIVE_KEYS)}; ignored`,
      );

  let weight = 1;
  if (o.weight !== undefined && o.weight !== null) {
    if (typeof o.weight !== 'number' || !Number.isInteger(o.weight) || o.weight < 1)
      err('weight', `needs a whole number of 1 or more, got ${JSON.stringify(o.weight)}`);
    else weight = o.weight;
  }
  let keySli = false;
  if (o.key_sli !== undefined && o.key_sli !== null) {
    if (typeof o.key_sli !== 'boolean') err('key_sli', `needs true or false, got ${JSON.stringify(o.key_sli)}`);
    else keySli = o.key_sli;
  }
  const displayName =
    typeof o.displayName === 'string' && o.displayName.trim() !== '' ? o.displayName.trim() : undefined;
  const pass = checkCriteriaSets(o.pass, 'pass', err);
  const warning = checkCriteriaSets(o.warning, 'warning', err);
  if (pass.length === 0 && warning.length > 0 && o.regression === undefined)
    warnings.push(
      `${file}: ${where}: warning criteria without pass criteria: the objective is informative only (as in Keptn)`,
    );
  const regression =
    o.regression === undefined || o.regression === null
      ? undefined
      : checkRegression(o.regression, err, (field, msg) => warnings.push(`${file}: ${where}: ${field}: ${msg}`));
  if (errors.length > before) return undefined;
  return {
    sli,
    ...(displayName ? { displayName } : {}),
    pass,
    warning,
    weight,
    keySli,
    ...(regression ? { regression } : {}),
  };
}

/** `pass:`/`warning:` — a list of `{criteria: [..]}`; a criterion string may hold several, comma-separated (all must hold). */
function checkCriteriaSets(raw: unknown, field: string, err: (field: string, msg: string) => void): Criterion[][] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    err(field, 'must be a list of {criteria: ["<=250", …]}');
    return [];
  }
  const sets: Criterion[][] = [];
  raw.forEach((entry: unknown, i: number) => {
    const list = isRecord(entry) ? entry.criteria : undefined;
    if (!Array.isArray(list) || list.length === 0) {
      err(`${field}[${i}]`, 'must be {criteria: ["<=250", …]} with at least one criterion');
      return;
    }
    const set: Criterion[] = [];
    list.forEach((text: unknown, j: number) => {
      if (typeof text !== 'string' && typeof text !== 'number') {
        err(`${field}[${i}].criteria[${j}]`, `must be a string such as "<=250", got ${JSON.stringify(text)}`);
        return;
      }
      for (const part of String(text)
        .split(',')
        .map((s) => s.trim())) {
        const c = parseCriterion(part);
        if ('error' in c) err(`${field}[${i}].criteria[${j}]`, c.error);
        else set.push(c);
      }
    });
    sets.push(set);
  });
  return sets;
}
