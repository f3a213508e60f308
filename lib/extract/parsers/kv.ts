// `name=value`: the whole line is one assignment of a number, e.g. `cost=42.5`.
//
// Name: `[A-Za-z_][A-Za-z0-9_.:/-]*` — a word as tools print it (`build.duration`,
// `api/latency`, `p95-ms`); the backends normalize it later. Blanks (space, tab) are
// allowed around `=` and at the end; a trailing `\r` is tolerated. An indented line is not a
// metric: indentation is what source code in a traceback looks like (pytest prints
// `        expected = 10`), while tools print their `name=value` results at the margin.
// Not metrics (null): logfmt lines (`level=info msg="x" n=3`), `FOO=bar`, `a=b=c`,
// `x = 3 apples`, `avg=1.2ms` — anything whose value is not exactly one number.

import { excerpt, numberShapeEnd, parseNumber } from './number.js';
import { byteSet, NAME_START, nameEnd, skipBlanks, skipBlanksOrCr } from './bytes.js';
import type { DefaultParser, LineGate, LineParser } from './sample.js';

// Unambiguous pieces, so a 1 MiB line is matched in linear time.
const KV_LINE = /^([A-Za-z_][A-Za-z0-9_.:/-]*)[ \t]*=[ \t]*([^ \t\r]+)[ \t\r]*$/;

export const parseKv: LineParser = (line) => {
  const match = KV_LINE.exec(line);
  if (!match) return null;
  const name = match[1] as string;
  const text = match[2] as string;
  const value = parseNumber(text);
  if (value === undefined) return null;
  if (value === 'out-of-range') {
    return { samples: [], problem: `${name}: value ${excerpt(text)} is out of range` };
  }
  return { samples: [{ name, value, labels: {} }] };
};

/**
 * The gate: a name, blanks, `=`, blanks, a number-shaped token, then only blanks. Checking the
 * token's end is what turns away `level=info` and `ts=2024-01-01T…`. Leading blanks are let
 * through (the regex decides about indentation).
 */
export const kvGate: LineGate = (buf, start, end) => {
  const at = skipBlanksOrCr(buf, start, end);
  let i = nameEnd(buf, at, end);
  if (i === at) return false;
  i = skipBlanks(buf, i, end);
  if (i >= end || buf[i] !== 0x3d /* = */) return false;
  i = numberShapeEnd(buf, skipBlanks(buf, i + 1, end), end);
  return i >= 0 && skipBlanksOrCr(buf, i, end) === end;
};

export const kvParser: DefaultParser = { parse: parseKv, gate: () => kvGate, firstBytes: byteSet(NAME_START) };
