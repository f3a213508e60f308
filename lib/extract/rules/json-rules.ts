// JSON document rules, at end of input: a JSONPath (jsonpath-plus, its safe evaluator) over each
// document found (lib/extract/rules/documents.ts); each match gives a value (`value:` a field of it, or
// the match itself), or several (`fields:`); `label_fields:` take labels from the match's fields;
// `aggregate:` folds all matches (of all documents) into one series per name and label set.
// Field paths are relative: `a.b` walks keys, and a key that itself holds dots is found too
// (fio's `percentile.99.000000` is percentile → "99.000000"); a list (`[percentile, 99.000000]`)
// says it exactly. Bounded: at most MAX_MATCHES matches per rule are looked at; the rest are cut
// and said so. --json-path rules keep the 0.1 behaviour: several matches get an `index` label.

import { excerpt, parseNumber } from '../parsers/number.js';
import { setInputLabel, setLabel } from '../../store/labels.js';
import { seriesKey } from '../../store/series.js';
import { Aggregator } from './aggregate.js';
import { findJsonDocuments, hasKeys, loadJsonPath, requiredKeysOf } from './documents.js';
import { MATCH_BUDGET_MS, runWithinBudget } from './safe-regex.js';
import type { FieldPath, JsonRule, XmlRule } from './model.js';
import type { RuleSample } from './rule-sample.js';
import { isUnitName, parseWithUnit, withUnitSuffix, type NumberStyle } from './units.js';

export const MAX_MATCHES = 100_000;
/**
 * A filter's time on one document. Longer than a batch of lines gets (a filter sees the whole
 * document at once), short enough that a SIGTERM still ends the run within a second.
 */
export const FILTER_BUDGET_MS = 4 * MATCH_BUDGET_MS;

class TooManyMatches extends Error {}

export interface DocumentResult {
  samples: RuleSample[];
  problems: string[];
  /**
   * Said by default even for a preset's rules (whose problems are --verbose): a number that was
   * there but could not be read (1e400), a cut that changes a count.
   */
  warnings?: string[];
  /** Results not sent because a cut made them inexact: no `default:` may stand in for them either. */
  withheld?: RuleSample[];
  /** False when the input held no document of the rules' kind: their defaults are not sent. */
  read?: boolean;
  /** Rules that could not be evaluated (a filter over its time budget, an XML document not well-formed): no `default:` stands in for them. */
  failed?: Array<JsonRule | XmlRule>;
}

/** A value read as a number that does not fit one (JSON.parse makes 1e400 Infinity). */
const OUT_OF_RANGE = 'out of range';

type JsonPathFn = typeof import('jsonpath-plus').JSONPath;

/** What the rules gave so far, shared by the per-rule steps below. */
interface Collected {
  samples: RuleSample[];
  problems: string[];
  warnings: string[];
  withheld: RuleSample[];
  failedRules: JsonRule[];
}

/** One rule's state over the documents. */
interface RuleRun {
  rule: JsonRule;
  JSONPath: JsonPathFn;
  several: boolean;
  eachLine: boolean;
  agg: Aggregator<RuleSample> | undefined;
  matched: number;
  cut: boolean;
}

export async function evaluateJsonRules(
  text: string,
  rules: readonly JsonRule[],
  maxSeries: number,
): Promise<DocumentResult> {
  const collected: Collected = { samples: [], problems: [], warnings: [], withheld: [], failedRules: [] };
  const { samples, problems, warnings, withheld } = collected;
  if (rules.length === 0) return { samples, problems, warnings, withheld };
  const found = findJsonDocuments(text);
  if (found.documents.length === 0 && found.cut === true) {
    // A document that started and was cut short: said by default (presets too), nothing sent, no default.
    warnings.push(
      `${rules[0]?.origin}: the JSON document was cut short (${found.reason}); nothing is sent from ${ruleList(rules)}`,
    );
    return { samples, problems, warnings, read: false };
  }
  if (found.documents.length === 0) {
    problems.push(
      `${rules[0]?.origin}: the input is not one JSON document (${found.reason ?? 'empty'}); nothing extracted for ${rules.map((r) => r.id).join(', ')}`,
    );
    return { samples, problems, read: false };
  }
  let JSONPath: JsonPathFn;
  try {
    // Loaded only when a JSON rule is given: startup does not pay for it.
    ({ JSONPath } = await loadJsonPath());
  } catch (err) {
    problems.push(
      `${rules[0]?.origin}: cannot load jsonpath-plus: ${err instanceof Error ? err.message : String(err)}`,
    );
    return { samples, problems };
  }

  for (const rule of rules) evaluateRule(rule, found, JSONPath, maxSeries, collected);
  return { samples, problems, warnings, withheld, failed: collected.failedRules };
}

/** One rule over the documents: its matches, then the cut and what is sent of its aggregate. */
function evaluateRule(
  rule: JsonRule,
  found: ReturnType<typeof findJsonDocuments>,
  JSONPath: JsonPathFn,
  maxSeries: number,
  collected: Collected,
): void {
  const run: RuleRun = {
    rule,
    JSONPath,
    several: !JSONPath.toPathArray(rule.path).every(isDefiniteSegment),
    // JSON lines (go test -json): a filter right at the root, `$[?(@.Action=='pass' && @.Test)]`,
    // tests each line's object itself, as if the lines were one array (docs/reference/rule-files.md).
    eachLine: found.lines === true && /^\$\[\?/.test(rule.path),
    agg: rule.aggregate ? new Aggregator<RuleSample>(rule.aggregate, maxSeries) : undefined,
    matched: 0,
    cut: false,
  };
  const required = requiredKeysOf(rule.path, JSONPath.toPathArray(rule.path), run.eachLine);
  for (const document of found.documents) {
    // A document without the keys the path needs cannot match: JSONPath is not asked (with many
    // presets' rules over a log's JSON lines, that call is most of the time).
    if (!hasKeys(document, required)) continue;
    const matches = matchDocument(run, document, collected);
    if (matches === undefined) return;
    collectMatches(run, matches, collected);
    run.matched += matches.length;
    if (run.cut) break;
  }
  reportRule(run, maxSeries, collected);
}

/** One document's matches of a rule; undefined when the rule failed on it (said, and nothing from the rule). */
function matchDocument(run: RuleRun, document: unknown, collected: Collected): unknown[] | undefined {
  const { rule, JSONPath } = run;
  const matches: unknown[] = [];
  try {
    const evaluate = (): void => {
      JSONPath({
        path: rule.path,
        json: (run.eachLine ? [document] : document) as object,
        wrap: true,
        eval: 'safe',
        callback: (value: unknown, _type: unknown, payload: { path: string }) => {
          if (run.matched + matches.length >= MAX_MATCHES) throw new TooManyMatches();
          if (rule.keyLabels === undefined) matches.push(value);
          else {
            const keys = keyLabelsOf(rule, JSONPath.toPathArray(payload.path));
            if (keys !== undefined) matches.push({ [KEYS]: keys, value });
          }
        },
      });
    };
    // A filter that can run a regex (`.match(/…/)`, `.test(…)`, a /literal/) runs under a time
    // budget like every user regex (lib/extract/rules/safe-regex.ts), so that a backtracking one cannot
    // hold the run (or a SIGTERM) for minutes. Comparisons (`@.Severity=='HIGH'`) are linear in
    // the document and run unbounded: a 150,000-element report must not be cut by the clock.
    if (!MAY_RUN_A_REGEX.test(rule.path)) evaluate();
    else if (!runWithinBudget(evaluate, FILTER_BUDGET_MS)) {
      collected.warnings.push(
        `${rule.origin}: ${rule.id}=${rule.path}: the filter took too long (over ${FILTER_BUDGET_MS / 1000} s); nothing from this rule`,
      );
      collected.failedRules.push(rule);
      return undefined;
    }
  } catch (err) {
    if (err instanceof TooManyMatches) run.cut = true;
    else {
      collected.problems.push(`${rule.origin}: ${rule.id}=${rule.path}: ${evaluationError(err)}`);
      return undefined;
    }
  }
  return matches;
}

/** What a JSONPath evaluation that threw says. */
function evaluationError(err: unknown): string {
  if (err instanceof RangeError) return 'the document is nested too deeply';
  return err instanceof Error ? err.message : String(err);
}

/** One document's matches → samples (or the aggregate), problems and warnings. */
function collectMatches(run: RuleRun, matches: readonly unknown[], collected: Collected): void {
  const { rule, several, agg } = run;
  matches.forEach((found, i) => {
    const index = run.matched + i;
    const where = several ? `${rule.path} (match ${index})` : rule.path;
    const keyed = rule.keyLabels !== undefined ? (found as Keyed) : undefined;
    const match = keyed !== undefined ? keyed.value : found;
    for (const got of valuesOf(
      rule,
      match,
      where,
      several && rule.indexLabels && !agg ? index : undefined,
      keyed?.[KEYS],
    )) {
      if (typeof got === 'string')
        (got.includes(`(${OUT_OF_RANGE})`) ? collected.warnings : collected.problems).push(got);
      else if (agg) {
        if (!agg.add(seriesKey(got.name, got.labels), got.value, got)) run.cut = true;
      } else collected.samples.push(got);
    }
  });
}

/** After the documents: the cut, no match at all, and the aggregate's results (withheld when inexact). */
function reportRule(run: RuleRun, maxSeries: number, collected: Collected): void {
  const { rule, cut, agg } = run;
  // First, so it is among the problems shown even when the matches gave thousands of their own.
  // Said by default: a cut changes what a count or a sum says, so those are not sent as if exact.
  const inexact = cut && (rule.aggregate === 'count' || rule.aggregate === 'sum');
  if (cut)
    collected.warnings.push(
      `${rule.origin}: ${rule.id}: more than ${MAX_MATCHES} matches of ${rule.path} (or ${maxSeries} series); the rest were cut${inexact ? `, so its ${rule.aggregate} is not sent` : ''}`,
    );
  if (run.matched === 0) collected.problems.push(`${rule.origin}: ${rule.id}: no value at ${rule.path}`);
  if (agg)
    for (const { item, value } of agg.results())
      (inexact ? collected.withheld : collected.samples).push({ ...item, value });
}

/** A filter expression that may run a regex: a /literal/ or a string method that takes one. */
const MAY_RUN_A_REGEX = /\?\(.*(?:\/|\b(?:match|matchAll|test|search|replace|replaceAll|split|exec)\s*\(|RegExp)/s;

const KEYS = Symbol('keys');
/** A match of a rule with key_label: the match and the labels from its keys. */
interface Keyed {
  [KEYS]: Readonly<Record<string, string>>;
  value: unknown;
}

/** key_label's labels from a match's path ($, key, …); undefined: a skip_keys key, or too short a path. */
function keyLabelsOf(rule: JsonRule, path: readonly (string | number)[]): Record<string, string> | undefined {
  const names = rule.keyLabels ?? [];
  const keys = path.slice(1).slice(-names.length).map(String);
  if (keys.length < names.length) return undefined;
  if (rule.skipKeys !== undefined && keys.some((k) => rule.skipKeys?.has(k))) return undefined;
  const labels: Record<string, string> = {};
  names.forEach((name, i) => setLabel(labels, name, keys[i] as string));
  return labels;
}

/** label_object: each entry of an object whose value is a string, number or boolean is a label. */
function objectLabels(labels: Record<string, string>, object: unknown): void {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return;
  for (const [k, v] of Object.entries(object))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') setInputLabel(labels, k, String(v));
}

function valuesOf(
  rule: JsonRule,
  match: unknown,
  where: string,
  index: number | undefined,
  keys?: Readonly<Record<string, string>>,
): Array<RuleSample | string> {
  const labels: Record<string, string> = { ...rule.labels, ...keys };
  for (const [label, path] of rule.labelFields) {
    const v = resolveField(match, path);
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') setLabel(labels, label, String(v));
  }
  if (rule.labelObject !== undefined) objectLabels(labels, resolveField(match, rule.labelObject));
  if (index !== undefined) labels.index = String(index);
  const targets: Array<[string, unknown]> = rule.fields
    ? [...rule.fields].map(([name, path]) => [name, resolveField(match, path)])
    : [[rule.name as string, rule.value === undefined ? match : resolveField(match, rule.value)]];
  const out: Array<RuleSample | string> = [];
  // unit_field: the unit is a field of the same match (Google Benchmark's `time_unit`), else unit:.
  let unit = rule.unit;
  let unitFrom: string | undefined;
  if (rule.unitField !== undefined) {
    const named = resolveField(match, rule.unitField);
    if (typeof named === 'string' && isUnitName(named.trim())) {
      unit = named.trim();
      unitFrom = `unit ${unit} from ${fieldText(rule.unitField)}`;
    } else if (named !== undefined && named !== null) {
      out.push(
        `${rule.origin}: ${rule.id}: unit_field ${fieldText(rule.unitField)}: ${excerpt(String(named))} is not a unit (one of: ns, us, ms, s, B, kB, MB, …) at ${where}`,
      );
      return out;
    } else if (unit === undefined) {
      out.push(`${rule.origin}: ${rule.id}: no unit at ${where} (no field ${fieldText(rule.unitField)}, and no unit:)`);
      return out;
    }
  }
  for (const [name, raw] of targets) {
    if (rule.aggregate === 'count' && raw !== undefined && raw !== null) {
      out.push({ name, value: 1, labels, rule, type: rule.type });
      continue;
    }
    const read = toNumber(raw, unit, rule);
    if (typeof read === 'string') {
      out.push(
        `${rule.origin}: ${rule.id}: ${read === '' ? 'no value' : `not a number (${read})`} at ${where}${rule.fields ? ` field ${name}` : ''}`,
      );
      continue;
    }
    const s: RuleSample = { name: withUnitSuffix(name, read.base), value: read.value, labels, rule, type: rule.type };
    if (read.base !== null) s.unit = read.base;
    if (unitFrom !== undefined) s.unitFrom = unitFrom;
    out.push(s);
  }
  return out;
}

function fieldText(path: FieldPath): string {
  return typeof path === 'string' ? path : path.join('.');
}

/** A relative field of a matched value; keys holding dots are found by trying the longest key first. */
export function resolveField(value: unknown, path: FieldPath): unknown {
  if (typeof path !== 'string') {
    let at: unknown = value;
    for (const key of path) at = child(at, key);
    return at;
  }
  return walkDotted(value, path.split('.'), 0);
}

function walkDotted(value: unknown, parts: readonly string[], from: number): unknown {
  if (from === parts.length) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  // The longest key first: `99.000000` before `99`.
  for (let to = parts.length; to > from; to--) {
    const key = parts.slice(from, to).join('.');
    const next = child(value, key);
    if (next !== undefined) {
      const got = walkDotted(next, parts, to);
      if (got !== undefined) return got;
    }
  }
  return undefined;
}

function child(value: unknown, key: string): unknown {
  if (typeof value !== 'object' || value === null) return undefined;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/** A path segment that selects exactly one place: a property or an integer index. */
function isDefiniteSegment(segment: string | number): boolean {
  if (typeof segment === 'number') return true;
  if (segment === '*' || segment === '..' || segment === '$') return segment === '$';
  if (/^-?\d+$/.test(segment)) return true;
  return !/[?():,@*]/.test(segment);
}

/** A matched JSON value → a number (in base units with a unit), or a description of it ('' for null/missing). */
function toNumber(
  value: unknown,
  unit: string | undefined,
  style: NumberStyle,
): { value: number; base: import('./units.js').BaseUnit | null } | string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return OUT_OF_RANGE;
    if (unit === undefined) return { value, base: null };
    const r = parseWithUnit(String(value), unit, style);
    return 'problem' in r ? r.problem : r;
  }
  if (typeof value === 'string') {
    if (unit !== undefined) {
      const r = parseWithUnit(value, unit, style);
      return 'problem' in r ? excerpt(value) : r;
    }
    const parsed = parseNumber(value.trim());
    if (parsed === 'out-of-range') return `${excerpt(value)} is out of range`;
    if (parsed === undefined) return excerpt(value);
    return { value: parsed, base: null };
  }
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** The rules' ids for a message, or their count when there are many (a preset holds dozens). */
function ruleList(rules: ReadonlyArray<{ id: string }>): string {
  const ids = [...new Set(rules.map((r) => r.id))];
  return ids.length > 6 ? `its ${rules.length} JSON rules` : ids.join(', ');
}
