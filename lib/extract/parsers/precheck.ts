// The cheap byte-level gate in front of the parsers: most lines of a log are plain text, JSON log
// records or logfmt, and must be turned away before any decoding, regex or JSON.parse. A line
// passes when the gate of at least one enabled default parser lets it through; each gate is
// declared beside its parser (kv.ts, json.ts, prom.ts), so a parser's rule lives in one file.
// It may let through lines the parsers then reject; it must never turn away a line an enabled
// parser accepts (test/extract/parsers/precheck.test.ts).

import { DEFAULT_PARSERS, PARSER_NAMES, type ParserName } from './default-parsers.js';
import { skipBlanksOrCr } from './bytes.js';
import type { DefaultParser, LineGate } from './sample.js';

export type PrecheckOptions = Readonly<Record<ParserName, boolean>>;

export class Precheck {
  readonly #parsers: ParserName[];
  #gates: LineGate[] = [];
  /** First byte after blanks → the gates (bit k: #gates[k]) that may let such a line through. */
  readonly #byFirstByte = new Uint8Array(256);

  constructor(options: PrecheckOptions) {
    this.#parsers = PARSER_NAMES.filter((name) => options[name]);
    // Not this.forget(): a subclass's forget() would run before its own fields exist.
    this.#gates = this.#newGates();
    this.#parsers.forEach((name, k) => {
      const starts = DEFAULT_PARSERS[name].firstBytes;
      for (let c = 0; c < 256; c++)
        if (starts[c] === 1) this.#byFirstByte[c] = (this.#byFirstByte[c] as number) | (1 << k);
    });
  }

  /** buf[start, end) is one line without its `\n` (it may end in `\r`). */
  mayBeMetric(buf: Uint8Array, start: number, end: number): boolean {
    const at = skipBlanksOrCr(buf, start, end);
    if (at >= end) return false;
    const mask = this.#byFirstByte[buf[at] as number] as number;
    if (mask === 0) return false;
    const gates = this.#gates;
    for (let k = 0; k < gates.length; k++)
      if ((mask & (1 << k)) !== 0 && (gates[k] as LineGate)(buf, start, end)) return true;
    return false;
  }

  /** New gates, without their caches: for a caller that is about to refill a buffer it checked before. */
  forget(): void {
    this.#gates = this.#newGates();
  }

  #newGates(): LineGate[] {
    return this.#parsers.map((name) => DEFAULT_PARSERS[name].gate());
  }
}

/**
 * The first character of a decoded line after blanks and `\r` (the Precheck's skipBlanksOrCr on
 * text), as a char code; -1 for a blank line.
 */
export function firstCode(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d) return c;
  }
  return -1;
}

/**
 * False when `parser` can never take a line whose firstCode() is `code`: the same first-byte
 * table the Precheck turns lines away with, read on text. An ASCII character is its own UTF-8
 * byte; a line starting with any other character is left to the parser. A line that came in
 * without the byte gate (with --pattern rules, or a coloured line) skips the parsers that could
 * never take it, and each parser runs only where it might (test/extract/parsers/precheck.test.ts).
 */
export function mayTake(parser: DefaultParser, code: number): boolean {
  if (code < 0) return false;
  return code >= 0x80 || parser.firstBytes[code] === 1;
}
