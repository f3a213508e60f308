// Raw chunks → lines for the parsers. This is the per-line hot path over gigabytes of logs, so
// it works on bytes, and only a line that may be a metric is decoded into a string. A big chunk
// goes to the WebAssembly scanner (lib/scan/), which finds its lines and applies the pre-check in
// one call; the rest (small chunks, a line cut across chunks, the first line, a line longer than
// the scanner's window, no WebAssembly) is done here: Buffer#indexOf finds each `\n` natively and
// Precheck looks at the raw bytes. split2 would decode and allocate a string for every line
// (measured in bench/RESULTS.md), which is why it is not used here.

import type { Precheck } from './parse/precheck.js';
import { stripEscapes } from './parse/ansi.js';
import { WasmLineScanner, type ScanCounts } from './scan/wasm-scanner.js';

const ESC = 0x1b;
/** Below this many bytes of complete lines a chunk is split here: a small job never sets the scanner up. */
const SCAN_MIN_BYTES = 4096;

export interface LineSplitterOptions {
  /** Lines longer than this (in bytes, without `\n`) are passed through but not parsed. */
  maxLineBytes: number;
  /** The byte gate; null when every line must be looked at (--pattern rules are in use). */
  precheck: Precheck | null;
  /** Gets each line worth parsing, decoded as UTF-8 (invalid bytes become U+FFFD), without `\n` or one trailing `\r`. */
  onLine: (text: string) => void;
  /** Use the WebAssembly scanner for big chunks (default true); false keeps every line in JavaScript. */
  wasm?: boolean;
  /** The least bytes of complete lines in a chunk for the scanner to be used (tests set 1). */
  scanMinBytes?: number;
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

  /** Created on the first big chunk; null once it could not be (no WebAssembly). */
  #scanner: WasmLineScanner | null | undefined;
  readonly #counts: ScanCounts = { lines: 0, overlong: 0 };
  readonly #onCandidate: (start: number, end: number, escaped: boolean) => void;
  #scanning: Buffer = Buffer.alloc(0);

  constructor(opts: LineSplitterOptions) {
    this.#opts = opts;
    if (opts.wasm === false || opts.precheck === null) this.#scanner = null;
    this.#onCandidate = (start, end, escaped) => {
      this.lines = this.#counts.lines;
      const text = this.#scanning.toString('utf8', start, end);
      this.#opts.onLine(escaped ? stripEscapes(text) : text);
    };
  }

  push(chunk: Buffer): void {
    let pos = 0;
    const first = chunk.indexOf(10);
    if (first === -1) {
      this.#keep(chunk, 0);
      return;
    }
    if (this.#pendingBytes > 0 || this.#skipping) {
      this.#finishPending(chunk, first);
      pos = first + 1;
    }
    // The first line of the input may start with a byte order mark: it goes the JavaScript way.
    if (this.#atStart && pos === 0) {
      this.#line(chunk, 0, first);
      pos = first + 1;
    }
    const last = chunk.lastIndexOf(10);
    const scanner = last + 1 - pos >= (this.#opts.scanMinBytes ?? SCAN_MIN_BYTES) && last >= pos ? this.#scannerFor() : null;
    if (scanner !== null) {
      this.#scanning = chunk;
      // The scanner counts on in #counts (lines read so far, for "line N" in messages).
      const counts = this.#counts;
      while (pos <= last) {
        counts.lines = this.lines;
        counts.overlong = this.overlong;
        pos = scanner.scan(chunk, pos, last + 1, this.#opts.maxLineBytes, counts, this.#onCandidate);
        this.lines = counts.lines;
        this.overlong = counts.overlong;
        if (pos <= last) {
          // A line longer than the scanner's window.
          const nl = chunk.indexOf(10, pos);
          this.#line(chunk, pos, nl);
          pos = nl + 1;
        }
      }
    } else {
      for (let nl = chunk.indexOf(10, pos); nl !== -1; nl = chunk.indexOf(10, pos)) {
        this.#line(chunk, pos, nl);
        pos = nl + 1;
      }
    }
    if (pos < chunk.length) this.#keep(chunk, pos);
  }

  #scannerFor(): WasmLineScanner | null {
    if (this.#scanner === undefined) this.#scanner = WasmLineScanner.create((this.#opts.precheck as Precheck).options);
    return this.#scanner;
  }

  /** End of input: a final line without `\n` is still a line. */
  end(): void {
    if (this.#pendingBytes > 0 || this.#skipping) this.#finishPending(Buffer.alloc(0), 0);
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
