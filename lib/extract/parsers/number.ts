// The one number syntax every parser shares.
//
// Accepted, like Go's strconv.ParseFloat that Prometheus uses (minus hex floats and `_`):
//   integers and decimals with an optional sign: `1`, `-1`, `+1`, `1.5`, `.5`, `5.`, `007`
//   exponents: `1e3`, `1E-3`, `-1.5e+10`
//   `NaN` (any case, no sign), `Inf` / `Infinity` (any case, optional sign)
// Not numbers (undefined): `1,000`, `1_000`, `0x10`, `12ms`, `1e`, `.`, blanks around the text.
// A finite literal that overflows a double (`1e400`) is 'out-of-range', so it is reported
// rather than stored as Infinity. Underflow (`1e-400`) is 0, as in Go and JavaScript.

const NUMBER_BYTE = new Uint8Array(256);
for (const c of '0123456789+-.eE') NUMBER_BYTE[c.charCodeAt(0)] = 1;

// Unambiguous on purpose (no `\d+\.?\d*`): a 1 MiB run of digits must not backtrack quadratically.
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY = /^([+-]?)inf(?:inity)?$/i;

export function parseNumber(text: string): number | 'out-of-range' | undefined {
  if (DECIMAL.test(text)) {
    const value = Number(text);
    return Number.isFinite(value) ? value : 'out-of-range';
  }
  // The special words are short: skip the regexes for anything longer.
  if (text.length > 9) return undefined;
  if (/^nan$/i.test(text)) return Number.NaN;
  const inf = INFINITY.exec(text);
  if (inf) return inf[1] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  return undefined;
}

/** Short, printable excerpt of input text for a problem message (input may be 1 MiB). */
export function excerpt(text: string, max = 60): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut);
}

/**
 * The byte-level shape of what parseNumber accepts, for the parsers' gates: the index just after
 * a number-shaped token at buf[at], or -1. An optional sign then `nan` / `inf` / `infinity` (any
 * case), or a run of `[0-9.eE+-]` starting with a digit or `.`. A superset (`1e+-`): the parser
 * decides; the gate only turns away what can never be a number (`info`, `2024-01-01T…` is let
 * through, its end is checked by the caller).
 */
export function numberShapeEnd(buf: Uint8Array, at: number, end: number): number {
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
