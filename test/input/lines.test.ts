// The byte line splitter: lines are the same whatever the chunk boundaries, `\r` before `\n`
// is dropped for parsing, a final line without `\n` counts, overlong lines are skipped.
import t from 'tap';
import { LineSplitter } from '../../lib/input/lines.js';
import { Precheck } from '../../lib/extract/parsers/precheck.js';
import { LineTail } from '../../lib/extract/line-tail.js';

function split(input: Buffer | string, chunkSizes: number[] | 'whole', maxLineBytes = 1024 * 1024) {
  const got: string[] = [];
  const s = new LineSplitter({ maxLineBytes, precheck: null, onLine: (l) => got.push(l) });
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input);
  if (chunkSizes === 'whole') s.push(buf);
  else {
    let pos = 0;
    let i = 0;
    while (pos < buf.length) {
      const n = chunkSizes[i++ % chunkSizes.length]!;
      s.push(buf.subarray(pos, pos + n));
      pos += n;
    }
  }
  s.end();
  return { lines: got, count: s.lines, overlong: s.overlong };
}

const cases: Array<[string, string, string[]]> = [
  ['plain lines', 'a=1\nb=2\n', ['a=1', 'b=2']],
  ['final line without newline', 'a=1\nb=2', ['a=1', 'b=2']],
  ['CRLF', 'a=1\r\nb=2\r\n', ['a=1', 'b=2']],
  ['only one trailing CR is dropped', 'a=1\r\r\n', ['a=1\r']],
  ['progress bar CRs stay inside the line', '10%\r50%\r100%\n', ['10%\r50%\r100%']],
  ['empty lines', '\n\n', ['', '']],
  ['empty input', '', []],
  ['NUL bytes kept', 'a\u0000b=1\n', ['a\u0000b=1']],
  ['multi-byte UTF-8', 'ü=1\n✓ ok\n', ['ü=1', '✓ ok']],
  ['a byte order mark at the start is not part of the first line', '\uFEFFa=1\nb=2\n', ['a=1', 'b=2']],
  ['a byte order mark later is kept', 'a=1\n\uFEFFb=2\n', ['a=1', '\uFEFFb=2']],
  [
    'colour escapes are removed for parsing',
    '\u001b[32mcoverage=87.5\u001b[0m\nplain=1\n',
    ['coverage=87.5', 'plain=1'],
  ],
  [
    'escapes inside the line, a hyperlink (OSC), a two-byte escape',
    'cost=\u001b[1;31m42\u001b[0m\n\u001b]8;;https://x.test\u0007link\u001b]8;;\u0007 rps=5\n\u001bMx=1\n',
    ['cost=42', 'link rps=5', 'x=1'],
  ],
];

for (const [name, input, want] of cases) {
  t.test(name, async (t) => {
    for (const sizes of ['whole', [1], [2], [3, 5], [7]] as const) {
      const got = split(input, sizes === 'whole' ? 'whole' : [...sizes]);
      t.same(got.lines, want, `chunks ${JSON.stringify(sizes)}`);
      t.equal(got.count, want.length, 'line count');
    }
  });
}

t.test('invalid UTF-8 is decoded with U+FFFD and does not shift line boundaries', async (t) => {
  const input = Buffer.concat([Buffer.from('x='), Buffer.from([0xff, 0xfe]), Buffer.from('\ny=2\n')]);
  const got = split(input, [1]);
  t.same(got.lines, ['x=\ufffd\ufffd', 'y=2']);
});

t.test('a UTF-8 character split across chunks is decoded whole', async (t) => {
  const input = Buffer.from('name=ü\n');
  for (let cut = 1; cut < input.length; cut++) {
    const s: string[] = [];
    const sp = new LineSplitter({ maxLineBytes: 100, precheck: null, onLine: (l) => s.push(l) });
    sp.push(input.subarray(0, cut));
    sp.push(input.subarray(cut));
    sp.end();
    t.same(s, ['name=ü'], `cut at ${cut}`);
  }
});

t.test('lines over the limit are counted, skipped, and do not disturb the next line', async (t) => {
  const long = 'x'.repeat(100);
  for (const sizes of ['whole', [1], [7], [64]] as const) {
    const got = split(`a=1\n${long}\nb=2\n${long}`, sizes === 'whole' ? 'whole' : [...sizes], 50);
    t.same(got.lines, ['a=1', 'b=2'], `chunks ${JSON.stringify(sizes)}`);
    t.equal(got.overlong, 2);
    t.equal(got.count, 4);
  }
});

t.test('a line exactly at the limit is parsed', async (t) => {
  const line = 'a='.padEnd(50, '1');
  const got = split(`${line}\n`, [3], 50);
  t.same(got.lines, [line]);
});

t.test('a 5 MB line is passed over with the default 1 MiB limit, and the next line is parsed', async (t) => {
  const big = Buffer.alloc(5 * 1024 * 1024, 0x61);
  const input = Buffer.concat([big, Buffer.from('\nafter=1\n')]);
  const got = split(input, [65536]);
  t.same(got.lines, ['after=1']);
  t.equal(got.overlong, 1);
});

t.test('a coloured line is parsed even where the byte gate would turn it away', async (t) => {
  const got: string[] = [];
  const precheck = new Precheck({ kv: true, json: true, prom: true });
  const s = new LineSplitter({ maxLineBytes: 1024, precheck, onLine: (l) => got.push(l) });
  s.push(Buffer.from('noise line\n\u001b[2mcoverage=\u001b[0m87.5\nmore noise\n'));
  s.end();
  t.same(got, ['coverage=87.5']);
});

t.test("--preset auto's tail: while active, every line's bytes are kept with its number, gated or not", async (t) => {
  const tail = new LineTail(1024);
  const got: string[] = [];
  const precheck = new Precheck({ kv: true, json: false, prom: false });
  const s = new LineSplitter({ maxLineBytes: 16, precheck, tail, onLine: (l) => got.push(l) });
  s.push(Buffer.from('before=1\n'));
  tail.active = true;
  s.push(Buffer.from('noise\r\nx=2\n' + 'y'.repeat(40) + '\n\u001b[1mz=3\u001b[0m\nlast'));
  s.end();
  t.same(got, ['before=1', 'x=2', 'z=3'], 'the gate and the parsers see what they saw before');
  t.same(tail.take(), [
    { text: 'noise', n: 2 },
    { text: 'x=2', n: 3 },
    { text: 'z=3', n: 5 },
    { text: 'last', n: 6 },
  ]);
  t.equal(s.overlong, 1, 'the overlong line 4 is not kept');
});
