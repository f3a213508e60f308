// A time budget for the user's regexes (--pattern, and rules from files): compileUserRegex,
// runWithinBudget and GuardedRules (drain(true) after a signal: one cut drops a rule). Why V8's
// own engine under a vm timeout, what was measured against it, and the interface:
// docs/decisions/regex-budget.md.

import vm from 'node:vm';
import { newParseState, type LineParser, type ParseOutcome } from '../parsers/sample.js';

/** The most one call into the rules may run before it is cut (wall clock). */
export const MATCH_BUDGET_MS = 200;
/**
 * When a rule is dropped: cut twice in a row on the same line (the retry starts at that line
 * and rule with a fresh budget, so one exec ran over the budget), or cut CUTS_TO_DROP times in
 * all. A cut counts only when the CPU was busy for half the budget: a process descheduled on
 * a loaded machine is given another go (at most UNVERIFIED_CUTS_TO_DROP in a row).
 */
export const SAME_LINE_CUTS_TO_DROP = 2;
export const CUTS_TO_DROP = 4;
export const UNVERIFIED_CUTS_TO_DROP = 6;
/** Queued text past which the queue is matched at once, in the call that queued the line. */
export const BATCH_CHARS = 1024 * 1024;
/**
 * Otherwise a queued line waits at most this long. Each budgeted call starts a watchdog thread
 * (about 0.1 ms, several ms of wall time on a loaded machine): at full speed the batches are
 * BATCH_CHARS, not whatever one turn of the event loop read.
 */
export const BATCH_WAIT_MS = 10;

/** The user's regex, compiled as JavaScript users expect: same syntax, flags and errors as new RegExp. */
export function compileUserRegex(source: string, flags = ''): RegExp {
  return new RegExp(source, flags);
}

let sandbox: { context: vm.Context; script: vm.Script; job: { run: () => void } } | undefined;

/**
 * Runs `work` synchronously; true when it returned, false when it was cut after `budgetMs`
 * (whatever it was doing, even inside one RegExp exec). A cut leaves V8 usable; what `work`
 * was half-way through is lost, so `work` must only write results it can lose.
 */
export function runWithinBudget(work: () => void, budgetMs: number): boolean {
  if (sandbox === undefined) {
    const job = { run: (): void => undefined };
    const context = vm.createContext({ job });
    sandbox = { context, script: new vm.Script('job.run()'), job };
  }
  sandbox.job.run = work;
  try {
    sandbox.script.runInContext(sandbox.context, { timeout: budgetMs });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
    throw err;
  } finally {
    sandbox.job.run = () => undefined;
  }
}

export interface GuardedRule {
  /** How messages name the rule: its --pattern text, or a rule file's name for it. */
  readonly label: string;
  readonly parse: LineParser;
}

/** `W`: what names a line in messages (a string, or a function that makes one only when needed). */
/** With the `detail` option: what each rule applied to a line gave (null: no match), in rule order. */
export type RuleOutcomes = ReadonlyArray<{ rule: number; outcome: ParseOutcome }>;

export interface GuardedSink<W> {
  /**
   * Each pushed line, in order: the first rule's outcome (not null), or null when none matched;
   * with `detail`, also every applied rule's own outcome (for --explain, which observes the run).
   */
  line(text: string, where: W, outcome: NonNullable<ParseOutcome> | null, detail?: RuleOutcomes): void;
  /** Once per rule that ran too long (`where` names the line it was cut on); it is not applied from then on. */
  /** `rule`: its index in the rules given. */
  slow(label: string, where: W, rule: number): void;
}

export interface GuardedOptions {
  budgetMs?: number;
  batchChars?: number;
  /**
   * Every rule is applied to every line and the outcomes are merged (samples of all, the first
   * problem); the rule engine (lib/extract/rules/line-rules.ts) uses it. Default: the first match wins.
   */
  every?: boolean;
  /** Hand each line's per-rule outcomes to the sink as well (--explain). */
  detail?: boolean;
}

export class GuardedRules<W = string> {
  readonly #rules: readonly GuardedRule[];
  readonly #sink: GuardedSink<W>;
  readonly #budgetMs: number;
  readonly #batchChars: number;
  readonly #every: boolean;
  readonly #detail: boolean;
  /** With `detail`: per queued line, the outcome of each rule applied to it (kept across a cut, like #partial). */
  #details: Array<Array<{ rule: number; outcome: ParseOutcome }>> = [];
  /** With `every`: the current line's merged outcome so far, kept across a cut. */
  #partial: NonNullable<ParseOutcome> | null = null;
  readonly #dropped: boolean[];
  /** Verified cuts of each rule. */
  readonly #cuts: number[];
  /** The last cut: line (counted over the whole run) and rule, and how often in a row there (verified, all). */
  #cutLine = -1;
  #cutRule = -1;
  #cutsHere = 0;
  #triesHere = 0;
  /** Lines handed on before the queue's first one. */
  #base = 0;
  #texts: string[] = [];
  #wheres: W[] = [];
  #outcomes: (NonNullable<ParseOutcome> | null)[] = [];
  #chars = 0;
  /** Progress of the matching: the next line to match, and the rule to start it with. */
  #next = 0;
  #rule = 0;
  #active: number;
  #scheduled = false;
  #draining = false;
  #final = false;
  /** Pattern rules keep no state across lines; the parser signature wants one. */
  readonly #state = newParseState();

  constructor(rules: readonly GuardedRule[], sink: GuardedSink<W>, opts: GuardedOptions = {}) {
    this.#rules = rules;
    this.#sink = sink;
    this.#budgetMs = opts.budgetMs ?? MATCH_BUDGET_MS;
    this.#batchChars = opts.batchChars ?? BATCH_CHARS;
    this.#every = opts.every === true;
    this.#detail = opts.detail === true;
    this.#dropped = rules.map(() => false);
    this.#active = rules.length;
    this.#cuts = rules.map(() => 0);
  }

  /** Rules still applied. */
  get active(): number {
    return this.#active;
  }

  /** Queues a line; it reaches the sink within this call, or within BATCH_WAIT_MS. */
  push(text: string, where: W): void {
    // Every rule dropped, nothing queued: nothing to match, no reason to wait.
    if (this.#active === 0 && this.#texts.length === 0) {
      this.#sink.line(text, where, null);
      return;
    }
    this.#texts.push(text);
    this.#wheres.push(where);
    this.#chars += text.length;
    if (this.#chars >= this.#batchChars) this.#work(false);
    else this.#schedule(BATCH_WAIT_MS);
  }

  /** A later turn of the event loop goes on with the queue (unref'd: the end of input drains it). */
  #schedule(ms: number): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.#work(false);
    }, ms).unref();
  }

  /**
   * Matches and hands on everything queued (end of input, a signal, before a push). `final`
   * (after a signal): a rule cut once is dropped at once, not given another go, so that a
   * SIGTERM ends the run within a budget per slow rule.
   */
  drain(final = false): void {
    if (final) this.#final = true;
    this.#work(true);
  }

  /**
   * One budgeted call at a time. `all`: go on after a cut until the queue is empty; otherwise a
   * cut ends the turn so that the event loop (the passthrough, signals, timers) runs first.
   */
  #work(all: boolean): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#next < this.#texts.length) {
        const applied = this.#next;
        const cpu = process.cpuUsage();
        const finished = runWithinBudget(() => this.#match(), this.#budgetMs);
        this.#handOn(applied, this.#next);
        if (finished) break;
        const used = process.cpuUsage(cpu);
        this.#cut((used.user + used.system) / 1000 >= this.#budgetMs / 2);
        if (!all) {
          this.#schedule(0);
          break;
        }
      }
      if (this.#next === this.#texts.length) this.#reset();
    } finally {
      this.#draining = false;
    }
  }

  /** Inside the budget: writes only #outcomes and the progress counters. */
  #match(): void {
    const texts = this.#texts;
    const rules = this.#rules;
    const dropped = this.#dropped;
    const outcomes = this.#outcomes;
    for (; this.#next < texts.length; this.#next++, this.#rule = 0) {
      const text = texts[this.#next] as string;
      let outcome: NonNullable<ParseOutcome> | null = this.#every ? this.#partial : null;
      for (; this.#rule < rules.length; this.#rule++) {
        if (dropped[this.#rule]) continue;
        let got: ParseOutcome;
        try {
          got = (rules[this.#rule] as GuardedRule).parse(text, this.#state);
        } catch (err) {
          // A parser bug must never cost the run: report it like bad input and move on.
          got = { samples: [], problem: `parser failed: ${(err as Error).message}` };
        }
        if (this.#detail) (this.#details[this.#next] ??= []).push({ rule: this.#rule, outcome: got });
        if (got !== null) {
          if (!this.#every) {
            outcome = got;
            break;
          }
          outcome = mergeOutcomes(outcome, got);
          this.#partial = outcome;
        }
      }
      this.#partial = null;
      outcomes[this.#next] = outcome;
    }
  }

  #handOn(from: number, to: number): void {
    for (let i = from; i < to; i++) {
      const detail = this.#detail ? (this.#details[i] ?? []) : undefined;
      this.#sink.line(this.#texts[i] as string, this.#wheres[i] as W, this.#outcomes[i] ?? null, detail);
    }
  }

  /** The budget ran out while line #next was at rule #rule. `verified`: the CPU was busy meanwhile. */
  #cut(verified: boolean): void {
    const rule = this.#rule;
    if (rule >= this.#rules.length || this.#dropped[rule]) return;
    const line = this.#base + this.#next;
    if (line !== this.#cutLine || rule !== this.#cutRule) {
      this.#cutLine = line;
      this.#cutRule = rule;
      this.#cutsHere = 0;
      this.#triesHere = 0;
    }
    this.#triesHere++;
    if (verified) {
      this.#cutsHere++;
      this.#cuts[rule] = (this.#cuts[rule] ?? 0) + 1;
    }
    if (
      !this.#final &&
      this.#cutsHere < SAME_LINE_CUTS_TO_DROP &&
      (this.#cuts[rule] ?? 0) < CUTS_TO_DROP &&
      this.#triesHere < UNVERIFIED_CUTS_TO_DROP
    )
      return;
    this.#dropped[rule] = true;
    this.#active--;
    this.#sink.slow((this.#rules[rule] as GuardedRule).label, this.#wheres[this.#next] as W, rule);
  }

  #reset(): void {
    this.#base += this.#texts.length;
    this.#texts = [];
    this.#wheres = [];
    this.#outcomes = [];
    this.#details = [];
    this.#chars = 0;
    this.#next = 0;
    this.#rule = 0;
  }
}

function mergeOutcomes(a: NonNullable<ParseOutcome> | null, b: NonNullable<ParseOutcome>): NonNullable<ParseOutcome> {
  if (a === null)
    return {
      samples: [...b.samples],
      ...(b.problem !== undefined ? { problem: b.problem } : {}),
      ...(b.warning !== undefined ? { warning: b.warning } : {}),
    };
  a.samples.push(...b.samples);
  if (a.problem === undefined && b.problem !== undefined) a.problem = b.problem;
  if (a.warning === undefined && b.warning !== undefined) a.warning = b.warning;
  return a;
}
