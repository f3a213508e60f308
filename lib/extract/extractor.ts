// Lines → samples → series: every line rule (--pattern, --rules FILE) is tried on every line and
// every match counts; the enabled default parsers take a line only when no rule matched it
// (the first of them that matches wins). Document rules (JSON, XML) run at the end. A series set
// again with a different value is warned about once, at the end, naming the value kept and its
// line (unless its rule says `occurrence:`; a rule with `aggregate:` stores one folded value).
// Names and labels get the naming rules of docs/reference/naming.md here, once, before the store.

import type { Config } from '../cli/config.js';
import type { ParserName } from './parsers/default-parsers.js';
import type { DefaultParser, LineParser, ParseOutcome, Sample, ParseState } from './parsers/sample.js';
import { GuardedRules, MATCH_BUDGET_MS, type RuleOutcomes } from './rules/safe-regex.js';
import { newParseState } from './parsers/sample.js';
import { DEFAULT_PARSERS } from './parsers/default-parsers.js';
import { firstCode, mayTake, Precheck } from './parsers/precheck.js';
import { excerpt } from './parsers/number.js';
import { LineRules, type CompiledLineRule } from './rules/line-rules.js';
import { HeadWordPrecheck, WordPrecheck } from './rules/word-gate.js';
import { LineTail } from './line-tail.js';
import { Explainer } from './explain.js';
import { Recognition } from './rules/recognition.js';
import type { RuleSample } from './rules/rule-sample.js';
import type { LineRule, Occurrence, RuleSet } from './rules/model.js';
import { Aggregator } from './rules/aggregate.js';
import type { BaseUnit } from './rules/units.js';
import { flagRuleSet } from './rules/flag-rules.js';
import { lineHasWord } from './rules/words.js';
import { fullMetricName, normalizeNamePart } from '../store/metric-name.js';
import { seriesKey, type Series, type SeriesStore } from '../store/series.js';
import type { Reporter } from '../report/report.js';

/**
 * The document rules' modules: loaded at the first document (a run without one does not pay for
 * them), then kept, so that each later Extractor in the process (the tests run thousands) does not
 * ask the module loader again.
 */
const documentModules: {
  json?: Promise<typeof import('./rules/json-rules.js')>;
  xml?: Promise<typeof import('./rules/xml-rules.js')>;
  defaults?: Promise<typeof import('./rules/document-defaults.js')>;
} = {};

/** --preset auto: how much of the input's start (characters of lines) and end its presets read. */
const AUTO_HEAD = 64 * 1024;
const AUTO_TAIL = 64 * 1024;

/** What the document rules of one kind found (lib/extract/rules/json-rules.ts, DocumentResult). */
interface FoundInDocument {
  samples: RuleSample[];
  problems: string[];
  warnings?: string[];
  withheld?: RuleSample[];
  where: string;
  quiet: boolean;
}

/** Problem lines reported one by one before only a count is kept. */
const MAX_PROBLEMS_SHOWN = 10;

export class Extractor {
  /** Samples accepted into the store (every occurrence counts). */
  metricsFound = 0;
  problems = 0;

  readonly #rules: LineRules | null;
  /** --preset auto's line rules (and marks): the head and the tail of the input only. */
  readonly #autoRules: LineRules | null;
  /** The same, under the time budget (as every rule runs: --explain observes it). */
  readonly #autoGuarded: GuardedRules<() => string> | null;
  /** Characters of lines the auto rules have read from the head. */
  #autoHead = 0;
  /** The last lines (up to AUTO_TAIL bytes) of each line splitter, for the auto rules at the end; kept once the head was read. */
  readonly #autoTails: Array<{ tail: LineTail; where: string }> = [];
  /** The line rules under the time budget; null without line rules. */
  readonly #guarded: GuardedRules<() => string> | null;
  readonly #sets: readonly RuleSet[];
  /** Which rule files and presets recognised their tool's output (lib/extract/rules/recognition.ts). */
  readonly #recognition: Recognition;
  readonly #defaults: Array<{ name: ParserName; parser: DefaultParser }>;
  /** --explain's notes; undefined on a normal run. */
  readonly explainer: Explainer | undefined;
  /** series key → the value it has and where it got it, to warn when it is set again differently. */
  readonly #seen = new Map<string, Seen>();
  /** Series set again with another value (the first MAX_PROBLEMS_SHOWN kept, for the warnings at the end). */
  readonly #setAgain: Seen[] = [];
  #setAgainCount = 0;
  readonly #state: ParseState = newParseState();
  /** Line rules with aggregate: → their matches folded so far. */
  readonly #lineAggregates = new Map<LineRule, Aggregator<RuleSample>>();
  /** Line rules dropped for running over the time budget: no default: and no aggregate stands in for what they did not read. */
  readonly #cutRules = new Set<unknown>();
  /** normalized name part → the first input name that produced it, to spot collisions. */
  readonly #names = new Map<string, string>();
  /** input name → full metric name and the series key it has with the context labels only. */
  readonly #fullNames = new Map<string, { full: string; key: string }>();
  readonly #context: Readonly<Record<string, string>>;
  /** The word gates precheck() made (one per line splitter), to learn whether a line passed the default parsers' gate. */
  readonly #gates: Array<WordPrecheck | HeadWordPrecheck> = [];
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
    for (const set of this.#sets)
      if (set.integration !== undefined) this.#integrations.set(set.origin, set.integration);
    this.#recognition = new Recognition(ruleSets, store.maxSeries);
    this.explainer = config.explain ? new Explainer() : undefined;
    for (const set of this.#sets) for (const r of set.rules) this.explainer?.declare(r.id, r.origin);
    const rules = new LineRules(
      this.#sets.filter((set) => set.auto !== true),
      (set) => this.#recognition.seen(set),
    );
    this.#rules = rules.size > 0 ? rules : null;
    // --preset auto's presets read the first AUTO_HEAD bytes of lines and the last AUTO_TAIL
    // (at the end): where a tool's summary and its report are, at a fraction of the cost.
    const auto = this.#sets.filter((set) => set.auto === true);
    const autoRules = auto.length > 0 ? new LineRules(auto, (set) => this.#recognition.seen(set)) : null;
    this.#autoRules = autoRules !== null && autoRules.size > 0 ? autoRules : null;
    // The rules match under a time budget, in batches (lib/extract/rules/safe-regex.ts), --explain or
    // not: --explain observes what each rule gave on each line (`detail`), it never matches itself.
    const compiled = this.#rules?.compiled ?? [];
    this.#guarded =
      this.#rules === null
        ? null
        : new GuardedRules(
            compiled.map((r) => ({
              label:
                r.rule.kind === 'line' && r.rule.flagText !== undefined
                  ? `--pattern ${excerpt(r.rule.flagText, 120)}`
                  : `${r.rule.origin}: ${r.rule.id}`,
              parse: r.parse,
            })),
            {
              line: (text, where, outcome, detail) => {
                if (detail !== undefined) this.#observe(text, where, detail, compiled);
                this.#lineOutcome(text, where, outcome);
              },
              slow: (label, where, rule) => this.#slow(label, where, compiled[rule]?.rule),
            },
            { every: true, detail: this.explainer !== undefined },
          );
    const autoCompiled = this.#autoRules?.compiled ?? [];
    this.#autoGuarded =
      this.#autoRules === null
        ? null
        : new GuardedRules(
            autoCompiled.map((r) => ({ label: `${r.rule.origin}: ${r.rule.id}`, parse: r.parse })),
            {
              line: (text, where, outcome, detail) => {
                if (detail !== undefined) this.#observe(text, where, detail, autoCompiled);
                this.#autoOutcome(where, outcome);
              },
              slow: (label, where, rule) => this.#slow(label, where, autoCompiled[rule]?.rule),
            },
            { every: true, detail: this.explainer !== undefined },
          );
    this.#defaults = config.parsers.map((p) => ({ name: p, parser: DEFAULT_PARSERS[p] }));
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

  /** Only --preset auto's own presets want the document (its bound is lower: lib/input/document.ts). */
  get documentOnlyForAuto(): boolean {
    return this.#sets.every(
      (s) =>
        s.auto === true ||
        (!s.rules.some((r) => r.kind === 'json' || r.kind === 'xml') &&
          !(s.marks ?? []).some((m) => m.kind !== 'mark')),
    );
  }

  /**
   * The byte gate for the line splitter; null when every line must be seen (a line rule
   * without required words, or --explain). With line rules it is a WordPrecheck: the default
   * parsers' gates, or the words of some rule; with --preset auto, a HeadWordPrecheck, whose
   * presets' words count only in the input's head.
   */
  precheck(): Precheck | null {
    if (this.explainer) return null;
    const on = new Set(this.config.parsers);
    const options = { kv: on.has('kv'), json: on.has('json'), prom: on.has('prom') };
    if (this.#rules === null && this.#autoRules === null) return new Precheck(options);
    const main = this.#rules === null ? [] : this.#rules.gates();
    const auto = this.#autoRules === null ? [] : this.#autoRules.gates();
    if (main === null || auto === null) return null;
    const gate =
      auto.length > 0
        ? new HeadWordPrecheck(options, [...main, ...auto], main)
        : new WordPrecheck(options, [...main, ...auto]);
    if (gate instanceof HeadWordPrecheck && this.#autoHead >= AUTO_HEAD) gate.headDone();
    this.#gates.push(gate);
    return gate;
  }

  /**
   * --preset auto: where a line splitter keeps its last lines for the end (lib/extract/line-tail.ts);
   * `where` names its lines ("line", "stderr line"). Undefined without --preset auto.
   */
  lineTail(where: string): LineTail | undefined {
    if (this.#autoRules === null) return undefined;
    const tail = new LineTail(AUTO_TAIL);
    tail.active = this.#autoHead >= AUTO_HEAD;
    tail.headLine = (bytes) => {
      if (this.#autoHead >= AUTO_HEAD) return;
      this.#autoHead += bytes;
      if (this.#autoHead >= AUTO_HEAD) this.#headRead();
    };
    this.#autoTails.push({ tail, where });
    return tail;
  }

  /** Whether the line just handed over passed the default parsers' own gate (undefined: not known). */
  #defaultsMayTake(): boolean | undefined {
    let may: boolean | undefined;
    for (const g of this.#gates) {
      if (g.defaultsMayTake !== undefined) may = g.defaultsMayTake;
      g.defaultsMayTake = undefined;
    }
    return may;
  }

  /**
   * One line (no `\n`, no trailing `\r`). `where` names it in messages, e.g. "line 12"; it may be
   * called after later lines came (--pattern rules match in batches), so it must name this line.
   */
  line(text: string, where: () => string): void {
    // A line only --preset auto's words let through (a mixed log's lines hold some preset's words)
    // is no default parser's: they are not asked (lib/extract/parsers/precheck.ts, the gate's promise).
    const defaults = this.#defaultsMayTake();
    if (this.#autoRules !== null) this.#autoLine(text, where);
    // With rules, the line is matched (and stored) by the next turn of the event loop, or drain().
    if (this.#guarded !== null) this.#guarded.push(text, where);
    else if (defaults !== false) this.#defaultsOn(text, where);
  }

  /**
   * --preset auto: the head's lines are matched now. Once AUTO_HEAD characters were read, the
   * presets' words no longer open the gate, and the line splitters keep their last lines as bytes
   * for the end (#readAutoTail).
   */
  #autoLine(text: string, where: () => string): void {
    if (this.#autoHead >= AUTO_HEAD) return;
    this.#autoGuarded?.push(text, where);
    // With a line splitter, its tail counts every line of the head, also those the gate turned
    // away (lineTail()); lines given here directly count here.
    if (this.#autoTails.length > 0) return;
    this.#autoHead += text.length + 1;
    if (this.#autoHead >= AUTO_HEAD) this.#headRead();
  }

  /** The head has been read: the presets' words no longer open the gate, and the tails keep lines. */
  #headRead(): void {
    for (const g of this.#gates) if (g instanceof HeadWordPrecheck) g.headDone();
    for (const { tail } of this.#autoTails) tail.active = true;
  }

  #autoOutcome(where: () => string, outcome: NonNullable<ParseOutcome> | null): void {
    if (outcome === null) return;
    if (outcome.problem !== undefined) this.problem(`${where()}: ${outcome.problem}`);
    if (outcome.warning !== undefined) this.reporter.warn(`${where()}: ${outcome.warning}`);
    for (const smp of outcome.samples) this.#storeRule(smp as RuleSample, where);
  }

  /** A rule ran over the time budget and is no longer applied: said, and its default/aggregate withheld. */
  #slow(label: string, where: () => string, rule: unknown): void {
    if (rule !== undefined) this.#cutRules.add(rule);
    this.reporter.warn(
      `${label}: took too long on ${where()} (over ${MATCH_BUDGET_MS / 1000} s); no longer applied, and no default: or aggregate of it is sent`,
    );
  }

  /** Handles every line given so far (end of input, a signal: `final`, a slow rule is dropped at its first cut). */
  drain(final = false): void {
    this.#guarded?.drain(final);
    this.#autoGuarded?.drain(final);
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
    if (outcome.warning !== undefined) this.reporter.warn(`${where()}: ${outcome.warning}`);
    for (const s of outcome.samples) this.#storeRule(s as RuleSample, where);
  }

  /** --explain: what each rule made of a line (as the budgeted run matched it), and near misses. */
  #observe(text: string, where: () => string, detail: RuleOutcomes, compiled: readonly CompiledLineRule[]): void {
    const explainer = this.explainer as Explainer;
    for (const { rule: i, outcome } of detail) {
      const { rule, words } = compiled[i] as CompiledLineRule;
      if (outcome !== null) explainer.matched(rule.id, rule.origin, where(), text, outcome.samples as RuleSample[]);
      else if (words !== null && words.every((w) => lineHasWord(text, w)))
        explainer.nearMiss(rule.id, rule.origin, where(), text);
    }
  }

  /**
   * The default parsers, in their order, each only where it might take the line (its first
   * character, as the byte gate reads it): most lines are offered to one parser, or to none.
   * Indexed loops: this path runs mostly before V8 has optimized it (a log's metric lines are
   * few), where for…of and destructuring cost more than the work.
   */
  #defaultsOn(text: string, where: () => string): void {
    const code = firstCode(text);
    const defaults = this.#defaults;
    for (let i = 0; i < defaults.length; i++) {
      const d = defaults[i] as (typeof defaults)[number];
      if (mayTake(d.parser, code) && this.#offer(d.name, d.parser.parse, text, where)) return;
    }
    this.explainer?.untaken(where(), text, this.config.parsers);
  }

  /** Samples found elsewhere (run metrics). */
  addSamples(samples: readonly Sample[], where = 'the run'): void {
    for (const s of samples) this.#store(s, () => where);
  }

  /**
   * --preset auto: the input's last lines, for the presets' summaries. Read before the document,
   * so that a preset whose mark is only in the tail has its JSON and XML rules (and their
   * defaults) read the document too; finish() reads them when there is no document.
   */
  #readAutoTail(): void {
    for (const { tail, where } of this.#autoTails)
      for (const { text, n } of tail.take()) this.#autoGuarded?.push(text, () => `${where} ${n}`);
    this.#autoGuarded?.drain();
  }

  /** The input as one document, for the JSON and XML rules (at the end). */
  async documents(text: string): Promise<void> {
    this.#readAutoTail();
    // --preset auto's JSON marks: the JSON lines of the input's start and end, as its line marks.
    await this.#recognition.documentSeen(text, { head: AUTO_HEAD, tail: AUTO_TAIL });
    this.#release();
    const found: Array<FoundInDocument> = [];
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
        const { evaluateJsonRules } = await (documentModules.json ??= import('./rules/json-rules.js'));
        const result = await evaluateJsonRules(text, json, this.store.maxSeries);
        if (result.read === false) for (const r of json) unread.add(r);
        for (const r of result.failed ?? []) unread.add(r);
        found.push({ ...result, where: 'the JSON document', quiet });
      }
      if (xml.length > 0) {
        const { evaluateXmlRules } = await (documentModules.xml ??= import('./rules/xml-rules.js'));
        const result = await evaluateXmlRules(text, xml, this.store.maxSeries);
        if (result.read === false) for (const r of xml) unread.add(r);
        for (const r of result.failed ?? []) unread.add(r);
        found.push({ ...result, where: 'the XML document', quiet });
      }
    }
    for (const f of found) this.#storeFound(f);
    // Defaults last: only for the sets that recognised their tool, which the values above may have shown.
    const { documentDefaults } = await (documentModules.defaults ??= import('./rules/document-defaults.js'));
    // A withheld (inexact) result counts as made: its default would say 0 where there were many.
    const made = found.flatMap((f) => [...f.samples, ...(f.withheld ?? [])]);
    const rules = this.documentRules.filter((r) => this.#recognition.recognised(r) && !unread.has(r));
    this.#storeFound({ samples: documentDefaults(rules, made), problems: [], where: 'a default', quiet: true });
  }

  /** What the document rules found: its problems said, its samples stored, --explain told. */
  #storeFound(f: FoundInDocument): void {
    // Numbers that were there but are not sent (or not exactly): said without -v, presets too.
    for (const w of f.warnings ?? []) this.problem(w);
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
      for (const [rule, made] of byRule)
        this.explainer.matched(
          rule.id,
          rule.origin,
          f.where,
          `${made.length} value${made.length === 1 ? '' : 's'}`,
          made,
        );
      for (const p of f.problems.slice(0, 10)) this.explainer.document(`${f.where}: ${p}`);
    }
  }

  /** Reported once at the end: aggregated line rules, defaults of rules that never matched, sets that recognised nothing, problem counts, --explain. */
  finish(): void {
    this.drain();
    this.#readAutoTail();
    this.#release();
    // Aggregating rules: folded over the whole input, sent only when the rule's set recognised its
    // tool and the rule was not cut by the time budget.
    for (const [rule, agg] of this.#lineAggregates) {
      if (!this.#recognition.recognised(rule) || this.#cutRules.has(rule)) continue;
      for (const { item, value } of agg.results())
        this.#store(
          { ...item, value },
          () => `${rule.id} (aggregate: ${rule.aggregate})`,
          undefined,
          item.unit,
          this.#integrationOf(rule),
        );
    }
    this.#lineAggregates.clear();
    // Defaults of rules that matched nothing; never one that replaces a value read, nor one for a cut rule.
    for (const s of [...(this.#rules?.defaults() ?? []), ...(this.#autoRules?.defaults() ?? [])]) {
      if (!this.#recognition.recognised(s.rule) || this.#cutRules.has(s.rule)) continue;
      // An aggregating rule's default is its result, not one more match to fold.
      if (s.rule.kind === 'line' && s.rule.aggregate !== undefined)
        this.#store(s, () => 'a default', 'first', s.unit, this.#integrationOf(s.rule));
      else this.#storeRule(s, () => 'a default', 'first');
    }
    if (this.config.autoPresets) this.#autoChoice();
    for (const w of this.#recognition.unrecognised()) this.reporter.warn(w);
    if (this.problems > MAX_PROBLEMS_SHOWN)
      this.reporter.warn(`${this.problems - MAX_PROBLEMS_SHOWN} more lines with unusable metrics not shown`);
    // Said at the end, when the value kept and the line it came from are known.
    for (const seen of this.#setAgain) this.reporter.warn(setAgainText(seen));
    if (this.#setAgainCount > MAX_PROBLEMS_SHOWN)
      this.reporter.warn(
        `${this.#setAgainCount - MAX_PROBLEMS_SHOWN} more series were set again with another value (the last is kept; --explain lists them)`,
      );
    if (this.explainer) this.reporter.block('--explain (nothing is sent):', this.explainer.report(), 5000, 400);
  }

  #storeRule(s: RuleSample, where: () => string, occurrence = s.rule.occurrence): void {
    if (s.rule.kind === 'line' && s.rule.aggregate !== undefined) {
      // Folded here over the whole input, never held back; stored once at the end (finish), and
      // only if its set recognised its tool: no "set again" for its own matches.
      this.#recognition.read(s.rule);
      this.#rules?.made(s);
      let agg = this.#lineAggregates.get(s.rule);
      if (agg === undefined)
        this.#lineAggregates.set(s.rule, (agg = new Aggregator<RuleSample>(s.rule.aggregate, this.store.maxSeries)));
      if (!agg.add(seriesKey(s.name, s.labels), s.value, s))
        this.reporter.warnOnce(
          `aggregate:${s.rule.id}`,
          `${s.rule.origin}: ${s.rule.id}: more than ${this.store.maxSeries} series to aggregate; the rest were left out`,
        );
      return;
    }
    if (this.#recognition.open > 0) {
      if (this.#recognition.releasable) this.#release();
      // Held back until its set's mark is seen (dropped if never).
      if (!this.#recognition.take(s, where)) return;
    }
    this.#rules?.made(s);
    this.#autoRules?.made(s);
    this.#store(s, where, occurrence, s.unit, this.#integrationOf(s.rule));
  }

  /** The name of the preset that brought a rule, when several presets name their own series. */
  #integrationOf(rule: { origin: string }): string | undefined {
    return this.#integrations.size > 0 ? this.#integrations.get(rule.origin) : undefined;
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
      this.reporter.info(
        `--preset auto: no preset recognised the input; the default parsers read it, as without --preset${near}`,
      );
      return;
    }
    for (const key of this.#fromDefaults) this.store.delete(key);
    const dropped =
      this.#fromDefaults.size > 0 ? `; the default parsers' ${this.#fromDefaults.size} series are not sent` : '';
    this.reporter.info(
      `--preset auto: chose ${chosen.map((s) => name(s.origin)).join(', ')} (a mark of its tool's output was seen)${dropped}${near}`,
    );
    this.explainer?.document(`--preset auto chose ${chosen.map((s) => name(s.origin)).join(', ')}${near}`);
  }

  /** Stores the values held for the sets whose mark has now been seen. */
  #release(): void {
    if (!this.#recognition.releasable) return;
    for (const h of this.#recognition.release()) this.#storeRule(h.s, h.where);
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
    const samples = outcome.samples;
    for (let i = 0; i < samples.length; i++) {
      const key = this.#store(samples[i] as Sample, where);
      // --preset auto: kept only if no preset is chosen (finish()); bounded like the store.
      if (key !== undefined && this.config.autoPresets && this.#fromDefaults.size < this.store.maxSeries)
        this.#fromDefaults.add(key);
    }
    this.explainer?.taken(parser, where(), text, outcome.samples);
    return true;
  }

  problem(msg: string): void {
    this.problems++;
    if (this.problems <= MAX_PROBLEMS_SHOWN) this.reporter.warn(msg);
  }

  /** Stores a sample; its series key, or undefined when it was not stored. */
  #store(
    sample: Sample,
    where: () => string,
    occurrence?: Occurrence,
    unit?: BaseUnit,
    integration?: string,
  ): string | undefined {
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
    const series: Series = {
      name: named.full,
      labels,
      value: sample.value,
      type: sample.type === 'counter' ? 'counter' : 'gauge',
    };
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

  /** False when the value must not be stored (occurrence: first); notes a changed value for the warning at the end. */
  #again(
    key: string,
    name: string,
    labels: Readonly<Record<string, string>>,
    value: number,
    where: () => string,
    occurrence: Occurrence | undefined,
  ): boolean {
    const prev = this.#seen.get(key);
    if (prev === undefined) {
      // Bounded like the store: series beyond what it can hold are not remembered.
      if (this.#seen.size < this.store.maxSeries) this.#seen.set(key, { value, where });
      return true;
    }
    if (occurrence === 'first') return false;
    if (Object.is(prev.value, value)) return true;
    // Only the explainer and the warnings name a series: a progress counter that changes on
    // every line costs a map lookup and a counter, not a label rendering (docs/decisions/line-splitting.md).
    if (this.explainer !== undefined) {
      this.explainer.overwrote(
        `${name}${seriesLabels(labels, this.#context)}`,
        prev.value,
        prev.where(),
        value,
        where(),
      );
    } else if (occurrence === undefined) {
      if (prev.changes !== undefined) prev.changes.more++;
      else if (++this.#setAgainCount <= MAX_PROBLEMS_SHOWN) {
        prev.changes = {
          series: `${name}${seriesLabels(labels, this.#context)}`,
          first: prev.value,
          firstWhere: prev.where(),
          second: value,
          secondWhere: where(),
          more: 0,
        };
        this.#setAgain.push(prev);
      } else prev.changes = { series: '', first: 0, firstWhere: '', second: 0, secondWhere: '', more: 0 };
    }
    prev.value = value;
    prev.where = where;
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
      this.reporter.warnOnce(
        `collide:${input}`,
        `metrics "${first}" and "${input}" both become ${full}; the last value wins`,
      );
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
      if (k in labels && labels[k] !== v)
        this.reporter.warnOnce(`label:${k}`, `label ${k}="${labels[k]}" from the input is replaced by ${k}="${v}"`);
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

/** A series' last value and where it was set; `changes` once it was set again with another value. */
interface Seen {
  value: number;
  where: () => string;
  changes?: { series: string; first: number; firstWhere: string; second: number; secondWhere: string; more: number };
}

/** `x was set to 2 on line 27 and to 11 on line 28, and 1 more time; the last value is kept: 0 from line 29`. */
function setAgainText(seen: Seen): string {
  const c = seen.changes as NonNullable<Seen['changes']>;
  const more = c.more === 0 ? '' : `, and ${c.more} more time${c.more === 1 ? '' : 's'}`;
  return `${c.series} was set to ${c.first} on ${c.firstWhere} and to ${c.second} on ${c.secondWhere}${more}; the last value is kept: ${seen.value} from ${seen.where()} (a rule's occurrence: first|last, or aggregate:, chooses without this warning)`;
}

function isEmpty(obj: Readonly<Record<string, string>>): boolean {
  for (const _ in obj) return false;
  return true;
}
