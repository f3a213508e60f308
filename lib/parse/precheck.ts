// The cheap byte-level gate in front of the parsers: most lines of a log are plain text,
// JSON log records or logfmt, and must be turned away before any decoding, regex or
// JSON.parse. It may let through lines the parsers then reject; it must never turn away a
// line an enabled default parser (kv, json, prom) accepts. --pattern rules are not gated.
//
// After leading blanks (space, tab, `\r`), dispatch on the first byte:
//   `#`          prom, only for `# TYPE ` / `# HELP ` (any run of blanks after `#`)
//   `{` or `[`   json, only if the first key (of the first element, for `[`) is one a metric
//                object may have (name, value, labels, …: a log record's `{"level":…` or
//                `{"ts":…` is turned away here) and the bytes `"value"` occur in the line
//   name byte    walk `[A-Za-z0-9_.:/-]`, skip blanks, then
//                  `{`                               → prom (labels)
//                  `=` blanks number, only blanks    → kv
//                  number, then a blank or the end   → prom (brace-less sample)
// number: the shape of what parseNumber accepts, without checking it fully: an optional sign
// then `nan` / `inf` / `infinity` (any case), or a run of `[0-9.eE+-]` starting with a digit
// or `.`. Checking the token's end is what turns away `level=info` and `ts=2024-01-01T…`.
//
// The `"value"` search is amortized per buffer: one native indexOf finds the next
// occurrence, and every line before it is answered without scanning. This relies on a
// buffer's bytes not changing while lines of it are checked (true of stream chunks); a
// caller that refills a scratch buffer calls forget() first.

const VALUE_KEY = Buffer.from('"value"', 'latin1');
/** The keys parseJson allows in a metric object (lib/parse/json.ts), as bytes. */
const METRIC_KEYS = ['name', 'value', 'labels', 'dimensions', 'type', 'unit', 'help', 'description', 'timestamp'].map((k) => Buffer.from(k, 'latin1'));

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const HASH = 0x23;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const EQUALS = 0x3d;

/** Byte classes, looked up by byte value. */
const NAME_START = new Uint8Array(256);
const NAME_BYTE = new Uint8Array(256);
const NUMBER_BYTE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const digit = c >= 0x30 && c <= 0x39;
  NAME_START[c] = letter || c === 0x5f /* _ */ || c === 0x3a /* : */ ? 1 : 0;
  NAME_BYTE[c] = letter || digit || c === 0x5f || c === 0x3a || c === 0x2e /* . */ || c === 0x2f /* / */ || c === 0x2d /* - */ ? 1 : 0;
  NUMBER_BYTE[c] = digit || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x45 || c === 0x65 ? 1 : 0;
}

export interface PrecheckOptions {
  kv: boolean;
  json: boolean;
  prom: boolean;
}

export class Precheck {
  readonly #kv: boolean;
  readonly #json: boolean;
  readonly #prom: boolean;
  // The amortized "value" search: in #searched, the first occurrence at or after #searchedFrom is #next (-1: none).
  #searched: Uint8Array | undefined;
  #view: Buffer = Buffer.alloc(0);
  #searchedFrom = 0;
  #next = -1;

  /** `options` stays readable: the WebAssembly scanner applies the same gate (lib/scan/). */
  constructor(readonly options: PrecheckOptions) {
    this.#kv = options.kv;
    this.#json = options.json;
    this.#prom = options.prom;
  }

  /** buf[start, end) is one line without its `\n` (it may end in `\r`). */
  mayBeMetric(buf: Uint8Array, start: number, end: number): boolean {
    let i = start;
    while (i < end && isBlankOrCr(buf[i] as number)) i++;
    if (i >= end) return false;
    const first = buf[i] as number;

    if (first === HASH) return this.#prom && isTypeOrHelp(buf, i + 1, end);
    if (first === OPEN_BRACE || first === OPEN_BRACKET) return this.#json && firstKeyMayBeMetric(buf, i, end) && this.#hasValueKey(buf, i, end);
    if (NAME_START[first] === 0 || !(this.#kv || this.#prom)) return false;

    i++;
    while (i < end && NAME_BYTE[buf[i] as number] === 1) i++;
    while (i < end && isBlank(buf[i] as number)) i++;
    if (i >= end) return false;
    const next = buf[i] as number;
    if (next === OPEN_BRACE) return this.#prom;
    if (next === EQUALS) {
      if (!this.#kv) return false;
      i++;
      while (i < end && isBlank(buf[i] as number)) i++;
      i = numberEnd(buf, i, end);
      if (i < 0) return false;
      while (i < end && isBlankOrCr(buf[i] as number)) i++;
      return i === end;
    }
    if (!this.#prom) return false;
    const after = numberEnd(buf, i, end);
    return after === end || (after >= 0 && isBlankOrCr(buf[after] as number));
  }

  /** Drops the cached search, for a caller that is about to refill a buffer it checked before. */
  forget(): void {
    this.#searched = undefined;
    this.#view = Buffer.alloc(0);
    this.#next = -1;
  }

  #hasValueKey(buf: Uint8Array, from: number, end: number): boolean {
    // `<=`: the same start again means a new line in a reused buffer more often than a repeat.
    if (buf !== this.#searched || from <= this.#searchedFrom || (this.#next !== -1 && this.#next < from)) {
      if (buf !== this.#searched) {
        this.#searched = buf;
        // A Buffer view of a plain Uint8Array, made once per buffer, not per line.
        this.#view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      }
      this.#searchedFrom = from;
      this.#next = this.#view.indexOf(VALUE_KEY, from);
    }
    return this.#next !== -1 && this.#next + VALUE_KEY.length <= end;
  }
}

/**
 * At `{` or `[`: false when the first key is one no metric object has (a log record). A key
 * with a backslash may be an escaped metric key: only JSON.parse can tell, so it is let through.
 */
function firstKeyMayBeMetric(buf: Uint8Array, at: number, end: number): boolean {
  let i = at;
  if (buf[i] === OPEN_BRACKET) {
    i = skipJsonBlanks(buf, i + 1, end);
    if (buf[i] !== OPEN_BRACE) return i >= end; // `[1,2]`, `[]`: not metrics; a cut line: let JSON.parse say
  }
  i = skipJsonBlanks(buf, i + 1, end);
  if (i >= end) return true;
  if (buf[i] !== QUOTE) return false; // `{}` or not JSON
  const keyStart = i + 1;
  let keyEnd = keyStart;
  while (keyEnd < end && buf[keyEnd] !== QUOTE) {
    if (buf[keyEnd] === BACKSLASH) return true;
    keyEnd++;
  }
  if (keyEnd >= end) return true;
  const length = keyEnd - keyStart;
  for (const key of METRIC_KEYS) {
    if (key.length !== length) continue;
    let k = 0;
    while (k < length && buf[keyStart + k] === key[k]) k++;
    if (k === length) return true;
  }
  return false;
}

function skipJsonBlanks(buf: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && (isBlankOrCr(buf[i] as number) || buf[i] === 0x0a)) i++;
  return i;
}

/** The index just after a number-shaped token at buf[at], or -1. */
function numberEnd(buf: Uint8Array, at: number, end: number): number {
  let i = at;
  if (i < end && (buf[i] === 0x2b || buf[i] === 0x2d)) i++;
  if (i >= end) return -1;
  const c = (buf[i] as number) | 0x20; // ASCII lower case
  if (c === 0x6e /* n */) return matchesWord(buf, i, end, 'nan') ? i + 3 : -1;
  if (c === 0x69 /* i */) {
    if (matchesWord(buf, i, end, 'infinity')) return i + 8;
    return matchesWord(buf, i, end, 'inf') ? i + 3 : -1;
  }
  const first = buf[i] as number;
  if (!((first >= 0x30 && first <= 0x39) || first === 0x2e)) return -1;
  i++;
  while (i < end && NUMBER_BYTE[buf[i] as number] === 1) i++;
  return i;
}

/** buf[at…] starts with the lower-case ASCII word, in any case. */
function matchesWord(buf: Uint8Array, at: number, end: number, word: string): boolean {
  if (at + word.length > end) return false;
  for (let k = 0; k < word.length; k++) if (((buf[at + k] as number) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/** After a `#`: blanks, then `TYPE` or `HELP`, then a blank. */
function isTypeOrHelp(buf: Uint8Array, at: number, end: number): boolean {
  let i = at;
  while (i < end && isBlank(buf[i] as number)) i++;
  if (i === at || i + 5 > end) return false;
  const a = buf[i];
  const b = buf[i + 1];
  const c = buf[i + 2];
  const d = buf[i + 3];
  const keyword = (a === 0x54 && b === 0x59 && c === 0x50 && d === 0x45) /* TYPE */ || (a === 0x48 && b === 0x45 && c === 0x4c && d === 0x50); /* HELP */
  return keyword && isBlank(buf[i + 4] as number);
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isBlankOrCr(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}
