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
import { Recognition } from './rules/recognition.js';
import type { RuleSample } from './rules/sample.js';
import type { Occurrence, RuleSet } from './rules/rule.js';
import type { BaseUnit } from './rules/units.js';
import { flagRuleSet } from './rules/flags.js';
import { fullMetricName, normalizeNamePart } from './naming/metric-name.js';
import { seriesKey, type Series, type SeriesStore } from './series.js';
import type { Reporter } from './report.js';

/** --preset auto: how much of the input's start (characters of lines) and end its presets read. */
const AUTO_HEAD = 64 * 1024;
const AUTO_TAIL = 64 * 1024;

/** Problem lines reported one by one before only a count is kept. */
const MAX_PROBLEMS_SHOWN = 10;

export class Extractor {
  /** Samples accepted into the store (every occurrence counts). */
  metricsFound = 0;
  problems = 0;

  readonly #rules: LineRules | null;
  /** --preset auto's line rules (and marks): the head and the tail of the input only. */
  readonly #autoRules: LineRules | null;
  /** Characters of lines the auto rules have read from the head. */
  #autoHead = 0;
  /** The last lines (up to AUTO_TAIL characters), for the auto rules at the end. */
  #autoTail: Array<{ text: string; where: () => string }> = [];
  #autoTailStart = 0;
  #autoTailChars = 0;
  /** The line rules under the time budget; null without line rules or with --explain. */
  readonly #guarded: GuardedRules<() => string> | null;
  readonly #sets: readonly RuleSet[];
  /** Which rule files and presets recognised their tool's output (lib/rules/recognition.ts). */
  readonly #recognition: Recognition;
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
  /** --preset auto: the series the default parsers made, dropped when a preset is chosen. */
  readonly #fromDefaults = new Set<string>();
  /** A rule set's origin → the integration its series are named with, when not the run's (several presets). */
  readonly #integrations = new Map<string, string>();
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
    for (const set of this.#sets) if (set.integration !== undefined) this.#integrations.set(set.origin, set.integration);
    this.#recognition = new Recognition(ruleSets, store.maxSeries);
    this.explainer = config.explain ? new Explainer() : undefined;
    for (const set of this.#sets) for (const r of set.rules) this.explainer?.declare(r.id, r.origin);
    const rules = new LineRules(
      this.#sets.filter((set) => set.auto !== true),
      (set) => this.#recognition.seen(set),
    );
    this.#rules = rules.size > 0 ? rules : null;
    // --preset auto's presets read the first AUTO_HEAD characters of lines and the last AUTO_TAIL
    // (at the end): where a tool's summary and its report are, at a fraction of the cost.
    const auto = this.#sets.filter((set) => set.auto === true);
    const autoRules = auto.length > 0 ? new LineRules(auto, (set) => this.#recognition.seen(set)) : null;
    this.#autoRules = autoRules !== null && autoRules.size > 0 ? autoRules : null;
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

  /** The input is kept as one document for the end: document rules, or a JSON/XML mark. */
  get wantsDocument(): boolean {
    return this.documentRules.length > 0 || this.#recognition.documentMarks;
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
    if (this.#rules === null && this.#autoRules === null) return new Precheck(options);
    const main = this.#rules === null ? [] : this.#rules.gates();
    const auto = this.#autoRules === null ? [] : this.#autoRules.gates();
    return main === null || auto === null ? null : new WordPrecheck(options, [...main, ...auto]);
  }

  /**
   * One line (no `\n`, no trailing `\r`). `where` names it in messages, e.g. "line 12"; it may be
   * called after later lines came (--pattern rules match in batches), so it must name this line.
   */
  line(text: string, where: () => string): void {
    if (this.#autoRules !== null) this.#autoLine(text, where);
    // With rules, the line is matched (and stored) by the next turn of the event loop, or drain().
    if (this.#guarded !== null) this.#guarded.push(text, where);
    else if (this.#rules !== null) this.#lineOutcome(text, where, this.#rules.apply(text, where, this.explainer));
    else this.#defaultsOn(text, where);
  }

  /** --preset auto: the head's lines are matched now; later ones are kept (the last AUTO_TAIL characters) for the end. */
  #autoLine(text: string, where: () => string): void {
    if (this.#autoHead < AUTO_HEAD) {
      this.#autoHead += text.length + 1;
      this.#autoOutcome(text, where);
      return;
    }
    this.#autoTail.push({ text, where });
    this.#autoTailChars += text.length + 1;
    while (this.#autoTailChars > AUTO_TAIL && this.#autoTailStart < this.#autoTail.length - 1) {
      this.#autoTailChars -= (this.#autoTail[this.#autoTailStart] as { text: string }).text.length + 1;
      this.#autoTailStart++;
    }
    if (this.#autoTailStart > 4096) {
      this.#autoTail = this.#autoTail.slice(this.#autoTailStart);
      this.#autoTailStart = 0;
    }
  }

  #autoOutcome(text: string, where: () => string): void {
    const outcome = this.#autoRules?.apply(text, where, this.explainer);
    if (outcome === undefined || outcome === null) return;
    if (outcome.problem !== undefined) this.problem(`${where()}: ${outcome.problem}`);
    for (const s of outcome.samples) this.#storeRule(s as RuleSample, where);
  }

  /** Handles every line given so far (end of input, a signal). */
  drain(): void {
    this.#guarded?.drain();
  }

  /** What the rules made of a line; null: no rule matched, the default parsers get it. */
  #lineOutcome(text: string, where: () => string, outcome: NonNullable<ParseOutcome> | null): void {
    // A mark seen on this line or before it: what its set held back goes to the store now.
    if (this.#recognition.releasable) this.#release();
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
    await this.#recognition.documentSeen(text);
    this.#release();
    const found: Array<{ samples: RuleSample[]; problems: string[]; where: string; quiet: boolean }> = [];
    // Rules of a kind (JSON, XML) the input held no document of: their defaults are not sent
    // (go test's text output is no reason for its -json rules' zeros).
    const unread = new Set<RuleSample['rule']>();
    // A preset reads several forms of its tool's output (k6: text, or JSON): the forms the input
    // is not, and metrics this run of the tool did not print, are said with --verbose only.
    // --preset auto: only the presets its marks chose read the document (a mixed log's JSON lines
    // are not every preset's report).
    const autoRules = new Set(this.#sets.filter((set) => set.auto === true).flatMap((set) => set.rules));
    const documentRules = this.documentRules.filter((r) => !autoRules.has(r) || this.#recognition.recognised(r));
    for (const quiet of [false, true]) {
      const rules = documentRules.filter((r) => r.origin.startsWith('preset ') === quiet);
      const json = rules.filter((r) => r.kind === 'json');
      const xml = rules.filter((r) => r.kind === 'xml');
      if (json.length > 0) {
        const { evaluateJsonRules } = await import('./rules/json-rules.js');
        const result = await evaluateJsonRules(text, json, this.store.maxSeries);
        if (result.read === false) for (const r of json) unread.add(r);
        found.push({ ...result, where: 'the JSON document', quiet });
      }
      if (xml.length > 0) {
        const { evaluateXmlRules } = await import('./rules/xml-rules.js');
        const result = await evaluateXmlRules(text, xml, this.store.maxSeries);
        if (result.read === false) for (const r of xml) unread.add(r);
        found.push({ ...result, where: 'the XML document', quiet });
      }
    }
    for (const f of found) this.#storeFound(f);
    // Defaults last: only for the sets that recognised their tool, which the values above may have shown.
    const { documentDefaults } = await import('./rules/document-defaults.js');
    const made = found.flatMap((f) => f.samples);
    const rules = this.documentRules.filter((r) => this.#recognition.recognised(r) && !unread.has(r));
    this.#storeFound({ samples: documentDefaults(rules, made), problems: [], where: 'a default', quiet: true });
  }

  /** What the document rules found: its problems said, its samples stored, --explain told. */
  #storeFound(f: { samples: RuleSample[]; problems: string[]; where: string; quiet: boolean }): void {
    for (const p of f.problems) {
      if (f.quiet) this.reporter.verbose(p);
      else this.problem(p);
    }
    // A default never replaces a value another rule read (jest's text rules and its JSON rules).
    for (const s of f.samples) this.#storeRule(s, () => f.where, f.where === 'a default' ? 'first' : undefined);
    if (this.explainer) {
      // Per rule, as for line rules: what it made from the document.
      const byRule = new Map<RuleSample['rule'], RuleSample[]>();
      for (const s of f.samples) byRule.set(s.rule, [...(byRule.get(s.rule) ?? []), s]);
      for (const [rule, made] of byRule) this.explainer.matched(rule.id, rule.origin, f.where, `${made.length} value${made.length === 1 ? '' : 's'}`, made);
      for (const p of f.problems.slice(0, 10)) this.explainer.document(`${f.where}: ${p}`);
    }
  }

  /** Reported once at the end: defaults of rules that never matched, sets that recognised nothing, problem counts, --explain. */
  finish(): void {
    this.drain();
    // --preset auto: the input's last lines, for the presets' summaries.
    for (let i = this.#autoTailStart; i < this.#autoTail.length; i++) {
      const l = this.#autoTail[i] as { text: string; where: () => string };
      this.#autoOutcome(l.text, l.where);
    }
    this.#autoTail = [];
    this.#release();
    for (const s of [...(this.#rules?.defaults() ?? []), ...(this.#autoRules?.defaults() ?? [])])
      if (this.#recognition.recognised(s.rule)) this.#storeRule(s, () => 'a default', 'first');
    if (this.config.autoPresets) this.#autoChoice();
    for (const w of this.#recognition.unrecognised()) this.reporter.warn(w);
    if (this.problems > MAX_PROBLEMS_SHOWN) this.reporter.warn(`${this.problems - MAX_PROBLEMS_SHOWN} more lines with unusable metrics not shown`);
    if (this.#setAgain > MAX_PROBLEMS_SHOWN)
      this.reporter.warn(`${this.#setAgain - MAX_PROBLEMS_SHOWN} more series were set again with another value (the last is kept; --explain lists them)`);
    if (this.explainer) this.reporter.block('--explain (nothing is sent):', this.explainer.report(), 5000, 400);
  }

  #storeRule(s: RuleSample, where: () => string, occurrence = s.rule.occurrence): void {
    if (this.#recognition.open > 0) {
      if (this.#recognition.releasable) this.#release();
      // Held back until its set's mark is seen (dropped if never).
      if (!this.#recognition.take(s, where)) return;
    }
    this.#rules?.made(s);
    this.#autoRules?.made(s);
    this.#store(s, where, occurrence, s.unit, this.#integrations.size > 0 ? this.#integrations.get(s.rule.origin) : undefined);
  }

  /** --preset auto (filter mode): which presets the input's marks chose, which came close; the default parsers' series go when one was chosen. */
  #autoChoice(): void {
    const { chosen, close } = this.#recognition.autoChoice();
    const name = (origin: string): string => origin.replace(/^preset /, '');
    const near =
      close.length > 0
        ? `; came close: ${close.map((c) => `${name(c.set.origin)} (its rules read ${c.values} series, but none of its marks: was seen)`).join(', ')}`
        : '';
    if (chosen.length === 0) {
      this.reporter.info(`--preset auto: no preset recognised the input; the default parsers read it, as without --preset${near}`);
      return;
    }
    for (const key of this.#fromDefaults) this.store.delete(key);
    const dropped = this.#fromDefaults.size > 0 ? `; the default parsers' ${this.#fromDefaults.size} series are not sent` : '';
    this.reporter.info(`--preset auto: chose ${chosen.map((s) => name(s.origin)).join(', ')} (a mark of its tool's output was seen)${dropped}${near}`);
    this.explainer?.document(`--preset auto chose ${chosen.map((s) => name(s.origin)).join(', ')}${near}`);
  }

  /** Stores the values held for the sets whose mark has now been seen. */
  #release(): void {
    if (!this.#recognition.releasable) return;
    for (const h of this.#recognition.release()) this.#storeRule(h.s, () => h.where);
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
    for (const s of outcome.samples) {
      const key = this.#store(s, where);
      // --preset auto: kept only if no preset is chosen (finish()); bounded like the store.
      if (key !== undefined && this.config.autoPresets && this.#fromDefaults.size < this.store.maxSeries) this.#fromDefaults.add(key);
    }
    this.explainer?.taken(parser, where(), text, outcome.samples);
    return true;
  }

  problem(msg: string): void {
    this.problems++;
    if (this.problems <= MAX_PROBLEMS_SHOWN) this.reporter.warn(msg);
  }

  /** Stores a sample; its series key, or undefined when it was not stored. */
  #store(sample: Sample, where: () => string, occurrence?: Occurrence, unit?: BaseUnit, integration?: string): string | undefined {
    const named = this.#named(sample.name, integration);
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
    if (!this.#again(key, named.full, labels, sample.value, where, occurrence)) return undefined;
    const series: Series = { name: named.full, labels, value: sample.value, type: sample.type === 'counter' ? 'counter' : 'gauge' };
    if (unit !== undefined) series.unit = unit;
    const result = this.store.add(series, key);
    if (result === 'dropped') {
      this.reporter.warnOnce(
        'max-series',
        `more than ${this.store.maxSeries} distinct series: new series are dropped from here on (--max-series); the count is in the summary`,
      );
      return undefined;
    }
    this.metricsFound++;
    return key;
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
  #named(input: string, integration?: string): { full: string; key: string } {
    // A preset's own integration (several presets) keys its names apart from the run's.
    const id = integration === undefined ? input : `${integration}\u0000${input}`;
    let named = this.#fullNames.get(id);
    if (named !== undefined) return named;
    const cfg = this.config;
    const full = fullMetricName(cfg.prefix, integration ?? cfg.integration, input);
    const normalized = normalizeNamePart(input);
    const part = integration === undefined ? normalized : `${integration}\u0000${normalized}`;
    const first = this.#names.get(part);
    if (first === undefined) {
      // Bounded like the store: past it, a collision of two new names is no longer noticed.
      if (this.#names.size < this.store.maxSeries * 4) this.#names.set(part, input);
      if (normalized !== input) this.reporter.info(`metric "${input}" is sent as ${full}`);
    } else if (first !== input) {
      this.reporter.warnOnce(`collide:${input}`, `metrics "${first}" and "${input}" both become ${full}; the last value wins`);
    }
    named = { full, key: seriesKey(full, this.#context) };
    // Bounded like the store: names beyond what could ever be stored are not remembered.
    if (this.#fullNames.size < this.store.maxSeries * 4) this.#fullNames.set(id, named);
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
