// --preset auto reads the input's last lines at the end (lib/extract/extractor.ts, docs/presets.md
// "What it reads"). Once the head was read, the lines' splitter (lib/input/lines.ts) hands every
// line here, and only the last `max` bytes of lines are kept, in one reused buffer: no line is
// decoded or gated for the tail until the end, where only the kept ones are. A line of the chunk
// being split is kept by its position only; the splitter calls flush() when it is done with the
// chunk (before its buffer may be refilled), which copies the chunk's kept lines at once: a copy
// per line (a Buffer view each) cost --preset auto about 0.3 s on 256 MiB.

import { stripEscapes } from './parsers/ansi.js';

const ESC = 0x1b;

export class LineTail {
  /** Set by the extractor when the head has been read: lines are kept from then on. */
  active = false;
  readonly #max: number;
  #buf: Buffer;
  /** Bytes written to #buf. */
  #used = 0;
  /**
   * The kept lines are [#first, #starts.length): each one's [start, end) in #buf, except those
   * from #chunkFirst on, whose positions are in #chunk until flush().
   */
  #starts: number[] = [];
  #ends: number[] = [];
  /** Each kept line's number (the splitter's count). */
  #numbers: number[] = [];
  #first = 0;
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
      this.#chunkFirst = this.#starts.length;
    }
    this.#starts.push(start);
    this.#ends.push(end);
    this.#numbers.push(n);
    this.#bytes += end - start + 1;
    // The last line stays, however long (as maxLineBytes allowed it).
    while (this.#bytes > this.#max && this.#first < this.#starts.length - 1) {
      this.#bytes -= (this.#ends[this.#first] as number) - (this.#starts[this.#first] as number) + 1;
      this.#first++;
    }
  }

  /** Copies the kept lines of the current chunk, in one piece: the chunk's buffer is free again. */
  flush(): void {
    const chunk = this.#chunk;
    if (chunk === undefined) return;
    this.#chunk = undefined;
    const count = this.#starts.length;
    if (Math.max(this.#chunkFirst, this.#first) >= count) return;
    // Room first (compacting renumbers the lines), and the dropped lines' entries let go: with
    // 512 KiB chunks, arrays of some 20,000 lines between compactions made each line cost 4 times more.
    const need = (this.#ends[count - 1] as number) - (this.#starts[Math.max(this.#chunkFirst, this.#first)] as number);
    if (this.#used + need > this.#buf.length || this.#first > 1024) this.#compact(need);
    const last = this.#starts.length - 1;
    const from = Math.max(this.#chunkFirst, this.#first);
    const lo = this.#starts[from] as number;
    const hi = this.#ends[last] as number;
    this.#buf.set(chunk.subarray(lo, hi), this.#used);
    const shift = this.#used - lo;
    for (let i = from; i <= last; i++) {
      this.#starts[i] = (this.#starts[i] as number) + shift;
      this.#ends[i] = (this.#ends[i] as number) + shift;
    }
    this.#used += hi - lo;
  }

  /** The kept lines, oldest first, decoded as the splitter decodes a line (escape sequences taken out); emptied. */
  take(): Array<{ text: string; n: number }> {
    this.flush();
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
    this.#chunkFirst = 0;
    this.#used = 0;
    this.#bytes = 0;
    return lines;
  }

  /**
   * Moves the kept lines already in #buf to its start, in a larger buffer if they and `next`
   * more bytes need it; the current chunk's lines keep their positions in the chunk.
   */
  #compact(next: number): void {
    const inBuf = Math.min(this.#chunkFirst, this.#starts.length);
    const from = this.#first < inBuf ? (this.#starts[this.#first] as number) : this.#used;
    const live = this.#used - from;
    if (live + next > this.#buf.length) {
      const larger = Buffer.allocUnsafe(2 * (live + next));
      this.#buf.copy(larger, 0, from, this.#used);
      this.#buf = larger;
    } else this.#buf.copyWithin(0, from, this.#used);
    const first = this.#first;
    this.#starts = this.#starts.slice(first);
    this.#ends = this.#ends.slice(first);
    this.#numbers = this.#numbers.slice(first);
    for (let i = 0; i + first < inBuf; i++) {
      this.#starts[i] = (this.#starts[i] as number) - from;
      this.#ends[i] = (this.#ends[i] as number) - from;
    }
    this.#chunkFirst = Math.max(0, this.#chunkFirst - this.#first);
    this.#first = 0;
    this.#used = live;
  }
}
