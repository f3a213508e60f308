// --preset auto reads the input's last lines at the end (lib/extract/extractor.ts, docs/presets.md
// "What it reads"). Once the head was read, the lines' splitter (lib/input/lines.ts) hands every
// line here, and only the last `max` bytes of lines are kept, in one reused buffer: no line is
// decoded or gated for the tail until the end, where only the kept ones are. A line of the chunk
// being split is kept by its position only; the splitter calls flush() when it is done with the
// chunk (before its buffer may be refilled), which copies the chunk's kept lines at once: a copy
// per line (a Buffer view each) cost --preset auto about 0.3 s on 256 MiB, and the lines' places
// in JS arrays (pushed, sliced) about 0.1 s more than in the typed arrays used now.

import { stripEscapes } from './parsers/ansi.js';

const ESC = 0x1b;

export class LineTail {
  /** Set by the extractor when the head has been read: lines are kept from then on. */
  active = false;
  /**
   * Until then, the splitter counts each line here (its bytes and its `\n`), whether or not the
   * byte gate let it through: the head is the input's first lines (docs/presets.md).
   */
  headLine: (bytes: number) => void = () => undefined;
  readonly #max: number;
  #buf: Buffer;
  /** Bytes written to #buf. */
  #used = 0;
  /**
   * The kept lines are the entries [#first, #next), counted from the first line ever kept; entry
   * i is at slot i & #mask of a ring of typed arrays (grown when full): each one's [start, end) in
   * #buf, except those from #chunkFirst on, whose positions are in #chunk until flush(). Typed
   * arrays, no per-line objects or array slices: the tail sees every line of the input.
   */
  #starts = new Int32Array(1024);
  #ends = new Int32Array(1024);
  /** Each kept line's number (the splitter's count). */
  #numbers = new Float64Array(1024);
  #mask = 1023;
  #first = 0;
  #next = 0;
  /** The kept lines' bytes, one more for each line's `\n`. */
  #bytes = 0;
  #chunk: Uint8Array | undefined;
  #chunkFirst = 0;

  constructor(max: number) {
    this.#max = max;
    this.#buf = Buffer.allocUnsafe(4 * max);
  }

  /**
   * Line number `n` is buf[start, end) (no `\n`, no trailing `\r`): kept, and the oldest lines past
   * `max` bytes dropped. `buf` must hold it until flush() or a line from another buffer.
   */
  keep(buf: Uint8Array, start: number, end: number, n: number): void {
    if (buf !== this.#chunk) {
      this.flush();
      this.#chunk = buf;
      this.#chunkFirst = this.#next;
    }
    if (this.#next - this.#first > this.#mask) this.#grow();
    const slot = this.#next & this.#mask;
    this.#starts[slot] = start;
    this.#ends[slot] = end;
    this.#numbers[slot] = n;
    this.#next++;
    this.#bytes += end - start + 1;
    // The last line stays, however long (as maxLineBytes allowed it).
    while (this.#bytes > this.#max && this.#first < this.#next - 1) {
      const f = this.#first & this.#mask;
      this.#bytes -= (this.#ends[f] as number) - (this.#starts[f] as number) + 1;
      this.#first++;
    }
  }

  /** Copies the kept lines of the current chunk, in one piece: the chunk's buffer is free again. */
  flush(): void {
    const chunk = this.#chunk;
    if (chunk === undefined) return;
    this.#chunk = undefined;
    const from = Math.max(this.#chunkFirst, this.#first);
    const next = this.#next;
    if (from >= next) return;
    const mask = this.#mask;
    const lo = this.#starts[from & mask] as number;
    const hi = this.#ends[(next - 1) & mask] as number;
    if (this.#used + (hi - lo) > this.#buf.length) this.#compact(hi - lo);
    this.#buf.set(chunk.subarray(lo, hi), this.#used);
    const shift = this.#used - lo;
    for (let i = from; i < next; i++) {
      const slot = i & mask;
      this.#starts[slot] = (this.#starts[slot] as number) + shift;
      this.#ends[slot] = (this.#ends[slot] as number) + shift;
    }
    this.#used += hi - lo;
  }

  /** The kept lines, oldest first, decoded as the splitter decodes a line (escape sequences taken out); emptied. */
  take(): Array<{ text: string; n: number }> {
    this.flush();
    const lines: Array<{ text: string; n: number }> = [];
    for (let i = this.#first; i < this.#next; i++) {
      const slot = i & this.#mask;
      const line = this.#buf.subarray(this.#starts[slot], this.#ends[slot]);
      const text = line.toString('utf8');
      lines.push({ text: line.includes(ESC) ? stripEscapes(text) : text, n: this.#numbers[slot] as number });
    }
    this.#first = this.#next = this.#chunkFirst = 0;
    this.#used = 0;
    this.#bytes = 0;
    return lines;
  }

  /** Twice the ring, its entries in the same slots as their numbers give (i & the new mask). */
  #grow(): void {
    const size = 2 * (this.#mask + 1);
    const starts = new Int32Array(size);
    const ends = new Int32Array(size);
    const numbers = new Float64Array(size);
    for (let i = this.#first; i < this.#next; i++) {
      const from = i & this.#mask;
      const to = i & (size - 1);
      starts[to] = this.#starts[from] as number;
      ends[to] = this.#ends[from] as number;
      numbers[to] = this.#numbers[from] as number;
    }
    this.#starts = starts;
    this.#ends = ends;
    this.#numbers = numbers;
    this.#mask = size - 1;
  }

  /**
   * Moves the kept lines already in #buf to its start, in a larger buffer if they and `next`
   * more bytes need it; the current chunk's lines keep their positions in the chunk.
   */
  #compact(next: number): void {
    const inBuf = Math.min(this.#chunkFirst, this.#next);
    const from = this.#first < inBuf ? (this.#starts[this.#first & this.#mask] as number) : this.#used;
    const live = this.#used - from;
    if (live + next > this.#buf.length) {
      const larger = Buffer.allocUnsafe(2 * (live + next));
      this.#buf.copy(larger, 0, from, this.#used);
      this.#buf = larger;
    } else this.#buf.copyWithin(0, from, this.#used);
    for (let i = this.#first; i < inBuf; i++) {
      const slot = i & this.#mask;
      this.#starts[slot] = (this.#starts[slot] as number) - from;
      this.#ends[slot] = (this.#ends[slot] as number) - from;
    }
    this.#used = live;
  }
}
