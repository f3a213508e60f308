// The input kept for the lines while the rules load (lib/input/early-chunks.ts): bounded, cut at line
// boundaries, so no line handed on is made of two pieces.
import t from 'tap';
import fc from 'fast-check';
import { EarlyChunks } from '../../lib/input/early-chunks.js';

const feed = (max: number, before: string[], after: string[]): { text: string; skipped: number } => {
  const early = new EarlyChunks(max);
  for (const c of before) early.push(Buffer.from(c));
  const got: Buffer[] = [];
  early.connect((chunk) => void got.push(Buffer.from(chunk)));
  for (const c of after) early.push(Buffer.from(c));
  return { text: Buffer.concat(got).toString(), skipped: early.skipped };
};

t.test("what waited is handed on as the queue's own copy (owned); later chunks are the stream's", async (t) => {
  const early = new EarlyChunks(100);
  const reused = Buffer.from('a 1\n');
  early.push(reused);
  reused.write('z 9\n'); // the stream reuses its buffer: the queue kept a copy
  const got: Array<[string, boolean]> = [];
  early.connect((chunk, owned) => void got.push([chunk.toString(), owned]));
  early.push(Buffer.from('b 2\n'));
  t.same(got, [
    ['a 1\n', true],
    ['b 2\n', false],
  ]);
});

t.test(
  'a chunk that fills its buffer is kept itself (true: not to be refilled), a small one copied; after connect, the sink says',
  async (t) => {
    const early = new EarlyChunks(1 << 20);
    const whole = Buffer.allocUnsafeSlow(8);
    whole.write('a 1\nb 2\n');
    t.equal(early.push(whole), true, 'kept: the input must not refill it');
    const big = Buffer.allocUnsafeSlow(64 * 1024);
    big.write('c 3\n');
    t.equal(early.push(big.subarray(0, 4)), false, 'four bytes of 64 KiB: copied');
    big.write('z 9\n'); // refilled, as the input may
    const got: Array<[Buffer, boolean]> = [];
    let sinkKeeps = false;
    early.connect((chunk, owned) => {
      got.push([chunk, owned]);
      return sinkKeeps;
    });
    t.equal(got[0]?.[0].buffer, whole.buffer, 'the same memory, not a copy');
    t.same(
      got.map(([c, owned]) => [c.toString(), owned]),
      [
        ['a 1\nb 2\n', true],
        ['c 3\n', true],
      ],
    );
    t.equal(early.push(Buffer.allocUnsafeSlow(8)), false, 'after connect: kept when the sink says so, not here');
    sinkKeeps = true;
    t.equal(early.push(Buffer.allocUnsafeSlow(8)), true, 'the sink kept it (the document does)');
  },
);

t.test('under the bound: everything, in order', async (t) => {
  t.same(feed(100, ['a 1\nb', ' 2\n'], ['c 3\n']), { text: 'a 1\nb 2\nc 3\n', skipped: 0 });
});

t.test('over the bound: cut after the last whole line, resumed after the next newline', async (t) => {
  // 'x 12' + '34' would be a line that was never in the input.
  const { text, skipped } = feed(10, ['a 1\nb', ' 2\nx 12', '34 lost\n', 'd 4\n'], ['e 5\nf', ' 6\n']);
  t.equal(text, 'a 1\ne 5\nf 6\n');
  t.equal(skipped, 'b'.length + ' 2\nx 12'.length + '34 lost\n'.length + 'd 4\n'.length);
});

t.test('over the bound mid-line: the rest of that line is skipped after connect too', async (t) => {
  const { text, skipped } = feed(4, ['a 1\n', 'b 2'], [' 3\nc 4\n']);
  t.equal(text, 'a 1\nc 4\n');
  t.equal(skipped, 'b 2'.length + ' 3\n'.length);
});

t.test('a first chunk over the bound with no newline: nothing kept, lines resume at a line start', async (t) => {
  const { text } = feed(3, ['abcdef'], ['gh\nz 9\n']);
  t.equal(text, 'z 9\n');
});

t.test('property: every line handed on is a whole line of the input', async (t) => {
  const line = fc.stringMatching(/^[a-z0-9 ]{0,12}$/).map((s) => `${s}\n`);
  fc.assert(
    fc.property(
      fc.array(line, { maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 20 }),
      fc.nat({ max: 200 }),
      fc.nat({ max: 30 }),
      (lines, cuts, max, split) => {
        const input = lines.join('');
        const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let from = 0;
        for (const p of [...points, input.length]) {
          chunks.push(input.slice(from, p));
          from = p;
        }
        const k = Math.min(split, chunks.length);
        const { text, skipped } = feed(max, chunks.slice(0, k), chunks.slice(k));
        const whole = new Set(lines);
        for (const l of text.split(/(?<=\n)/))
          if (l !== '') t.ok(whole.has(l) || l === '\n', `${JSON.stringify(l)} is a line of the input`);
        t.equal(text.length + skipped <= input.length, true);
        if (input.length <= max) t.equal(text, input);
      },
    ),
    { numRuns: 200 },
  );
});
