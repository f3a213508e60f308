// Line rules and context rules applied to one line. Every line rule is tried on every line and
// every match of it counts; a series met twice on one line keeps its first value there (the
// store then sees one value per line). A context rule's named groups become labels of the
// matches of its set's later lines, until its next match. At most MAX_MATCHES_PER_LINE samples
// come from one line, so a hostile line cannot build an unbounded list.

import { excerpt, parseNumber } from '../parse/number.js';
import { setLabel } from '../parse/labels.js';
import { seriesKey } from '../series.js';
import type { ContextRule, LineRule, RuleSet, ValueTarget } from './rule.js';
import type { RuleObserver, RuleSample } from './sample.js';
import { parseWithUnit, withUnitSuffix, type BaseUnit } from './units.js';
import { requiredWords } from './words.js';

export const MAX_MATCHES_PER_LINE = 1000;

interface CompiledSet {
  rules: Array<{ rule: LineRule | ContextRule; scanner: RegExp; words: readonly string[] | null }>;
  context: Record<string, string>;
}

export class LineRules {
  readonly #sets: CompiledSet[];
  /** rule → metric names it made (for `default:`). */
  readonly #made = new Map<LineRule, Set<string>>();
  readonly #observer: RuleObserver | undefined;

  constructor(sets: readonly RuleSet[], observer?: RuleObserver) {
    this.#observer = observer;
    this.#sets = sets
      .map((set) => ({
        rules: set.rules
          .filter((r): r is LineRule | ContextRule => r.kind === 'line' || r.kind === 'context')
          .map((rule) => ({ rule, scanner: new RegExp(rule.regex.source, `${rule.regex.flags.replace(/[gy]/g, '')}g`), words: requiredWords(rule) })),
        context: {},
      }))
      .filter((s) => s.rules.length > 0);
  }

  get size(): number {
    return this.#sets.reduce((n, s) => n + s.rules.length, 0);
  }

  /** Every rule's required words, or null when some rule has none (then no line may be skipped). */
  words(): string[][] | null {
    const all: string[][] = [];
    for (const set of this.#sets) for (const r of set.rules) {
      if (r.words === null) return null;
      all.push([...r.words]);
    }
    return all;
  }

  /** Applies every rule; true when any matched (then the default parsers leave the line alone). */
  apply(line: string, where: () => string, emit: (s: RuleSample) => void, problem: (msg: string) => void): boolean {
    let matched = false;
    for (const set of this.#sets) {
      // Context set by this line applies from the next line on.
      let nextContext: Record<string, string> | undefined;
      for (const { rule, scanner, words } of set.rules) {
        scanner.lastIndex = 0;
        let match = scanner.exec(line);
        if (match === null) {
          if (this.#observer && words !== null && words.every((w) => line.includes(w))) this.#observer.nearMiss(rule.id, rule.origin, where(), line);
          continue;
        }
        matched = true;
        if (rule.kind === 'context') {
          nextContext = {};
          for (const [k, v] of Object.entries(match.groups ?? {})) if (v !== undefined) setLabel(nextContext, k, v);
          this.#observer?.matched(rule.id, rule.origin, where(), line, []);
          continue;
        }
        const made: RuleSample[] = [];
        const seen = new Set<string>();
        let firstProblem: string | undefined;
        for (; match !== null; match = scanner.exec(line)) {
          // An empty match would be found again at the same place: step over it, as matchAll does.
          if (match[0] === '') scanner.lastIndex++;
          for (const got of this.#samplesOf(rule, match, set.context)) {
            if (typeof got === 'string') {
              firstProblem ??= got;
              continue;
            }
            const key = seriesKey(got.name, got.labels);
            if (seen.has(key)) continue;
            if (made.length === MAX_MATCHES_PER_LINE) {
              firstProblem = `${rule.id}: more than ${MAX_MATCHES_PER_LINE} metrics on one line; the rest were left out`;
              match = null;
              break;
            }
            seen.add(key);
            made.push(got);
          }
          if (match === null) break;
        }
        if (firstProblem !== undefined) problem(`${where()}: ${firstProblem}`);
        for (const s of made) {
          this.#madeBy(rule).add(s.name);
          emit(s);
        }
        this.#observer?.matched(rule.id, rule.origin, where(), line, made);
      }
      if (nextContext !== undefined) set.context = nextContext;
    }
    return matched;
  }

  /** `default:` samples for the series of rules that never appeared. */
  defaults(): RuleSample[] {
    const out: RuleSample[] = [];
    for (const set of this.#sets) {
      for (const { rule } of set.rules) {
        if (rule.kind !== 'line' || rule.default === undefined) continue;
        const made = this.#made.get(rule);
        const targets: ValueTarget[] = rule.values ? [...rule.values.values()] : [{ labels: {} }];
        for (const target of targets) {
          const base = fixedBase(rule);
          const name = withUnitSuffix(target.name ?? (rule.name as string), base);
          if (made?.has(name)) continue;
          const s: RuleSample = { name, value: rule.default, labels: { ...rule.labels, ...target.labels }, rule, type: rule.type };
          if (base !== null) s.unit = base;
          out.push(s);
        }
      }
    }
    return out;
  }

  #madeBy(rule: LineRule): Set<string> {
    let made = this.#made.get(rule);
    if (made === undefined) this.#made.set(rule, (made = new Set()));
    return made;
  }

  #samplesOf(rule: LineRule, match: RegExpExecArray, context: Readonly<Record<string, string>>): Array<RuleSample | string> {
    const groups = match.groups ?? {};
    const baseName = rule.name ?? groups['name'];
    const labels: Record<string, string> = { ...rule.labels };
    for (const k in context) setLabel(labels, k, context[k] as string);
    for (const g of rule.groups) {
      const v = groups[g];
      if (g === 'name' || g === 'value' || v === undefined || rule.values?.has(g)) continue;
      setLabel(labels, g, v);
    }
    const out: Array<RuleSample | string> = [];
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
      const read = readValue(text, rule);
      if (typeof read === 'string') {
        out.push(`${rule.id}: ${name}: ${read}`);
        return;
      }
      const s: RuleSample = { name: withUnitSuffix(name, read.base), value: read.value, labels: target ? { ...labels, ...target.labels } : labels, rule, type: rule.type };
      if (read.base !== null) s.unit = read.base;
      out.push(s);
    };
    if (rule.values) for (const [group, target] of rule.values) one(groups[group], target);
    else one(groups['value'], undefined);
    return out;
  }
}

function fixedBase(rule: LineRule): BaseUnit | null {
  if (rule.unit === undefined || rule.unit === 'auto') return null;
  const r = parseWithUnit('1', rule.unit);
  return 'base' in r ? r.base : null;
}

/** A matched value's text → its number (in base units when the rule has a unit), or why not. */
export function readValue(text: string, rule: { unit?: string }): { value: number; base: BaseUnit | null } | string {
  if (rule.unit !== undefined) {
    const r = parseWithUnit(text, rule.unit);
    return 'problem' in r ? r.problem : r;
  }
  const value = parseNumber(text.trim());
  if (value === undefined) return `value ${excerpt(text)} is not a number${/\d/.test(text) ? ' (try unit: auto)' : ''}`;
  if (value === 'out-of-range') return `value ${excerpt(text)} is out of range`;
  return { value, base: null };
}
