// LineSplitter gives the same lines whatever the reads look like: the chunking the golden cases
// were once run through the whole program with (one write, 1-byte and 7-byte writes, cuts mid-UTF-8
// and mid-CRLF), as properties over any input and any cuts, and over the golden inputs themselves.
// The whole program on cut input: test/e2e/golden-chunking.test.ts (in process) and
// test/e2e/golden-pipe.test.ts (a real pipe).
import t from 'tap';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { LineSplitter } from '../../lib/input/lines.js';
import { Precheck } from '../../lib/extract/parsers/precheck.js';
import { awkwardCuts, feedingsFor, loadGoldenCases } from '../support/golden.js';
import { piecesOf } from '../support/in-process.js';

interface Split {
  lines: string[];
  count: number;
  overlong: number;
}

function split(pieces: readonly Buffer[], opts: { maxLineBytes?: number; precheck?: Precheck | null } = {}): Split {
  const lines: string[] = [];
  const s = new LineSplitter({
    maxLineBytes: opts.maxLineBytes ?? 1024 * 1024,
    precheck: opts.precheck ?? null,
    onLine: (l) => lines.push(l),
  });
  for (const p of pieces) s.push(p);
  s.end();
  return { lines, count: s.lines, overlong: s.overlong };
}

// Bytes a splitter can get wrong: newlines, CR, multi-byte characters, escapes, a byte order mark, invalid UTF-8.
const awkwardBytes = fc
  .array(
    fc.oneof(
      fc
        .constantFrom('\n', '\r', '\r\n', 'ü', '✓', '😀', '\u001b[32m', '\u001b[0m', '\uFEFF', 'a=1', ' x', '=', '9.5')
        .map((s) => Buffer.from(s)),
      fc.uint8Array({ minLength: 1, maxLength: 4 }).map((a) => Buffer.from(a)),
    ),
    { maxLength: 60 },
  )
  .map((parts) => Buffer.concat(parts));

const withCuts = awkwardBytes.chain((input) =>
  fc.tuple(
    fc.constant(input),
    fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, input.length - 1) }), { maxLength: input.length }),
  ),
);
const piecesAt = (input: Buffer, cuts: number[]): Buffer[] =>
  piecesOf(
    input,
    [...cuts].filter((c) => c < input.length).sort((a, b) => a - b),
  );

t.test('any input cut anywhere: the same lines and counts as in one read', async (t) => {
  fc.assert(
    fc.property(withCuts, ([input, cuts]) => {
      const cut = split(piecesAt(input, cuts));
      const whole = split([input]);
      return isDeepStrictEqual(cut, whole);
    }),
    { numRuns: 300 },
  );
  t.pass('300 inputs cut anywhere split alike');
});

t.test('with the byte gate and a small line limit, cuts change nothing either', async (t) => {
  const precheck = new Precheck({ kv: true, json: true, prom: true });
  fc.assert(
    fc.property(withCuts, fc.integer({ min: 1, max: 12 }), ([input, cuts], maxLineBytes) => {
      return isDeepStrictEqual(
        split(piecesAt(input, cuts), { precheck, maxLineBytes }),
        split([input], { precheck, maxLineBytes }),
      );
    }),
    { numRuns: 300 },
  );
  t.pass('300 inputs with the gate and a small limit split alike');
});

t.test('1-byte reads: the same lines as one read', async (t) => {
  fc.assert(
    fc.property(awkwardBytes, (input) => {
      return isDeepStrictEqual(split([...input].map((b) => Buffer.from([b]))), split([input]));
    }),
    { numRuns: 200 },
  );
  t.pass('200 inputs read a byte at a time split alike');
});

t.test('awkwardCuts finds the places inside a character and after a CR', async (t) => {
  const input = Buffer.from('a\r\nü\r✓\n');
  // Bytes: a \r \n ü(3,4) \r ✓(6,7,8) \n → after a CR (2, 6), after a lead byte (4, 7).
  t.same(awkwardCuts(input), [2, 4, 6, 7]);
});

// The golden inputs, fed as the golden tests fed them through the program: every feeding gives
// the lines of one read, with and without the byte gate.
const precheck = new Precheck({ kv: true, json: true, prom: true });
for (const c of loadGoldenCases()) {
  t.test(`golden input ${c.name}: every feeding gives the same lines`, async (t) => {
    const whole = split([c.input]);
    const gated = split([c.input], { precheck });
    for (const feeding of feedingsFor(c.input)) {
      const pieces = piecesOf(c.input, feeding.cuts);
      t.strictSame(split(pieces), whole, `${feeding.name}: every line`);
      t.strictSame(split(pieces, { precheck }), gated, `${feeding.name}: lines past the byte gate`);
    }
  });
}
