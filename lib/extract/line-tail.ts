// --preset auto reads the input's last lines at the end (lib/extract/extractor.ts, docs/presets.md
// "What it reads"). Once the head was read, the lines' splitter (lib/input/lines.ts) hands every
// line's bytes here, and only the last `max` bytes of lines are kept, in one reused buffer: no
// line is decoded or gated for the tail until the end, where only the kept ones are.

import { stripEscapes } from './parsers/ansi.js';

const ESC = 0x1b;

export class LineTail {
  /** Set by the extractor when the head has been read: lines are kept from then on. */
  active = false;
  readonly #max: number;
  #buf: Buffer;
  /** Bytes written to #buf; the kept lines are in [#starts[#first], #used). */
  #used = 0;
  #starts: number[] = [];
  #ends: number[] = [];
  /** Each kept line's number (the splitter's count). */
  #numbers: number[] = [];
  #first = 0;
  /** The kept lines' bytes, one more for each line's `\n`. */
  #bytes = 0;

  constructor(max: number) {
    this.#max = max;
    this.#buf = Buffer.allocUnsafe(4 * max);
  }

  /** Line number `n` is buf[start, end) (no `\n`, no trailing `\r`): kept, and the oldest lines past `max` bytes dropped. */
  keep(buf: Uint8Array, start: number, end: number, n: number): void {
    const length = end - start;
    if (this.#used + length > this.#buf.length) this.#compact(length);
    this.#buf.set(buf.subarray(start, end), this.#used);
    this.#starts.push(this.#used);
    this.#ends.push(this.#used + length);
    this.#numbers.push(n);
    this.#used += length;
    this.#bytes += length + 1;
    // The last line stays, however long (as maxLineBytes allowed it).
    while (this.#bytes > this.#max && this.#first < this.#starts.length - 1) {
      this.#bytes -= (this.#ends[this.#first] as number) - (this.#starts[this.#first] as number) + 1;
      this.#first++;
    }
  }

  /** The kept lines, oldest first, decoded as the splitter decodes a line (escape sequences taken out); emptied. */
  take(): Array<{ text: string; n: number }> {
    const lines: Array<{ text: string; n: number }> = [];
    for (let i = this.#first; i < this.#starts.length; i++) {
      const line = this.#buf.subarray(this.#starts[i], this.#ends[i]);
      const text = line.toString('utf8');
      lines.push({ text: line.includes(ESC) ? stripEscapes(text) : text, n: this.#numbers[i] as number });
    }
    this.#starts = [];
    this.#ends = [];
    this.#numbers = [];
    this.#first = 0;
    this.#used = 0;
    this.#bytes = 0;
    return lines;
  }

  /** Moves the kept lines to the buffer's start, in a larger buffer if they and the next line need it. */
  #compact(next: number): void {
    const from = this.#first < this.#starts.length ? (this.#starts[this.#first] as number) : this.#used;
    const live = this.#used - from;
    if (live + next > this.#buf.length) {
      const larger = Buffer.allocUnsafe(2 * (live + next));
      this.#buf.copy(larger, 0, from, this.#used);
      this.#buf = larger;
    } else this.#buf.copyWithin(0, from, this.#used);
    this.#starts = this.#starts.slice(this.#first).map((s) => s - from);
    this.#ends = this.#ends.slice(this.#first).map((e) => e - from);
    this.#numbers = this.#numbers.slice(this.#first);
    this.#first = 0;
    this.#used = live;
  }
}
