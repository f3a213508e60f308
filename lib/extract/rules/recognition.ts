// Whether each rule set (a --rules file, a preset) recognised its tool's output (issue: a preset
// that recognised nothing must not send its zeros). A set with `marks:` is recognised when one of
// them was seen (a line, a JSON document's shape, an XML root element); one without, when one of
// its rules read a value from the input. Until then the values its rules read are held back, so
// that a periodic push (--flush-interval) cannot send them early; its `default:` values are made
// only for a recognised set. At the end, a set not recognised is said, once, and nothing from it
// is sent. The command line's --pattern/--json-path rules are always taken as they match.

import type { Mark, Rule, RuleSet } from './model.js';
import type { RuleSample } from './rule-sample.js';
import { seriesKey } from '../../store/series.js';

/** The JSON and XML marks' module: loaded at the first document that needs it, then kept. */
let marksModule: Promise<typeof import('./marks.js')> | undefined;

interface Held {
  s: RuleSample;
  /** Named only if a message needs it: building the text for every held value cost more than holding it. */
  where: () => string;
}

interface SetState {
  set: RuleSet;
  /** A mark was seen (its held values are released at the next chance). */
  seen: boolean;
  recognised: boolean;
  /** Series key → its first and last value read before the mark was seen; bounded by maxSeries keys. */
  held: Map<string, { first: Held; last?: Held }>;
}

export class Recognition {
  readonly #states: SetState[];
  readonly #byRule = new Map<Rule, SetState>();
  readonly #maxHeld: number;
  /** Sets not recognised yet: while 0, nothing here costs anything per sample. */
  open = 0;
  /** Sets whose mark was seen but whose held values are not released yet. */
  #toRelease = 0;

  /** `sets`: the rule files and presets (not the command line's rules). */
  constructor(sets: readonly RuleSet[], maxHeld: number) {
    this.#maxHeld = maxHeld;
    this.#states = sets.map((set) => ({ set, seen: false, recognised: false, held: new Map() }));
    for (const st of this.#states) for (const r of st.set.rules) this.#byRule.set(r, st);
    this.open = this.#states.length;
  }

  /** Some set has a JSON or XML mark: the input must be kept as a document for it. */
  get documentMarks(): boolean {
    return this.#states.some((st) => st.set.marks?.some((m) => m.kind !== 'mark'));
  }

  /** A line mark of `set` matched (may be called inside the time budget: it only sets flags). */
  seen(set: RuleSet): void {
    const st = this.#states.find((s) => s.set === set);
    if (st === undefined || st.seen || st.recognised) return;
    st.seen = true;
    this.#toRelease++;
  }

  /** True when a mark was seen and its set's held values wait for release(). */
  get releasable(): boolean {
    return this.#toRelease > 0;
  }

  /** The values held for the sets whose mark has been seen, in the order read (first and last of each series); they are recognised from now on. */
  release(): Held[] {
    const out: Held[] = [];
    for (const st of this.#states) {
      if (!st.seen || st.recognised) continue;
      this.#recognise(st);
      for (const { first, last } of st.held.values()) {
        out.push(first);
        if (last !== undefined) out.push(last);
      }
      st.held.clear();
    }
    this.#toRelease = 0;
    return out;
  }

  /** A value a rule read: true to store it now, false when it is held (its set has marks, none seen yet). */
  take(s: RuleSample, where: () => string): boolean {
    const st = this.#byRule.get(s.rule);
    if (st === undefined || st.recognised) return true;
    if (st.set.marks === undefined) {
      this.#recognise(st);
      return true;
    }
    const key = seriesKey(s.name, s.labels);
    const held = st.held.get(key);
    if (held !== undefined) held.last = { s, where };
    else if (st.held.size < this.#maxHeld) st.held.set(key, { first: { s, where } });
    return false;
  }

  /** A value an aggregating rule read (folded, not held): a set without marks is recognised by it. */
  read(rule: Rule): void {
    const st = this.#byRule.get(rule);
    if (st !== undefined && !st.recognised && st.set.marks === undefined) this.#recognise(st);
  }

  /** Whether `rule`'s set is recognised (the command line's rules always are): its defaults may be made. */
  recognised(rule: Rule): boolean {
    const st = this.#byRule.get(rule);
    return st === undefined || st.recognised;
  }

  /**
   * At end of input: the JSON and XML marks of the sets not recognised yet, against the document.
   * `autoNear`: --preset auto's sets read JSON lines only near the input's start and end.
   */
  async documentSeen(text: string, autoNear?: { head: number; tail: number }): Promise<void> {
    for (const st of this.#states) {
      const marks: readonly Mark[] = st.set.marks ?? [];
      if (st.seen || st.recognised || !marks.some((m) => m.kind !== 'mark')) continue;
      const { documentMarksSeen } = await (marksModule ??= import('./marks.js'));
      const near = st.set.auto === true ? autoNear : undefined;
      if ((await documentMarksSeen(text, marks, near)).size > 0) this.seen(st.set);
    }
  }

  /** At the end: one line for each set that recognised nothing (its held values are dropped); --preset auto's own sets are not named. */
  unrecognised(): string[] {
    const out: string[] = [];
    for (const st of this.#states) {
      if (st.recognised) continue;
      st.held.clear();
      if (st.set.auto !== true) out.push(notRecognised(st.set));
    }
    return out;
  }

  /**
   * --preset auto (before unrecognised()): the sets it brought that recognised their tool, and
   * those that came close (their rules read values, but none of their marks was seen).
   */
  autoChoice(): { chosen: RuleSet[]; close: Array<{ set: RuleSet; values: number }> } {
    const auto = this.#states.filter((st) => st.set.auto === true);
    return {
      chosen: auto.filter((st) => st.recognised).map((st) => st.set),
      close: auto
        .filter((st) => !st.recognised && st.held.size > 0)
        .map((st) => ({ set: st.set, values: st.held.size })),
    };
  }

  #recognise(st: SetState): void {
    st.recognised = true;
    this.open--;
  }
}

/** The warning for a set that recognised nothing: it names the flag that brought it. */
function notRecognised(set: RuleSet): string {
  const defaults = set.rules.some((r) => r.kind !== 'context' && r.default !== undefined);
  const what = defaults ? 'nothing from it is sent, not even its default: values' : 'nothing from it is sent';
  if (set.origin.startsWith('preset '))
    return `--preset ${set.origin.slice('preset '.length)} recognised none of its tool's output: ${what}`;
  if (set.marks !== undefined)
    return `--rules ${set.origin} recognised none of its tool's output (none of its marks: was seen): ${what}`;
  return `--rules ${set.origin} matched nothing: ${what}`;
}
