// Raw chunks → lines for the parsers. This is the per-line hot path over gigabytes of logs, so
// it works on bytes, and only a line that may be a metric is decoded into a string:
// Buffer#indexOf finds each `\n` natively and the Precheck (the parsers' own byte gates) looks
// at the raw bytes. split2 would decode and allocate a string for every line (measured in
// docs/decisions/line-splitting.md), which is why it is not used here.

import type { Precheck } from '../extract/parsers/precheck.js';
import { stripEscapes } from '../extract/parsers/ansi.js';
import type { LineTail } from '../extract/line-tail.js';

const ESC = 0x1b;

export interface LineSplitterOptions {
  /** Lines longer than this (in bytes, without `\n`) are passed through but not parsed. */
  maxLineBytes: number;
  /** The byte gate; null when every line must be looked at (--pattern rules are in use). */
  precheck: Precheck | null;
  /** --preset auto's tail (lib/extract/line-tail.ts): every line, while it is active; flushed after each chunk. */
  tail?: LineTail | undefined;
  /** Gets each line worth parsing, decoded as UTF-8 (invalid bytes become U+FFFD), without `\n` or one trailing `\r`. */
  onLine: (text: string) => void;
}

export class LineSplitter {
  /** Lines seen (a final line without `\n` counts). */
  lines = 0;
  /** Lines longer than maxLineBytes, not parsed. */
  overlong = 0;

  readonly #opts: LineSplitterOptions;
  /** The start of a line that continues in the next chunk. */
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** True while skipping the rest of an overlong line. */
  #skipping = false;
  /** The first line may start with a UTF-8 byte order mark (Windows tools), not part of a metric. */
  #atStart = true;
  // The next ESC byte at or after #escFrom in #escBuf (-1: none): one search per chunk, not per line.
  #escBuf: Buffer | undefined;
  #escFrom = 0;
  #escAt = -1;

  constructor(opts: LineSplitterOptions) {
    this.#opts = opts;
  }

  push(chunk: Buffer): void {
    let pos = 0;
    let nl = chunk.indexOf(10);
    if (nl === -1) {
      this.#keep(chunk, 0);
      return;
    }
    if (this.#pendingBytes > 0 || this.#skipping) {
      this.#finishPending(chunk, nl);
      pos = nl + 1;
      nl = chunk.indexOf(10, pos);
    }
    const tail = this.#opts.tail;
    for (; nl !== -1; nl = chunk.indexOf(10, pos)) {
      this.#line(chunk, pos, nl);
      // --preset auto's head is the input's first lines, whether or not the byte gate let them through.
      if (tail !== undefined && !tail.active) tail.headLine(nl + 1 - pos);
      pos = nl + 1;
    }
    // The tail copies this chunk's kept lines now: the chunk's buffer may be refilled after this.
    this.#opts.tail?.flush();
    if (pos < chunk.length) this.#keep(chunk, pos);
  }

  /** End of input: a final line without `\n` is still a line. */
  end(): void {
    if (this.#pendingBytes > 0 || this.#skipping) this.#finishPending(Buffer.alloc(0), 0);
    this.#opts.tail?.flush();
  }

  #line(buf: Buffer, start: number, end: number): void {
    this.lines++;
    if (end - start > this.#opts.maxLineBytes) {
      this.overlong++;
      return;
    }
    if (end > start && buf[end - 1] === 13) end--;
    if (this.#atStart) {
      this.#atStart = false;
      if (end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) start += 3;
    }
    const tail = this.#opts.tail;
    if (tail !== undefined && tail.active) tail.keep(buf, start, end, this.lines);
    // A coloured line goes to the parsers without its escape sequences (the byte gate cannot see past them).
    if (this.#hasEscape(buf, start, end)) {
      this.#opts.onLine(stripEscapes(buf.toString('utf8', start, end)));
      return;
    }
    const pre = this.#opts.precheck;
    if (pre !== null && !pre.mayBeMetric(buf, start, end)) return;
    this.#opts.onLine(buf.toString('utf8', start, end));
  }

  #hasEscape(buf: Buffer, start: number, end: number): boolean {
    if (buf !== this.#escBuf || start < this.#escFrom || (this.#escAt !== -1 && this.#escAt < start)) {
      this.#escBuf = buf;
      this.#escFrom = start;
      this.#escAt = buf.indexOf(ESC, start);
    }
    return this.#escAt !== -1 && this.#escAt < end;
  }

  /** Keeps the unfinished tail of a chunk, copied (the chunk may be reused), up to the limit. */
  #keep(chunk: Buffer, from: number): void {
    if (this.#skipping) return;
    const size = chunk.length - from;
    if (this.#pendingBytes + size > this.#opts.maxLineBytes) {
      this.#pending = [];
      this.#pendingBytes = 0;
      this.#skipping = true;
      return;
    }
    this.#pending.push(Buffer.from(chunk.subarray(from)));
    this.#pendingBytes += size;
  }

  /** Completes the pending line with chunk[0, nl). */
  #finishPending(chunk: Buffer, nl: number): void {
    const tail = this.#opts.tail;
    if (tail !== undefined && !tail.active) tail.headLine(this.#pendingBytes + nl + 1);
    if (this.#skipping || this.#pendingBytes + nl > this.#opts.maxLineBytes) {
      this.lines++;
      this.overlong++;
    } else {
      this.#pending.push(chunk.subarray(0, nl));
      const line = Buffer.concat(this.#pending, this.#pendingBytes + nl);
      this.#line(line, 0, line.length);
    }
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#skipping = false;
  }
}
