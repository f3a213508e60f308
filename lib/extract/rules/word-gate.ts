// The byte pre-filter with line rules: a line goes to the parsers when the default parsers' own
// gate lets it through (lib/extract/parsers/precheck.ts), or when it holds every required word of some
// line rule (lib/extract/rules/words.ts). Each rule's longest word is its key: the nearest occurrence of
// any key is searched with the native Buffer#indexOf and kept, so a line that ends before it is
// answered with one comparison; only a line holding a key is checked for that rule's other words.
// The cost is about one pass over the bytes per key word, not one search per line.

import { Precheck, type PrecheckOptions } from '../parsers/precheck.js';
import type { RequiredPrefix } from './words.js';

/** What one line rule needs of a line: a prefix at its start (cheap), or words anywhere. */
export type RuleGate = { prefix: RequiredPrefix } | { words: readonly string[] };

class WordSearch {
  readonly bytes: Buffer;
  #buf: Uint8Array | undefined;
  #view: Buffer = Buffer.alloc(0);
  #from = 0;
  #next = -1;

  constructor(word: string) {
    this.bytes = Buffer.from(word, 'utf8');
  }

  /** Where the word next occurs in buf at or after `start`; Infinity when it does not. */
  next(buf: Uint8Array, start: number): number {
    // `<=`: the same start again means a new line in a reused buffer more often than a repeat.
    if (buf !== this.#buf || start <= this.#from || (this.#next !== -1 && this.#next < start)) {
      if (buf !== this.#buf) {
        this.#buf = buf;
        this.#view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      }
      this.#from = start;
      this.#next = this.#view.indexOf(this.bytes, start);
    }
    return this.#next === -1 ? Infinity : this.#next;
  }

  /** buf[start, end) holds the word. */
  within(buf: Uint8Array, start: number, end: number): boolean {
    return this.next(buf, start) + this.bytes.length <= end;
  }
}

export class WordPrecheck extends Precheck {
  readonly #rules: WordSearch[][];
  readonly #words: WordSearch[];
  // The nearest occurrence of any word at or after #anyFrom in #anyBuf: most lines end before
  // it and are answered with one comparison.
  #anyBuf: Uint8Array | undefined;
  #anyFrom = 0;
  #any = -1;

  /** Prefixes by their first byte: at the line's start, and after its leading blanks. */
  readonly #atStart: Array<Buffer[] | undefined> = new Array(256);
  readonly #afterBlanks: Array<Array<{ bytes: Buffer; some: boolean }> | undefined> = new Array(256);
  readonly #anyAfterBlanks: boolean;

  /** `gates`: per line rule, the prefix it needs, or the words it needs (all of them). */
  constructor(options: PrecheckOptions, gates: readonly RuleGate[]) {
    super(options);
    for (const g of gates) {
      if (!('prefix' in g)) continue;
      const bytes = Buffer.from(g.prefix.prefix, 'utf8');
      const first = bytes[0] as number;
      if (g.prefix.blanks === 'none') (this.#atStart[first] ??= []).push(bytes);
      else (this.#afterBlanks[first] ??= []).push({ bytes, some: g.prefix.blanks === 'some' });
    }
    this.#anyAfterBlanks = this.#afterBlanks.some((l) => l !== undefined);
    const rules = gates.flatMap((g) => ('words' in g ? [g.words] : []));
    const byWord = new Map<string, WordSearch>();
    const search = (w: string): WordSearch => {
      let s = byWord.get(w);
      if (s === undefined) byWord.set(w, (s = new WordSearch(w)));
      return s;
    };
    // Each rule's longest word goes first: it is the rule's key, the one looked for on every line
    // (a short word such as `: ` or `ms` is on most lines; a long one is rare).
    this.#rules = rules.map((words) =>
      [...words].sort((a, b) => Buffer.byteLength(b) - Buffer.byteLength(a)).map(search),
    );
    this.#words = [...new Set(this.#rules.map((r) => r[0] as WordSearch))];
  }

  override mayBeMetric(buf: Uint8Array, start: number, end: number): boolean {
    if (start < end) {
      const here = this.#atStart[buf[start] as number];
      if (here !== undefined) for (const p of here) if (startsWith(buf, start, end, p)) return true;
      if (this.#anyAfterBlanks) {
        // \s is more than space and tab: other ASCII blanks are skipped too, and a non-ASCII
        // byte (a Unicode space?) lets the line through rather than guess.
        let i = start;
        while (i < end && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0d || buf[i] === 0x0b || buf[i] === 0x0c))
          i++;
        if (i < end && (buf[i] as number) >= 0x80) return true;
        const after = i < end ? this.#afterBlanks[buf[i] as number] : undefined;
        if (after !== undefined)
          for (const p of after) if ((!p.some || i > start) && startsWith(buf, i, end, p.bytes)) return true;
      }
    }
    if (this.#words.length > 0 && (buf !== this.#anyBuf || start <= this.#anyFrom || this.#any < start)) {
      this.#anyBuf = buf;
      this.#anyFrom = start;
      let any = Infinity;
      for (const w of this.#words) any = Math.min(any, w.next(buf, start));
      this.#any = any;
    }
    if (this.#words.length > 0 && this.#any < end && this.#rulesWithin(buf, start, end)) return true;
    return super.mayBeMetric(buf, start, end);
  }

  #rulesWithin(buf: Uint8Array, start: number, end: number): boolean {
    for (const words of this.#rules) {
      let all = true;
      for (const w of words) {
        if (!w.within(buf, start, end)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }

  override forget(): void {
    super.forget();
    this.#anyBuf = undefined;
    for (const w of this.#words) w.next(Buffer.alloc(0), 0);
  }
}

function startsWith(buf: Uint8Array, at: number, end: number, prefix: Buffer): boolean {
  if (end - at < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[at + k] !== prefix[k]) return false;
  return true;
}
