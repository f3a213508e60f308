// --preset auto's tail (lib/extract/line-tail.ts): the last lines as bytes, with their numbers.
import t from 'tap';
import fc from 'fast-check';
import { LineTail } from '../../lib/extract/line-tail.js';

const keepAll = (tail: LineTail, lines: string[], first = 1): void =>
  lines.forEach((line, i) => {
    const buf = Buffer.from(`>${line}<`); // the line is a slice of a larger buffer, as in a chunk
    tail.keep(buf, 1, buf.length - 1, first + i);
  });

/** The plain definition: from the end, lines while their bytes (+1 each) fit, and the last always. */
function lastLines(lines: string[], max: number): Array<{ text: string; n: number }> {
  const want: Array<{ text: string; n: number }> = [];
  let bytes = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const size = Buffer.byteLength(lines[i] as string) + 1;
    if (want.length > 0 && bytes + size > max) break;
    bytes += size;
    want.unshift({ text: lines[i] as string, n: i + 1 });
  }
  return want;
}

t.test(
  'the last lines up to the bound (a byte more per line for its newline), oldest first, with their numbers',
  async (t) => {
    const tail = new LineTail(10);
    keepAll(tail, ['aaaa', 'bbbb', 'cccc', 'dd'], 7);
    t.same(tail.take(), [
      { text: 'cccc', n: 9 },
      { text: 'dd', n: 10 },
    ]);
    t.same(tail.take(), [], 'taken once');
  },
);

t.test('the last line stays however long; escape sequences are taken out as the splitter does', async (t) => {
  const tail = new LineTail(4);
  keepAll(tail, ['short', 'a line longer than the bound', '\u001b[32mok\u001b[0m 3 passed']);
  t.same(tail.take(), [{ text: 'ok 3 passed', n: 3 }]);
  const long = new LineTail(4);
  keepAll(long, ['x'.repeat(100)]);
  t.same(long.take(), [{ text: 'x'.repeat(100), n: 1 }], 'a line longer than the buffer: it grows');
});

t.test('a character split by nothing: UTF-8 kept whole', async (t) => {
  const tail = new LineTail(64);
  keepAll(tail, ['1 €', 'ü 2']);
  t.same(tail.take(), [
    { text: '1 €', n: 1 },
    { text: 'ü 2', n: 2 },
  ]);
});

t.test('property: the same lines as a plain list of the last lines (the buffer reused and compacted)', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ maxLength: 40 }), { maxLength: 300 }),
      fc.integer({ min: 1, max: 200 }),
      (lines, max) => {
        const clean = lines.map((l) => l.replace(/[\n\r\u001b]/g, ''));
        const tail = new LineTail(max);
        keepAll(tail, clean);
        t.same(tail.take(), lastLines(clean, max));
      },
    ),
    { numRuns: 300 },
  );
});

t.test('property: lines kept by position in a chunk whose buffer is refilled after each flush()', async (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ maxLength: 40 }), { maxLength: 300 }),
      fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 20 }),
      fc.integer({ min: 1, max: 200 }),
      (lines, groups, max) => {
        const clean = lines.map((l) => l.replace(/[\n\r\u001b]/g, ''));
        const tail = new LineTail(max);
        // One buffer for every chunk, as the input's relay reuses its buffer.
        const chunk = Buffer.alloc(12 * 41 * 4 + 1);
        let i = 0;
        for (let g = 0; i < clean.length; g++) {
          const size = groups[g % groups.length] as number;
          let at = 1;
          for (const line of clean.slice(i, i + size)) {
            const end = at + chunk.write(line, at);
            tail.keep(chunk, at, end, ++i);
            at = end + 1;
          }
          tail.flush();
          chunk.fill(0x23); // refilled: what was not copied is gone
        }
        t.same(tail.take(), lastLines(clean, max));
      },
    ),
    { numRuns: 300 },
  );
});

// Longer lines first, so that lines are dropped before the short ones make the ring grow: the kept
// lines then start anywhere in it.
t.test('property: more lines kept than the ring first holds (it grows)', async (t) => {
  fc.assert(
    fc.property(
      // At least 4,500 bytes of long lines (more than the bound), then 1 or 2 bytes a line: over
      // 1,024 lines kept (the ring's first size) with the first of them far into it.
      fc.array(fc.string({ minLength: 8, maxLength: 16 }), { minLength: 500, maxLength: 700 }),
      fc.array(fc.string({ maxLength: 1 }), { minLength: 2500, maxLength: 6000 }),
      fc.integer({ min: 2500, max: 4000 }),
      fc.integer({ min: 1, max: 700 }),
      (long, short, max, every) => {
        const clean = [...long, ...short].map((l) => l.replace(/[\n\r\u001b]/g, ''));
        const tail = new LineTail(max);
        const buf = Buffer.from(clean.join('\n'), 'utf8');
        let at = 0;
        clean.forEach((line, i) => {
          const end = at + Buffer.byteLength(line, 'utf8');
          tail.keep(buf, at, end, i + 1);
          at = end + 1;
          if ((i + 1) % every === 0) tail.flush();
        });
        t.same(tail.take(), lastLines(clean, max));
      },
    ),
    { numRuns: 40 },
  );
});
