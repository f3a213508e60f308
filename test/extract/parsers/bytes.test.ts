// The byte classes and scanners the parsers' gates share.

import t from 'tap';
import {
  byteSet,
  isBlank,
  isBlankOrCr,
  NAME_BYTE,
  NAME_START,
  nameEnd,
  skipBlanks,
  skipBlanksOrCr,
} from '../../../lib/extract/parsers/bytes.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');
const set = (table: Uint8Array): string => [...table].flatMap((v, c) => (v ? [String.fromCharCode(c)] : [])).join('');

t.test('name classes: what tools print as names', async (t) => {
  t.equal(set(NAME_START), ':ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz');
  t.equal(set(NAME_BYTE), '-./0123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz');
});

t.test('byteSet: a table plus extra bytes, the table untouched', async (t) => {
  t.equal(set(byteSet(null, '{[')), '[{');
  const withDigits = byteSet(NAME_START, '0');
  t.equal(withDigits[0x30], 1);
  t.equal(NAME_START[0x30], 0, 'a copy');
});

t.test('blanks and the scanners', async (t) => {
  t.same(
    [' ', '\t', '\r', 'a'].map((c) => isBlank(c.charCodeAt(0))),
    [true, true, false, false],
  );
  t.same(
    [' ', '\t', '\r', 'a'].map((c) => isBlankOrCr(c.charCodeAt(0))),
    [true, true, true, false],
  );
  const line = b(' \t\rx y');
  t.equal(skipBlanksOrCr(line, 0, line.length), 3);
  t.equal(skipBlanks(line, 0, line.length), 2, 'stops at \\r');
  t.equal(skipBlanks(line, 0, 1), 1, 'stops at the end');
  const name = b('http_reqs.total{a="b"}');
  t.equal(nameEnd(name, 0, name.length), 15);
  t.equal(nameEnd(name, 0, 4), 4, 'bounded by end');
  t.equal(nameEnd(b('9abc'), 0, 4), 0, 'a digit does not start a name');
  t.equal(nameEnd(b(''), 0, 0), 0);
});
