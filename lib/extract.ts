// Lines → samples → series: every line rule (--pattern, --rules FILE) is tried on every line and
// every match counts; the enabled default parsers take a line only when no rule matched it
// (the first of them that matches wins). Document rules (JSON, XML) run at the end. A series set
// again with a different value is warned about once (unless its rule says `occurrence:`).
// Names and labels get the naming rules of docs/reference/naming.md here, once, before the store.

import type { Config } from './config/config.js';
import type { ParserName } from './parse/default-parsers.js';
import type { LineParser, ParseOutcome, Sample, ParseState } from './parse/sample.js';
import { GuardedRules, MATCH_BUDGET_MS } from './parse/safe-regex.js';
import { newParseState } from './parse/sample.js';
import { DEFAULT_PARSERS } from './parse/default-parsers.js';
import { Precheck } from './parse/precheck.js';
import { excerpt } from './parse/number.js';
import { LineRules } from './rules/line-rules.js';
import { WordPrecheck } from './rules/word-gate.js';
import { Explainer } from './rules/explain.js';
import type { RuleSample } from './rules/sample.js';
import type { Occurrence, RuleSet } from './rules/rule.js';
import type { BaseUnit } from './rules/units.js';
import { flagRuleSet } from './rules/flags.js';
import { fullMetricName, normalizeNamePart } from './naming/metric-name.js';
import { seriesKey, type Series, type SeriesStore } from './series.js';
import type { Reporter } from './report.js';

/** Problem lines reported one by one before only a count is kept. */
const MAX_PROBLEMS_SHOWN = 10;

export class Extractor {
  /** Samples accepted into the store (every occurrence counts). */
  metricsFound = 0;
  problems = 0;

  readonly #rules: LineRules | null;
  /** The line rules under the time budget; null without line rules or with --explain. */
  readonly #guarded: GuardedRules<() => string> | null;
  readonly #sets: readonly RuleSet[];
  readonly #defaults: Array<{ name: ParserName; parse: LineParser }>;
  /** --explain's notes; undefined on a normal run. */
  readonly explainer: Explainer | undefined;
  /** series key → the value it has and where it was set, to warn when it is set again differently. */
  readonly #seen = new Map<string, { value: number; where: string; warned?: boolean }>();
  /** Series warned about being set again with another value. */
  #setAgain = 0;
  readonly #state: ParseState = newParseState();
  /** normalized name part → the first input name that produced it, to spot collisions. */
  readonly #names = new Map<string, string>();
  /** input name → full metric name and the series key it has with the context labels only. */
  readonly #fullNames = new Map<string, { full: string; key: string }>();
  readonly #context: Readonly<Record<string, string>>;
  /** A line's own labels (in their order) → merged with the context, and the series key's label part. */
  readonly #merged = new Map<string, { labels: Record<string, string>; keyLabels: string }>();

  constructor(
    readonly config: Config,
    readonly store: SeriesStore,
    readonly reporter: Reporter,
    /** Rule files (--rules); the command line's --pattern/--json-path are added first. */
    ruleSets: readonly RuleSet[] = config.ruleSets ?? [],
  ) {
    this.#sets = [flagRuleSet(config.patterns, config.jsonPaths), ...ruleSets];
    this.explainer = config.explain ? new Explainer() : undefined;
    for (const set of this.#sets) for (const r of set.rules) this.explainer?.declare(r.id, r.origin);
    const rules = new LineRules(this.#sets);
    this.#rules = rules.size > 0 ? rules : null;
    // A normal run matches the rules under a time budget, in batches (lib/parse/safe-regex.ts);
    // --explain matches each line at once, to say where each rule matched.
    this.#guarded =
      this.#rules === null || this.explainer
        ? null
        : new GuardedRules(
            this.#rules.compiled.map((r) => ({
              label: r.rule.kind === 'line' && r.rule.flagText !== undefined ? `--pattern ${excerpt(r.rule.flagText, 120)}` : `${r.rule.origin}: ${r.rule.id}`,
              parse: r.parse,
            })),
            {
              line: (text, where, outcome) => this.#lineOutcome(text, where, outcome),
              slow: (label, where) => reporter.warn(`${label}: took too long on ${where()} (over ${MATCH_BUDGET_MS / 1000} s); no longer applied`),
            },
            { every: true },
          );
    this.#defaults = config.parsers.map((p) => ({ name: p, parse: DEFAULT_PARSERS[p].parse }));
    this.#context = Object.freeze({ ...config.labels });
  }

  /** The document rules (JSON, XML) of every set, for the end of input. */
  get documentRules() {
    return this.#sets.flatMap((s) => s.rules).filter((r) => r.kind === 'json' || r.kind === 'xml');
  }

  /**
   * The byte gate for the line splitter; null when every line must be seen (a line rule
   * without required words, or --explain). With line rules it is a WordPrecheck: the default
   * parsers' gates, or the words of some rule.
   */
  precheck(): Precheck | null {
    if (this.explainer) return null;
    const on = new Set(this.config.parsers);
    const options = { kv: on.has('kv'), json: on.has('json'), prom: on.has('prom') };
    if (this.#rules === null) return new Precheck(options);
    const gates = this.#rules.gates();
    return gates === null ? null : new WordPrecheck(options, gates);
  }

  /**
   * One line (no `\n`, no trailing `\r`). `where` names it in messages, e.g. "line 12"; it may be
   * called after later lines came (--pattern rules match in batches), so it must name this line.
   */
  line(text: string, where: () => string): void {
    // With rules, the line is matched (and stored) by the next turn of the event loop, or drain().
    if (this.#guarded !== null) this.#guarded.push(text, where);
    else if (this.#rules !== null) this.#lineOutcome(text, where, this.#rules.apply(text, where, this.explainer));
    else this.#defaultsOn(text, where);
  }

  /** Handles every line given so far (end of input, a signal). */
  drain(): void {
    this.#guarded?.drain();
  }

  /** What the rules made of a line; null: no rule matched, the default parsers get it. */
  #lineOutcome(text: string, where: () => string, outcome: NonNullable<ParseOutcome> | null): void {
    if (outcome === null) {
      this.#defaultsOn(text, where);
      return;
    }
    if (outcome.problem !== undefined) this.problem(`${where()}: ${outcome.problem}`);
    for (const s of outcome.samples) this.#storeRule(s as RuleSample, where);
  }

  #defaultsOn(text: string, where: () => string): void {
    for (const { name, parse } of this.#defaults) if (this.#offer(name, parse, text, where)) return;
    this.explainer?.untaken(where(), text, this.config.parsers);
  }

  /** Samples found elsewhere (run metrics). */
  addSamples(samples: readonly Sample[], where = 'the run'): void {
    for (const s of samples) this.#store(s, () => where);
  }

  /** The input as one document, for the JSON and XML rules (at the end). */
  async documents(text: string): Promise<void> {
    const found: Array<{ samples: RuleSample[]; problems: string[]; where: string; quiet: boolean }> = [];
    // A preset reads several forms of its tool's output (k6: text, or JSON): the forms the input
    // is not, and metrics this run of the tool did not print, are said with --verbose only.
    for (const quiet of [false, true]) {
      const rules = this.documentRules.filter((r) => r.origin.startsWith('preset ') === quiet);
      const json = rules.filter((r) => r.kind === 'json');
      const xml = rules.filter((r) => r.kind === 'xml');
      if (json.length > 0) {
        const { evaluateJsonRules } = await import('./rules/json-rules.js');
        found.push({ ...(await evaluateJsonRules(text, json, this.store.maxSeries)), where: 'the JSON document', quiet });
      }
      if (xml.length > 0) {
        const { evaluateXmlRules } = await import('./rules/xml-rules.js');
        found.push({ ...(await evaluateXmlRules(text, xml, this.store.maxSeries)), where: 'the XML document', quiet });
      }
    }
    const { documentDefaults } = await import('./rules/document-defaults.js');
    const made = found.flatMap((f) => f.samples);
    found.push({ samples: documentDefaults(this.documentRules, made), problems: [], where: 'a default', quiet: true });
    for (const f of found) {
      for (const p of f.problems) {
        if (f.quiet) this.reporter.verbose(p);
        else this.problem(p);
      }
      for (const s of f.samples) this.#storeRule(s, () => f.where);
      if (this.explainer) {
        // Per rule, as for line rules: what it made from the document.
        const byRule = new Map<RuleSample['rule'], RuleSample[]>();
        for (const s of f.samples) byRule.set(s.rule, [...(byRule.get(s.rule) ?? []), s]);
        for (const [rule, made] of byRule) this.explainer.matched(rule.id, rule.origin, f.where, `${made.length} value${made.length === 1 ? '' : 's'}`, made);
        for (const p of f.problems.slice(0, 10)) this.explainer.document(`${f.where}: ${p}`);
      }
    }
  }

  /** Reported once at the end: defaults of rules that never matched, problem counts, --explain. */
  finish(): void {
    this.drain();
    for (const s of this.#rules?.defaults() ?? []) this.#storeRule(s, () => 'a default');
    if (this.problems > MAX_PROBLEMS_SHOWN) this.reporter.warn(`${this.problems - MAX_PROBLEMS_SHOWN} more lines with unusable metrics not shown`);
    if (this.#setAgain > MAX_PROBLEMS_SHOWN)
      this.reporter.warn(`${this.#setAgain - MAX_PROBLEMS_SHOWN} more series were set again with another value (the last is kept; --explain lists them)`);
    if (this.explainer) this.reporter.block('--explain (nothing is sent):', this.explainer.report(), 5000, 400);
  }

  #storeRule(s: RuleSample, where: () => string): void {
    this.#rules?.made(s);
    this.#store(s, where, s.rule.occurrence, s.unit);
  }

  #offer(parser: ParserName, parse: LineParser, text: string, where: () => string): boolean {
    let outcome;
    try {
      outcome = parse(text, this.#state);
    } catch (err) {
      // A parser bug must never cost the run: report it like bad input and move on.
      outcome = { samples: [], problem: `parser failed: ${(err as Error).message}` };
    }
    if (outcome === null) return false;
    if (outcome.problem !== undefined) this.problem(`${where()}: ${outcome.problem}`);
    for (const s of outcome.samples) this.#store(s, where);
    this.explainer?.taken(parser, where(), text, outcome.samples);
    return true;
  }

  problem(msg: string): void {
    this.problems++;
    if (this.problems <= MAX_PROBLEMS_SHOWN) this.reporter.warn(msg);
  }

  #store(sample: Sample, where: () => string, occurrence?: Occurrence, unit?: BaseUnit): void {
    const named = this.#named(sample.name);
    const own = sample.labels;
    // A line with labels of its own is merged with the context labels (ci_platform, keptn_*,
    // --label), which win; one without (the common case) shares the context and its key.
    let labels: Readonly<Record<string, string>> = this.#context;
    let key = named.key;
    if (!isEmpty(own)) {
      const merged = this.#withContext(own);
      labels = merged.labels;
      key = named.full + merged.keyLabels;
    }
    if (!this.#again(key, named.full, labels, sample.value, where, occurrence)) return;
    const series: Series = { name: named.full, labels, value: sample.value, type: sample.type === 'counter' ? 'counter' : 'gauge' };
    if (unit !== undefined) series.unit = unit;
    const result = this.store.add(series, key);
    if (result === 'dropped') {
      this.reporter.warnOnce(
        'max-series',
        `more than ${this.store.maxSeries} distinct series: new series are dropped from here on (--max-series); the count is in the summary`,
      );
    } else this.metricsFound++;
  }

  /** False when the value must not be stored (occurrence: first); warns once about a changed value. */
  #again(key: string, name: string, labels: Readonly<Record<string, string>>, value: number, where: () => string, occurrence: Occurrence | undefined): boolean {
    const prev = this.#seen.get(key);
    if (prev === undefined) {
      // Bounded like the store: series beyond what it can hold are not remembered.
      if (this.#seen.size < this.store.maxSeries) this.#seen.set(key, { value, where: where() });
      return true;
    }
    if (occurrence === 'first') return false;
    // Only the explainer and the first warning about a series name it: a progress counter that
    // changes on every line costs a map lookup, not a label rendering (docs/decisions/line-splitting.md).
    const warn = occurrence === undefined && !prev.warned && this.explainer === undefined;
    if ((warn || this.explainer !== undefined) && !Object.is(prev.value, value)) {
      const here = where();
      const series = `${name}${seriesLabels(labels, this.#context)}`;
      this.explainer?.overwrote(series, prev.value, prev.where, value, here);
      if (warn) {
        prev.warned = true;
        // A few by name; a log that sets many series again (a progress counter) gets a count.
        if (++this.#setAgain <= MAX_PROBLEMS_SHOWN) {
          this.reporter.warn(
            `${series} was set to ${prev.value} on ${prev.where} and to ${value} on ${here}; the last value is kept (a rule's occurrence: first|last chooses without this warning)`,
          );
        }
      }
      prev.where = here;
    }
    prev.value = value;
    return true;
  }

  /** The full name for an input name, worked out (and reported when changed) once per name. */
  #named(input: string): { full: string; key: string } {
    let named = this.#fullNames.get(input);
    if (named !== undefined) return named;
    const cfg = this.config;
    const full = fullMetricName(cfg.prefix, cfg.integration, input);
    const part = normalizeNamePart(input);
    const first = this.#names.get(part);
    if (first === undefined) {
      // Bounded like the store: past it, a collision of two new names is no longer noticed.
      if (this.#names.size < this.store.maxSeries * 4) this.#names.set(part, input);
      if (part !== input) this.reporter.info(`metric "${input}" is sent as ${full}`);
    } else if (first !== input) {
      this.reporter.warnOnce(`collide:${input}`, `metrics "${first}" and "${input}" both become ${full}; the last value wins`);
    }
    named = { full, key: seriesKey(full, this.#context) };
    // Bounded like the store: names beyond what could ever be stored are not remembered.
    if (this.#fullNames.size < this.store.maxSeries * 4) this.#fullNames.set(input, named);
    return named;
  }

  /** Merges once per distinct label set: JSON metric lines repeat the same few sets. */
  #withContext(own: Readonly<Record<string, string>>): { labels: Record<string, string>; keyLabels: string } {
    let id = '';
    // Length-prefixed: unambiguous whatever the names and values contain.
    for (const k in own) {
      const v = own[k] as string;
      id += `${k.length}:${k}${v.length}:${v}`;
    }
    let merged = this.#merged.get(id);
    if (merged !== undefined) return merged;
    const labels: Record<string, string> = { ...own };
    for (const [k, v] of Object.entries(this.#context)) {
      if (k in labels && labels[k] !== v) this.reporter.warnOnce(`label:${k}`, `label ${k}="${labels[k]}" from the input is replaced by ${k}="${v}"`);
      labels[k] = v;
    }
    // Frozen: the store and every later sample with this set share the object.
    merged = { labels: Object.freeze(labels), keyLabels: seriesKey('', labels) };
    if (this.#merged.size < this.store.maxSeries * 4) this.#merged.set(id, merged);
    return merged;
  }
}

/** The labels that tell a series apart (the run's context labels left out), for messages. */
function seriesLabels(labels: Readonly<Record<string, string>>, context: Readonly<Record<string, string>>): string {
  const own = Object.entries(labels).filter(([k]) => !(k in context));
  return own.length > 0 ? `{${own.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}` : '';
}

function isEmpty(obj: Readonly<Record<string, string>>): boolean {
  for (const _ in obj) return false;
  return true;
}
