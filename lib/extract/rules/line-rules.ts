// Line rules and context rules applied to one line. Every line rule is tried on every line and
// every match of it counts; a series met twice on one line keeps its first value there (the
// store then sees one value per line). A context rule's named groups become labels of the
// matches of the rules listed after it in its set (file), on its line and the lines that
// follow, until its next match; rules listed before it never get them. Every run (--explain too) matches through the time budget of lib/extract/rules/safe-regex.ts. At most MAX_MATCHES_PER_LINE samples
// come from one line, so a hostile line cannot build an unbounded list.

import { excerpt, parseNumber } from '../parsers/number.js';
import { setInputLabel, setLabel } from '../../store/labels.js';
import { seriesKey } from '../../store/series.js';
import type { ContextRule, LineMark, LineRule, RuleSet, ValueTarget } from './model.js';
import type { RuleSample } from './rule-sample.js';
import type { ParseOutcome } from '../parsers/sample.js';
import { compileUserRegex } from './safe-regex.js';
import {
  CONTEXT_UNIT,
  isUnitName,
  numberHint,
  parseRuleNumber,
  parseWithUnit,
  withUnitSuffix,
  type BaseUnit,
  type NumberStyle,
} from './units.js';
import { lineHasWord, requiredPrefix, requiredSuffix, requiredWords, wordOf, wordsOfRegex } from './words.js';
import type { RuleGate } from './word-gate.js';

export const MAX_MATCHES_PER_LINE = 1000;
/** The group that holds a table's columns: names in a context rule, values in a line rule (`columnLabels`). */
const COLUMNS = 'columns';

interface CompiledSet {
  /** The labels of each context rule of the set (in the set's order) from its last match. */
  contexts: Array<Readonly<Record<string, string>>>;
  /** The unit each context rule's `unit` group captured at its last match (for `unit: context`). */
  units: Array<string | undefined>;
  /** The column names each context rule's `columns` group captured at its last match (JMH's `(size)` header). */
  columns: Array<string | undefined>;
}

export interface CompiledLineRule {
  /** A line mark (`marks:`) never matches: it tells `onMark` once, and its line goes on as if it were not there. */
  rule: LineRule | ContextRule | LineMark;
  words: readonly string[] | null;
  /** Matches one line: its samples (a context rule: none), null when it did not match. */
  parse: (line: string) => ParseOutcome;
}

export class LineRules {
  readonly #rules: CompiledLineRule[] = [];
  /** rule → metric names it made (for `default:`). */
  readonly #made = new Map<LineRule, Set<string>>();
  /** Rules already warned about a label group that captured a number. */
  readonly #numberLabelSaid = new Set<LineRule>();

  /** `onMark(set)`: a line mark of `set` matched (called at most once per set, possibly inside the time budget). */
  constructor(sets: readonly RuleSet[], onMark: (set: RuleSet) => void = () => {}) {
    for (const set of sets) {
      const scope: CompiledSet = { contexts: [], units: [], columns: [] };
      for (const rule of set.rules) {
        if (rule.kind !== 'line' && rule.kind !== 'context') continue;
        const scanner = compileUserRegex(rule.regex.source, `${rule.regex.flags.replace(/[gy]/g, '')}g`);
        // A line rule sees the context rules listed before it only (README, "Rule files").
        const before = scope.contexts.length;
        if (rule.kind === 'context') {
          scope.contexts.push({});
          scope.units.push(undefined);
          scope.columns.push(undefined);
        }
        const parse =
          rule.kind === 'context'
            ? contextParser(rule, scanner, scope, before)
            : this.#lineParser(rule, scanner, scope, before);
        this.#rules.push({ rule, words: requiredWords(rule), parse });
      }
      const seen = { set: false };
      for (const mark of set.marks ?? []) {
        if (mark.kind !== 'mark') continue;
        const regex = compileUserRegex(mark.regex.source, mark.regex.flags.replace(/[gy]/g, ''));
        const words = requiredWords(mark);
        const parse = (line: string): ParseOutcome => {
          // Once the set is recognised its marks cost a property read; until then, its words
          // (literal parts of the regex) are looked for before the regex runs.
          if (!seen.set && (words === null || words.every((w) => lineHasWord(line, w))) && regex.test(line)) {
            seen.set = true;
            onMark(set);
          }
          return null;
        };
        this.#rules.push({ rule: mark, words: requiredWords(mark), parse });
      }
    }
  }

  get size(): number {
    return this.#rules.length;
  }

  /** The rules in order, for the time-budgeted matcher (lib/extract/rules/safe-regex.ts, every rule on every line). */
  get compiled(): readonly CompiledLineRule[] {
    return this.#rules;
  }

  /** What each rule needs of a line (a prefix, a suffix, or words), or null when some rule needs nothing known (then no line may be skipped). */
  gates(): RuleGate[] | null {
    const all: RuleGate[] = [];
    for (const r of this.#rules) {
      // An anchored literal prefix or suffix is the cheaper check (a few bytes at the line's start
      // or end); they and the words are things every matching line has, so any of them may gate.
      // A suffix shorter than the longest word is likelier to be on other lines too.
      const prefix = requiredPrefix(r.rule);
      const suffix = prefix === null ? requiredSuffix(r.rule) : null;
      const longest = Math.max(0, ...(r.words ?? []).map((w) => wordOf(w).text.length));
      if (prefix !== null) all.push({ prefix });
      else if (suffix !== null && suffix.length >= longest) all.push({ suffix });
      else if (r.words !== null) all.push({ words: r.words });
      else return null;
    }
    return all;
  }

  /** The store took a rule's sample: remembered for `default:`. */
  made(s: RuleSample): void {
    if (s.rule.kind !== 'line' || s.rule.default === undefined) return;
    let made = this.#made.get(s.rule);
    if (made === undefined) this.#made.set(s.rule, (made = new Set()));
    made.add(s.name);
  }

  #lineParser(rule: LineRule, scanner: RegExp, scope: CompiledSet, contexts: number): (line: string) => ParseOutcome {
    // The literal words every match of the regex holds (lib/extract/rules/words.ts): a line that reached the
    // rules through another rule's words, or the default parsers' gate, skips this regex when one is
    // missing. Not the rule's `words:` (a user's words need not be in every match).
    const needs = wordsOfRegex(rule.regex.source, rule.regex.flags) ?? [];
    return (line) => {
      for (const w of needs) if (!line.includes(w)) return null;
      scanner.lastIndex = 0;
      let match = scanner.exec(line);
      if (match === null) return null;
      const made: RuleSample[] = [];
      const seen = new Set<string>();
      let problem: string | undefined;
      let warning: string | undefined;
      for (; match !== null; match = scanner.exec(line)) {
        // An empty match would be found again at the same place: step over it, as matchAll does.
        if (match[0] === '') scanner.lastIndex++;
        let full = false;
        for (const got of this.#samplesOf(rule, match, scope, contexts)) {
          if (typeof got === 'string') {
            problem ??= got;
            continue;
          }
          if ('warning' in got) {
            warning ??= got.warning;
            continue;
          }
          const key = seriesKey(got.name, got.labels);
          if (seen.has(key)) continue;
          if (made.length === MAX_MATCHES_PER_LINE) {
            problem = `${rule.id}: more than ${MAX_MATCHES_PER_LINE} metrics on one line; the rest were left out`;
            full = true;
            break;
          }
          seen.add(key);
          made.push(got);
        }
        if (full) break;
      }
      const outcome: NonNullable<ParseOutcome> = problem === undefined ? { samples: made } : { samples: made, problem };
      if (warning !== undefined) outcome.warning = warning;
      return outcome;
    };
  }

  /** `default:` samples for the series of rules that never appeared. */
  defaults(): RuleSample[] {
    const out: RuleSample[] = [];
    {
      for (const { rule } of this.#rules) {
        if (rule.kind !== 'line' || rule.default === undefined) continue;
        const made = this.#made.get(rule);
        const targets: ValueTarget[] = rule.values ? [...rule.values.values()] : [{ labels: {} }];
        for (const target of targets) {
          const base = fixedBase(rule);
          const name = withUnitSuffix(target.name ?? (rule.name as string), base);
          if (made?.has(name)) continue;
          const s: RuleSample = {
            name,
            value: rule.default,
            labels: { ...rule.labels, ...target.labels },
            rule,
            type: rule.type,
          };
          if (base !== null) s.unit = base;
          out.push(s);
        }
      }
    }
    return out;
  }

  /** The rule's label groups → labels; a number captured by one is said once per rule (into `out`). */
  #groupLabels(
    rule: LineRule,
    groups: Readonly<Record<string, string | undefined>>,
    labels: Record<string, string>,
    ownUnit: boolean,
    out: Array<RuleSample | string | { warning: string }>,
  ): void {
    // Looked up once per match, not per group: said once per rule, then never checked again.
    let checkNumbers = !this.#numberLabelSaid.has(rule);
    for (const g of rule.groups) {
      const v = groups[g];
      if (
        g === 'name' ||
        g === 'value' ||
        g === COLUMNS ||
        v === undefined ||
        rule.values?.has(g) ||
        (ownUnit && g === 'unit')
      )
        continue;
      setLabel(labels, g, v);
      // A number in a label group is most often a value left out of values: (ctest's
      // `(?<passed>\d+)% tests passed`): said once per rule, unless label_groups: lists it.
      if (checkNumbers && rule.labelGroups?.has(g) !== true && typeof parseNumber(v.trim()) === 'number') {
        checkNumbers = false;
        this.#numberLabelSaid.add(rule);
        out.push({ warning: numberLabelText(rule, g, v) });
      }
    }
  }

  #samplesOf(
    rule: LineRule,
    match: RegExpExecArray,
    scope: CompiledSet,
    upTo: number,
  ): Array<RuleSample | string | { warning: string }> {
    const groups = match.groups ?? {};
    const baseName = rule.name ?? groups['name'];
    const labels: Record<string, string> = { ...rule.labels };
    // `unit: context`: the unit of the nearest context rule above it that captured one.
    let contextUnit = applyContexts(labels, scope, upTo);
    const out: Array<RuleSample | string | { warning: string }> = [];
    // `unit: context` with a `unit` group of its own (JMH's `ns/op` column): that is the unit.
    const ownUnit = rule.unit === CONTEXT_UNIT && rule.groups.includes('unit');
    if (ownUnit) contextUnit = groups['unit']?.trim();
    this.#groupLabels(rule, groups, labels, ownUnit, out);
    if (rule.groups.includes(COLUMNS)) {
      const problem = columnLabels(labels, groups[COLUMNS], scope, upTo);
      if (problem !== undefined) return [`${rule.id}: ${problem}`];
    }
    const one = (text: string | undefined, target: ValueTarget | undefined): void => {
      const name = target?.name ?? baseName;
      if (name === undefined || name === '') {
        out.push(`${rule.id}: the name group matched nothing`);
        return;
      }
      if (text === undefined) {
        // An optional value group that did not take part: nothing to say (values:), or a problem.
        if (target === undefined) out.push(`${rule.id}: ${name}: the value group matched nothing`);
        return;
      }
      const read = readRuleValue(text, rule, contextUnit);
      if (typeof read === 'string') {
        out.push(`${rule.id}: ${name}: ${read}`);
        return;
      }
      const s: RuleSample = {
        name: withUnitSuffix(name, read.base),
        value: read.value,
        labels: target ? { ...labels, ...target.labels } : labels,
        rule,
        type: rule.type,
      };
      if (read.base !== null) s.unit = read.base;
      if (rule.unit === CONTEXT_UNIT)
        s.unitFrom = `unit ${contextUnit} from ${ownUnit ? 'its unit group' : 'the context'}`;
      out.push(s);
    };
    if (rule.values) for (const [group, target] of rule.values) one(groups[group], target);
    else one(groups['value'], undefined);
    return out;
  }
}

/** A context rule: on a match, its named groups become the set's labels from here on. */
function contextParser(
  _rule: ContextRule,
  scanner: RegExp,
  scope: CompiledSet,
  slot: number,
): (line: string) => ParseOutcome {
  return (line) => {
    scanner.lastIndex = 0;
    const match = scanner.exec(line);
    if (match === null) return null;
    const context: Record<string, string> = {};
    let unit: string | undefined;
    for (const [k, v] of Object.entries(match.groups ?? {})) {
      if (v === undefined) continue;
      if (k === 'unit') unit = v.trim();
      else if (k !== COLUMNS) setLabel(context, k, v);
    }
    scope.contexts[slot] = context;
    scope.units[slot] = unit;
    scope.columns[slot] = match.groups?.[COLUMNS];
    return { samples: [] };
  };
}

function numberLabelText(rule: LineRule, group: string, value: string): string {
  const fix =
    rule.flagText !== undefined
      ? 'it became a label; name it value to make it the series, or write the rule in a rule file (values:, label_groups:)'
      : 'list it under values: to make it a series, or rename it (it became a label; label_groups: [name] keeps it one without this warning)';
  return `${rule.id}: group ${group} captured ${value.trim().slice(0, 20)}: ${fix}`;
}

function fixedBase(rule: LineRule): BaseUnit | null {
  if (rule.unit === undefined || rule.unit === 'auto') return null;
  const r = parseWithUnit('1', rule.unit);
  return 'base' in r ? r.base : null;
}

/** A matched value's text → its number (in base units when the rule has a unit), or why not. */
export function readValue(
  text: string,
  rule: { unit?: string } & NumberStyle,
): { value: number; base: BaseUnit | null } | string {
  if (rule.unit !== undefined) {
    const r = parseWithUnit(text, rule.unit, rule);
    return 'problem' in r ? r.problem : r;
  }
  const value = parseRuleNumber(text.trim(), rule);
  if (value === undefined) return `value ${excerpt(text)} is not a number${numberHint(text.trim(), rule, undefined)}`;
  if (value === 'out-of-range') return `value ${excerpt(text)} is out of range`;
  return { value, base: null };
}

/**
 * A `columns` group: the row's values, split at blanks, labelled by the column names the nearest
 * context rule above captured in its own `columns` group (JMH's header `Benchmark (rotation) (size)
 * Mode …` over `RotationBenchmark.benchRotation CCW 100 avgt …`; the names' parentheses are left
 * out; Markdown cells, `cellsOf`). Undefined when set; else why not (the value is then not sent: without its columns it would
 * be another row's series).
 */
function columnLabels(
  labels: Record<string, string>,
  row: string | undefined,
  scope: CompiledSet,
  upTo: number,
): string | undefined {
  const values = cellsOf(row);
  let header: string | undefined;
  for (let i = 0; i < upTo; i++) header = scope.columns[i] ?? header;
  const names = cellsOf(header);
  if (names.length !== values.length)
    return header === undefined
      ? 'no column names yet (no context rule above this rule has captured a columns group)'
      : `${values.length} column values (${excerpt((row ?? '').trim())}) under ${names.length} column names (${excerpt(header.trim())})`;
  names.forEach((n, i) => setInputLabel(labels, n.replace(/^\((.*)\)$/, '$1'), values[i] as string));
  return undefined;
}

/**
 * A header's or a row's cells: split at `|` when the text holds one (a Markdown table's cells,
 * BenchmarkDotNet's `| Method | N | Mean |`, each trimmed, a cell in `**…**` unwrapped: it marks
 * the first row of a group), else at blanks (JMH's columns).
 */
function cellsOf(text: string | undefined): string[] {
  if (text === undefined || text.trim() === '') return [];
  if (!text.includes('|')) return text.trim().split(/\s+/);
  const cells = text.split('|').map((c) => c.trim().replace(/^\*\*(.*)\*\*$/, '$1'));
  if (cells.at(-1) === '') cells.pop();
  if (cells[0] === '' && text.trimStart().startsWith('|')) cells.shift();
  return cells;
}

/** The context rules above `upTo` set their labels; the nearest unit one of them captured. */
function applyContexts(labels: Record<string, string>, scope: CompiledSet, upTo: number): string | undefined {
  let contextUnit: string | undefined;
  for (let i = 0; i < upTo; i++) {
    const context = scope.contexts[i] as Readonly<Record<string, string>>;
    for (const k in context) setLabel(labels, k, context[k] as string);
    contextUnit = scope.units[i] ?? contextUnit;
  }
  return contextUnit;
}

/** A value read in the rule's unit, or with `unit: context` the context's; a string says why not. */
function readRuleValue(text: string, rule: LineRule, contextUnit: string | undefined): ReturnType<typeof readValue> {
  if (rule.unit !== CONTEXT_UNIT) return readValue(text, rule);
  if (contextUnit === undefined)
    return 'no unit yet (unit: context, and no context rule above this rule has captured a unit group)';
  if (!isUnitName(contextUnit))
    return `the context's unit ${excerpt(contextUnit)} is not a unit (one of: ns, us, ms, s, B, kB, MB, …)`;
  return readValue(text, { ...rule, unit: contextUnit });
}
