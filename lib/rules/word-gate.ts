// The byte pre-filter with line rules: a line goes to the parsers when the default parsers' own
// gate lets it through (lib/parse/precheck.ts), or when it holds every required word of some
// line rule (lib/rules/words.ts). Each word's next occurrence is searched once per buffer with
// the native Buffer#indexOf and reused for every line before it, so the cost is one pass over
// the bytes per distinct word, not one search per line.

import { Precheck, type PrecheckOptions } from '../parse/precheck.js';

class WordSearch {
  readonly bytes: Buffer;
  #buf: Uint8Array | undefined;
  #view: Buffer = Buffer.alloc(0);
  #from = 0;
  #next = -1;

  constructor(word: string) {
    this.bytes = Buffer.from(word, 'utf8');
  }

  /** buf[start, end) holds the word. */
  within(buf: Uint8Array, start: number, end: number): boolean {
    if (buf !== this.#buf || start <= this.#from || (this.#next !== -1 && this.#next < start)) {
      if (buf !== this.#buf) {
        this.#buf = buf;
        this.#view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      }
      this.#from = start;
      this.#next = this.#view.indexOf(this.bytes, start);
    }
    return this.#next !== -1 && this.#next + this.bytes.length <= end;
  }
}

export class WordPrecheck extends Precheck {
  readonly #rules: WordSearch[][];

  /** `rules`: per line rule, the words it needs (all of them). */
  constructor(options: PrecheckOptions, rules: readonly (readonly string[])[]) {
    super(options);
    const byWord = new Map<string, WordSearch>();
    const search = (w: string): WordSearch => {
      let s = byWord.get(w);
      if (s === undefined) byWord.set(w, (s = new WordSearch(w)));
      return s;
    };
    this.#rules = rules.map((words) => words.map(search));
  }

  override mayBeMetric(buf: Uint8Array, start: number, end: number): boolean {
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
    return super.mayBeMetric(buf, start, end);
  }

  override forget(): void {
    super.forget();
    for (const words of this.#rules) for (const w of words) w.within(Buffer.alloc(0), 0, 0);
  }
}
