// Everything the program says goes through here: stderr only, one prefix,
// secrets redacted, the volume bounded (JES keeps about 128 KB of a job's log).

import { escapeControls } from './escape.js';
import { SecretMask } from './mask.js';

export type Verbosity = 'quiet' | 'normal' | 'verbose';

export const PREFIX = 'jes-metrics-pipe: ';

/** Most bytes of diagnostics one run writes; the rest is counted and said once. */
export const DEFAULT_BUDGET = 48 * 1024;

export interface ReporterOptions {
  verbosity?: Verbosity;
  /** Where the text goes: the run's stderr. */
  write: (text: string) => void;
  budget?: number;
}

export class Reporter {
  readonly verbosity: Verbosity;
  readonly #write: (text: string) => void;
  readonly #mask = new SecretMask();
  readonly #said = new Set<string>();
  #budget: number;
  #withheld = 0;

  constructor(opts: ReporterOptions) {
    this.verbosity = opts.verbosity ?? 'normal';
    this.#write = opts.write;
    this.#budget = opts.budget ?? DEFAULT_BUDGET;
  }

  /**
   * Register a credential: in every later message it is replaced by `***` where it appears as
   * a credential (lib/report/mask.ts), and everywhere when it looks random.
   */
  addSecret(secret: string | undefined, kind: 'credential' | 'identity' = 'credential'): void {
    this.#mask.add(secret, kind);
  }

  /** A label value with the registered secrets masked (lib/report/mask.ts, maskValue). */
  maskValue(value: string): string {
    return this.#mask.maskValue(value);
  }

  redact(text: string): string {
    return this.#mask.redact(text);
  }

  /**
   * At most `max` characters of a foreign text (a server's body) for a message: masked before
   * it is cut, a secret's start at the cut masked too, control characters escaped.
   */
  excerpt(text: string, max: number): string {
    return this.#mask.cut(escapeControls(text), max);
  }

  error(msg: string): void {
    this.#emit(`${PREFIX}error: ${oneLine(msg)}`, true);
  }

  warn(msg: string): void {
    if (this.verbosity !== 'quiet' && !this.#spent()) this.#emit(`${PREFIX}warning: ${oneLine(msg)}`, false);
  }

  /** A warning said at most once per key (a changed name, a dropped series). */
  warnOnce(key: string, msg: string): void {
    if (this.#said.has(key)) return;
    this.#said.add(key);
    this.warn(msg);
  }

  info(msg: string): void {
    if (this.verbosity !== 'quiet' && !this.#spent()) this.#emit(`${PREFIX}${oneLine(msg)}`, false);
  }

  verbose(msg: string): void {
    if (this.verbosity === 'verbose' && !this.#spent()) this.#emit(`${PREFIX}${oneLine(msg)}`, false);
  }

  /** Nothing but errors can be shown any more: the message is counted without being formatted (2 M renamed names cost 2 M maskings). */
  #spent(): boolean {
    if (this.#budget > PREFIX.length) return false;
    this.#withheld++;
    return true;
  }

  /**
   * A multi-line block (an unsent payload), errors only: at most `maxLines` lines,
   * each cut at `maxLineChars`, and a count of what was left out.
   */
  block(title: string, text: string, maxLines = 200, maxLineChars = 400): void {
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    // Masked and escaped before the cut, so a cut cannot leave the start of a secret readable.
    const shown = lines.slice(0, maxLines).map((raw) => {
      const l = this.redact(escapeControls(raw));
      return l.length > maxLineChars
        ? `${this.#mask.maskPartialTail(l.slice(0, maxLineChars))}… (${l.length - maxLineChars} more characters)`
        : l;
    });
    let out = `${PREFIX}${oneLine(title)}\n${shown.join('\n')}`;
    if (lines.length > maxLines) out += `\n… ${lines.length - maxLines} more lines not shown`;
    this.#emit(out, true);
  }

  /** Called once at the end: says how much was withheld by the budget, if anything. */
  flushWithheld(): void {
    if (this.#withheld > 0) {
      const n = this.#withheld;
      this.#write(
        `${PREFIX}${n} more ${n === 1 ? 'message' : 'messages'} not shown (stderr budget of ${DEFAULT_BUDGET} bytes reached)\n`,
      );
      this.#withheld = 0;
    }
  }

  /**
   * The last line of a run: after the count of what the budget withheld, and never withheld
   * itself (it is what a reader of a cut log looks for). Not shown with --quiet.
   */
  summary(msg: string): void {
    this.flushWithheld();
    if (this.verbosity !== 'quiet') this.#write(`${this.redact(`${PREFIX}${oneLine(msg)}`)}\n`);
  }

  #emit(line: string, isError: boolean): void {
    const text = `${this.redact(line)}\n`;
    // Errors always get through; other messages stop at the budget.
    if (!isError && text.length > this.#budget) {
      this.#withheld++;
      return;
    }
    this.#budget -= text.length;
    this.#write(text);
  }
}

/**
 * Every message is one line of plain text: a newline inside one (a server's body, a metric
 * name from the input) is shown as `\\n`, ESC as `\\x1b`, and so on, so nothing can forge a
 * log line, split a message in two or drive the terminal.
 */
function oneLine(msg: string): string {
  return escapeControls(msg);
}

export interface RunCounts {
  lines: number;
  overlong: number;
  metrics: number;
  series: number;
  dropped: number;
  droppedExamples: readonly string[];
  unusable: number;
  outcomes: ReadonlyArray<{ backend: string; summary: string }>;
  noBackend: boolean;
}

/** The one line at the end: what was read and found, and each backend's outcome. */
export function summaryLine(c: RunCounts): string {
  let text = `${count(c.lines, 'line')} read, ${count(c.metrics, 'metric')} found, ${c.series} series`;
  if (c.dropped > 0) text += `, ${c.dropped} dropped over --max-series (e.g. ${c.droppedExamples.join(', ')})`;
  if (c.overlong > 0) text += `, ${count(c.overlong, 'line')} too long to parse`;
  if (c.unusable > 0) text += `, ${c.unusable} unusable`;
  for (const o of c.outcomes) text += `; ${o.backend}: ${o.summary}`;
  if (c.noBackend) text += '; no backend configured';
  return text;
}

/** `1 line`, `2 lines`. */
export function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}
