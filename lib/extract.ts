// Lines → samples → series: the --pattern rules in order, then the enabled default parsers;
// the first that matches wins. Names and labels get the naming rules of contract §5 here,
// once, before the store.

import type { Config, ParserName } from './config/config.js';
import type { LineParser, Sample, ParseState } from './parse/sample.js';
import { newParseState } from './parse/sample.js';
import { parseKv } from './parse/kv.js';
import { parseJson } from './parse/json.js';
import { parseProm } from './parse/prom.js';
import { makePatternParser } from './parse/pattern.js';
import { Precheck } from './parse/precheck.js';
import { fullMetricName, normalizeNamePart } from './naming/metric-name.js';
import type { SeriesStore } from './series.js';
import type { Reporter } from './report.js';

const DEFAULT_PARSERS: Record<ParserName, LineParser> = { kv: parseKv, json: parseJson, prom: parseProm };

/** Problem lines reported one by one before only a count is kept. */
const MAX_PROBLEMS_SHOWN = 10;

export class Extractor {
  /** Samples accepted into the store (every occurrence counts). */
  metricsFound = 0;
  problems = 0;

  readonly #patterns: LineParser[];
  readonly #defaults: LineParser[];
  readonly #state: ParseState = newParseState();
  /** normalized name part → the first input name that produced it, to spot collisions. */
  readonly #names = new Map<string, string>();

  constructor(
    readonly config: Config,
    readonly store: SeriesStore,
    readonly reporter: Reporter,
  ) {
    this.#patterns = config.patterns.map(makePatternParser);
    this.#defaults = config.parsers.map((p) => DEFAULT_PARSERS[p]);
  }

  /** The byte gate for the line splitter; null when every line must be seen (patterns). */
  precheck(): Precheck | null {
    if (this.#patterns.length > 0) return null;
    const on = new Set(this.config.parsers);
    return new Precheck({ kv: on.has('kv'), json: on.has('json'), prom: on.has('prom') });
  }

  /** One line (no `\n`, no trailing `\r`). `where` names it in messages, e.g. "line 12". */
  line(text: string, where: () => string): void {
    for (const parse of this.#patterns) if (this.#offer(parse, text, where)) return;
    for (const parse of this.#defaults) if (this.#offer(parse, text, where)) return;
  }

  /** Samples found elsewhere (--json-path, run metrics). */
  addSamples(samples: readonly Sample[]): void {
    for (const s of samples) this.#store(s);
  }

  /** Reported once at the end: how many problem lines were not shown one by one. */
  finish(): void {
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
    if (outcome.problem !== undefined) this.problem(`${where()}: ${outcome.problem}`);
    for (const s of outcome.samples) this.#store(s);
    return true;
  }

  problem(msg: string): void {
    this.problems++;
    if (this.problems <= MAX_PROBLEMS_SHOWN) this.reporter.warn(msg);
  }

  #store(sample: Sample): void {
    const cfg = this.config;
    const part = normalizeNamePart(sample.name);
    const first = this.#names.get(part);
    if (first === undefined) {
      this.#names.set(part, sample.name);
      if (part !== sample.name) this.reporter.info(`metric "${sample.name}" is sent as ${fullMetricName(cfg.prefix, cfg.integration, sample.name)}`);
    } else if (first !== sample.name) {
      this.reporter.warnOnce(`collide:${sample.name}`, `metrics "${first}" and "${sample.name}" both become ${fullMetricName(cfg.prefix, cfg.integration, sample.name)}; the last value wins`);
    }
    // The context labels (ci_platform, keptn_*, --label) win over a line's own.
    const labels: Record<string, string> = { ...sample.labels };
    for (const [k, v] of Object.entries(cfg.labels)) {
      if (k in labels && labels[k] !== v) this.reporter.warnOnce(`label:${k}`, `label ${k}="${labels[k]}" from the input is replaced by ${k}="${v}"`);
      labels[k] = v;
    }
    const result = this.store.add({
      name: fullMetricName(cfg.prefix, cfg.integration, sample.name),
      labels,
      value: sample.value,
      type: sample.type === 'counter' ? 'counter' : 'gauge',
    });
    if (result === 'dropped') {
      this.reporter.warnOnce('max-series', `more than ${this.store.maxSeries} distinct series: new series are dropped from here on (--max-series); the count is in the summary`);
    } else this.metricsFound++;
  }
}
