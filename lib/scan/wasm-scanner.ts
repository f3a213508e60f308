// The WebAssembly line scanner (lib/scan/line-scan.c): finds the complete lines of a piece of a
// chunk and hands back only those worth parsing, with the same decisions as Precheck. One call
// per 64 KiB instead of a few JavaScript calls per line: the lines that are only passed through
// (about 96% of a log) cost a few nanoseconds each (bench/RESULTS.md).

import type { PrecheckOptions } from '../parse/precheck.js';
import { LINE_SCAN_WASM } from './line-scan-wasm.js';

interface ScanExports {
  memory: WebAssembly.Memory;
  init(): void;
  input(): number;
  output(): number;
  inputCap(): number;
  outputCap(): number;
  lines(): number;
  overlong(): number;
  consumed(): number;
  scan(from: number, len: number, maxLine: number, parsers: number): number;
}

export interface ScanCounts {
  lines: number;
  overlong: number;
}

export class WasmLineScanner {
  readonly #exports: ScanExports;
  readonly #input: Uint8Array;
  readonly #output: Uint32Array;
  readonly #cap: number;
  readonly #parsers: number;

  private constructor(exports: ScanExports, parsers: number) {
    this.#exports = exports;
    this.#cap = exports.inputCap();
    // The memory never grows (its size is fixed when built), so these views stay valid.
    this.#input = new Uint8Array(exports.memory.buffer, exports.input(), this.#cap);
    // (start, end, info) per candidate line.
    this.#output = new Uint32Array(exports.memory.buffer, exports.output(), exports.outputCap() * 3);
    this.#parsers = parsers;
  }

  /** Null when WebAssembly is not available (node --jitless) or the module is refused. */
  static create(opts: PrecheckOptions): WasmLineScanner | null {
    try {
      const module = new WebAssembly.Module(Buffer.from(LINE_SCAN_WASM, 'base64'));
      const exports = new WebAssembly.Instance(module, {}).exports as unknown as ScanExports;
      exports.init();
      return new WasmLineScanner(exports, (opts.kv ? 1 : 0) | (opts.json ? 2 : 0) | (opts.prom ? 4 : 0));
    } catch {
      return null;
    }
  }

  /**
   * Scans buf[from, to), where `to` is just after a `\n`: every line in it is counted (into
   * `counts`) and each that may be a metric, or holds an escape byte, goes to `onCandidate`
   * (end without the `\r`), with `counts.lines` already counting it. Returns where it stopped:
   * `to`, or the start of a line longer than the scanner's window, which the caller must take on.
   */
  scan(buf: Buffer, from: number, to: number, maxLineBytes: number, counts: ScanCounts, onCandidate: (start: number, end: number, escaped: boolean) => void): number {
    const ex = this.#exports;
    const out = this.#output;
    let pos = from;
    while (pos < to) {
      const n = Math.min(this.#cap, to - pos);
      this.#input.set(buf.subarray(pos, pos + n));
      const found = ex.scan(0, n, maxLineBytes, this.#parsers);
      const before = counts.lines;
      for (let k = 0; k < found; k++) {
        const at = k * 3;
        const info = out[at + 2] as number;
        counts.lines = before + (info >>> 1) + 1;
        onCandidate(pos + (out[at] as number), pos + (out[at + 1] as number), (info & 1) === 1);
      }
      counts.lines = before + ex.lines();
      counts.overlong += ex.overlong();
      const used = ex.consumed();
      if (used === 0) return pos; // no `\n` in the window: a line longer than it
      pos += used;
    }
    return pos;
  }
}
