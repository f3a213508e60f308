// `name=value`: the whole line is one assignment of a number, e.g. `cost=42.5`.
//
// Name: `[A-Za-z_][A-Za-z0-9_.:/-]*` — a word as tools print it (`build.duration`,
// `api/latency`, `p95-ms`); the backends normalize it later. Blanks (space, tab) are
// allowed around `=` and at the end; a trailing `\r` is tolerated. An indented line is not a
// metric: indentation is what source code in a traceback looks like (pytest prints
// `        expected = 10`), while tools print their `name=value` results at the margin.
// Not metrics (null): logfmt lines (`level=info msg="x" n=3`), `FOO=bar`, `a=b=c`,
// `x = 3 apples`, `avg=1.2ms` — anything whose value is not exactly one number.

import { excerpt, parseNumber } from './number.js';
import type { LineParser } from './sample.js';

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
