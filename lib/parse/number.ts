// The one number syntax every parser shares.
//
// Accepted, like Go's strconv.ParseFloat that Prometheus uses (minus hex floats and `_`):
//   integers and decimals with an optional sign: `1`, `-1`, `+1`, `1.5`, `.5`, `5.`, `007`
//   exponents: `1e3`, `1E-3`, `-1.5e+10`
//   `NaN` (any case, no sign), `Inf` / `Infinity` (any case, optional sign)
// Not numbers (undefined): `1,000`, `1_000`, `0x10`, `12ms`, `1e`, `.`, blanks around the text.
// A finite literal that overflows a double (`1e400`) is 'out-of-range', so it is reported
// rather than stored as Infinity. Underflow (`1e-400`) is 0, as in Go and JavaScript.

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
