import t from 'tap';
import { excerpt, parseNumber } from '../../../lib/extract/parsers/number.js';
import { numberCases } from './parse-cases.js';

t.test('parseNumber table', async (t) => {
  for (const [text, want] of numberCases) {
    const got = parseNumber(text);
    t.ok(
      Object.is(got, want),
      `${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)} → ${String(want)} (got ${String(got)})`,
    );
  }
});

t.test('a megabyte of digits is parsed, and a near-number of that size is rejected', async (t) => {
  const digits = '1'.repeat(1 << 20);
  t.equal(parseNumber(digits), 'out-of-range');
  t.equal(parseNumber(`0.${digits}`), 0.1111111111111111);
  t.equal(parseNumber(`${digits}x`), undefined);
  t.equal(parseNumber(`1.${digits}.`), undefined);
  t.equal(parseNumber(`1e${digits}x`), undefined);
});

t.test('excerpt keeps problem messages short', async (t) => {
  t.equal(excerpt('abc'), '"abc"');
  const long = excerpt('x'.repeat(1000));
  t.ok(long.length < 70, 'cut');
  t.match(long, /…"$/);
  t.equal(excerpt('a"b\n'), '"a\\"b\\n"', 'quotes and controls are escaped');
});
