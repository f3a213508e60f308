// stripEscapes: terminal escapes removed from a line before parsing (the passthrough keeps them).

import t from 'tap';
import { stripEscapes } from '../../../lib/extract/parsers/ansi.js';

t.test('CSI, OSC and two-byte escapes are removed; the text stays', async (t) => {
  const cases: Array<[string, string]> = [
    ['coverage=\x1b[32m87.5\x1b[0m', 'coverage=87.5'],
    ['\x1b[1;31mfail\x1b[m=3', 'fail=3'],
    ['\x1b[2K\x1b[1Gp95=12ms', 'p95=12ms'], // erase line, cursor to column 1
    ['\x1b[?25lx=1\x1b[?25h', 'x=1'], // private parameters (hide/show cursor)
    ['\x1b]0;title\x07rps=5', 'rps=5'], // OSC ended by BEL
    ['\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\', 'link'], // OSC 8 hyperlink ended by ST
    ['\x1bMa=1', 'a=1'], // reverse index, a two-byte escape
    ['plain text', 'plain text'],
    ['', ''],
  ];
  for (const [line, want] of cases) t.equal(stripEscapes(line), want, JSON.stringify(line));
});

t.test('a lone ESC is left; an unfinished OSC loses only its two-byte start', async (t) => {
  t.equal(stripEscapes('a\x1b'), 'a\x1b');
  t.equal(stripEscapes('\x1b]0;no end'), '0;no end');
});
