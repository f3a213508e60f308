// Lines → samples → series: the --pattern rules in order, then the enabled default parsers;
// the first that matches wins. Names and labels get the naming rules of contract §5 here,
// once, before the store.

import type { Config, ParserName } from './config/config.js';
import type { LineParser, ParseOutcome, Sample, ParseState } from './parse/sample.js';
import { newParseState } from './parse/sample.js';
import { parseKv } from './parse/kv.js';
import { parseJson } from './parse/json.js';
import { parseProm } from './parse/prom.js';
import { makePatternParser } from './parse/pattern.js';
import { GuardedRules, MATCH_BUDGET_MS } from './parse/safe-regex.js';
import { Precheck } from './parse/precheck.js';
import { excerpt } from './parse/number.js';
import { fullMetricName, normalizeNamePart } from './naming/metric-name.js';
import { seriesKey, type SeriesStore } from './series.js';
import type { Reporter } from './report.js';

const DEFAULT_PARSERS: Record<ParserName, LineParser> = { kv: parseKv, json: parseJson, prom: parseProm };

/** Problem lines reported one by one before only a count is kept. */
const MAX_PROBLEMS_SHOWN = 10;

export class Extractor {
  /** Samples accepted into the store (every occurrence counts). */
  metricsFound = 0;
  problems = 0;

  /** The --pattern rules, matched under a time budget; null without rules. */
  readonly #patterns: GuardedRules<() => string> | null;
  readonly #defaults: LineParser[];
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
  ) {
    const rules = config.patterns.map((rule) => ({ label: `--pattern ${excerpt(rule.source, 120)}`, parse: makePatternParser(rule) }));
    this.#patterns = rules.length === 0 ? null : new GuardedRules(rules, {
      line: (text, where, outcome) => (outcome === null ? this.#defaultsOn(text, where) : this.#take(outcome, where)),
      slow: (label, where) => reporter.warn(`${label}: took too long on ${where()} (over ${MATCH_BUDGET_MS / 1000} s); no longer applied`),
    });
    this.#defaults = config.parsers.map((p) => DEFAULT_PARSERS[p]);
    this.#context = Object.freeze({ ...config.labels });
  }

  /** The byte gate for the line splitter; null when every line must be seen (patterns). */
  precheck(): Precheck | null {
    if (this.#patterns !== null) return null;
    const on = new Set(this.config.parsers);
    return new Precheck({ kv: on.has('kv'), json: on.has('json'), prom: on.has('prom') });
  }

  /**
   * One line (no `\n`, no trailing `\r`). `where` names it in messages, e.g. "line 12"; it may be
   * called after later lines came (--pattern rules match in batches), so it must name this line.
   */
  line(text: string, where: () => string): void {
    // With rules, the line is matched (and stored) in a batch a few ms later, or by drain().
    if (this.#patterns !== null) this.#patterns.push(text, where);
    else this.#defaultsOn(text, where);
  }

  /** Handles every line given so far (end of input, a signal). */
  drain(): void {
    this.#patterns?.drain();
  }

  #defaultsOn(text: string, where: () => string): void {
    for (const parse of this.#defaults) if (this.#offer(parse, text, where)) return;
  }

  /** Samples found elsewhere (--json-path, run metrics). */
  addSamples(samples: readonly Sample[]): void {
    for (const s of samples) this.#store(s);
  }

  /** Reported once at the end: how many problem lines were not shown one by one. */
  finish(): void {
    this.drain();
    if (this.problems > MAX_PROBLEMS_SHOWN) this.reporter.warn(`${this.problems - MAX_PROBLEMS_SHOWN} more lines with unusable metrics not shown`);
  }

  #offer(parse: LineParser, text: string, where: () => string): boolean {
    let outcome;
    try {
      outcome = parse(text, this.#state);
    } catch (err) {
      // A parser bug must never cost the run: report it like bad input and move on.
      outcome = { samples: [], problem: `parser failed: ${(err as Error).message}` };
    }
    if (outcome === null) return false;
    this.#take(outcome, where);
    return true;
  }

  #take(outcome: NonNullable<ParseOutcome>, where: () => string): void {
    if (outcome.problem !== undefined) this.problem(`${where()}: ${outcome.problem}`);
    for (const s of outcome.samples) this.#store(s);
  }

  problem(msg: string): void {
    this.problems++;
    if (this.problems <= MAX_PROBLEMS_SHOWN) this.reporter.warn(msg);
  }

  #store(sample: Sample): void {
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
    const result = this.store.add(
      { name: named.full, labels, value: sample.value, type: sample.type === 'counter' ? 'counter' : 'gauge' },
      key,
    );
    if (result === 'dropped') {
      this.reporter.warnOnce('max-series', `more than ${this.store.maxSeries} distinct series: new series are dropped from here on (--max-series); the count is in the summary`);
    } else this.metricsFound++;
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
      this.#names.set(part, input);
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

function isEmpty(obj: Readonly<Record<string, string>>): boolean {
  for (const _ in obj) return false;
  return true;
}
