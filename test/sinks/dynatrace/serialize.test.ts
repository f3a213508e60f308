// Series → Dynatrace lines and batches: exact lines, escaping, numbers, drops, precedence,
// the request limits, and (property-based) that every line passes the strict validator the
// emulator uses and carries the label values back intact.

import fc from 'fast-check';
import t from 'tap';
import type { Series } from '../../../lib/store/series.js';
import {
  buildDynatraceBatches,
  DEFAULT_STATIC_DIMENSIONS,
  formatDtNumber,
  MAX_BATCH_BYTES,
  MAX_BATCH_LINES,
  serializeDtLine,
} from '../../../lib/sinks/dynatrace/serialize.js';
import { validateDtLine } from '../../support/dt-line-validator.js';

const s = (
  name: string,
  value: number,
  labels: Record<string, string> = {},
  type: Series['type'] = 'gauge',
): Series => ({ name, value, labels, type });
const NONE = {};
const line = (series: Series, dims: Record<string, string> = NONE): string => {
  const out = serializeDtLine(series, dims);
  if ('reason' in out) throw new Error(`dropped: ${out.reason}`);
  return out.line;
};

t.test('exact lines', async (t) => {
  t.equal(line(s('keptn_k6_rps', 123.5)), 'keptn_k6_rps gauge,123.5');
  t.equal(line(s('keptn_k6_rps', 3, { region: 'eu' })), 'keptn_k6_rps,region=eu gauge,3');
  t.equal(line(s('name', 1.23)), 'name gauge,1.23', 'JAVA MetricBuilderTest gauge form');
  t.equal(line(s('keptn_x_total', 7, {}, 'counter')), 'keptn_x_total gauge,7', 'a cumulative counter goes as a gauge');
  t.equal(line(s('keptn_x_u', 7, {}, 'untyped')), 'keptn_x_u gauge,7');
  t.equal(
    line(s('simple_metric', 3.14), DEFAULT_STATIC_DIMENSIONS),
    'simple_metric,dt.metrics.source=jes-metrics-pipe gauge,3.14',
    'the static source dimension, as Telegraf adds its own',
  );
  t.equal(line(s('m_x', 3.0)), 'm_x gauge,3', 'TG: float 3.0 → 3');
});

t.test('escaping in full lines', async (t) => {
  t.equal(
    line(s('metric1', 123, { key: ' ,=\\' })),
    'metric1,key=\\ \\,\\=\\\\ gauge,123',
    'JAVA NormalizerTest value',
  );
  t.equal(
    line(s('name', 25, { dim: 'value', dim2: 'a\u0000\u0000\u0000b"quoted"' })),
    'name,dim=value,dim2=a_b\\"quoted\\" gauge,25',
    'JS metric-factory test value',
  );
  t.equal(line(s('name', 1, { nörmalize: 'x' })), 'name,n_rmalize=x gauge,1');
  t.equal(line(s('name', 1, { '@ü/': 'x' })), 'name,_=x gauge,1');
  t.equal(line(s('name', 1, { '': 'x' })), 'name gauge,1', 'an empty key is left out');
  t.equal(
    line(s('name', 1, { Region: 'EU West' })),
    'name,region=EU\\ West gauge,1',
    'keys lowercased, value case kept',
  );
  t.equal(line(s('name', 1, { path: '/a/b c' })), 'name,path=/a/b\\ c gauge,1');
});

t.test('numbers', async (t) => {
  const table: Array<[number, string | null]> = [
    [0, '0'],
    [-0, '0'],
    [1.0, '1'],
    [200.0, '200'],
    [-1.23456789, '-1.23456789'],
    [0.1, '0.1'],
    [1 / 3, '0.3333333333333333'],
    [1e21, '1.0e+21'],
    [1e100, '1.0e+100'],
    [-1.234e-100, '-1.234e-100'],
    [1.5e-7, '1.5e-7'],
    [1e-7, '1.0e-7'],
    [Number.MAX_VALUE, '1.7976931348623157e+308'],
    [Number.MIN_VALUE, '5.0e-324'],
    // eslint-disable-next-line no-loss-of-precision -- the point: 2^53 + 1 is not a double
    [9007199254740993, '9007199254740992'],
    [NaN, null],
    [Infinity, null],
    [-Infinity, null],
  ];
  for (const [v, want] of table) t.equal(formatDtNumber(v), want, String(v));
});

t.test('number vectors of GO and PY: same value, accepted notation', async (t) => {
  // GO writes 1e10 as 1.0e+10; the shortest round-trip form 10000000000 is the same number.
  const vectors: Array<[number, string]> = [
    [1e10, '1.0e+10'],
    [1e-10, '1.0e-10'],
    [1e12, '1.0e+12'],
    [1e-12, '1.0e-12'],
    [1e100, '1.0e+100'],
    [-1.234e-100, '-1.234e-100'],
    [1.1e18, '1.1e+18'],
  ];
  for (const [v, theirs] of vectors) {
    const ours = formatDtNumber(v);
    t.equal(Number(ours), Number(theirs), `${theirs}: ${String(ours)}`);
    t.ok(validateDtLine(`m_x gauge,${String(ours)}`).ok, `${String(ours)} accepted`);
  }
});

t.test('numbers round-trip exactly and always pass the strict number rule (property)', async (t) => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
      const text = formatDtNumber(v);
      if (text === null) return false;
      return Number(text) === (Object.is(v, -0) ? 0 : v) && validateDtLine(`m_x gauge,${text}`).ok;
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 doubles');
});

t.test('series that cannot be sent are dropped with a reason, order kept', async (t) => {
  const many: Record<string, string> = {};
  for (let i = 0; i < 51; i++) many[`l${i}`] = 'v';
  const fifty: Record<string, string> = {};
  for (let i = 0; i < 49; i++) fifty[`l${i}`] = 'v';
  const input = [
    s('a_ok', 1),
    s('b_nan', NaN),
    s('c_inf', Infinity),
    s('d_minf', -Infinity),
    s('e_many', 1, many),
    s('f_fifty', 1, fifty),
    s('', 1),
    s('ab', 1),
    s('dt.reserved', 1),
    s('system.load.average.1m', 1),
    s('z_ok', 2),
  ];
  const { batches, dropped } = buildDynatraceBatches(input);
  t.same(
    dropped.map((d) => d.name),
    ['b_nan', 'c_inf', 'd_minf', 'e_many', '', 'ab', 'dt.reserved', 'system.load.average.1m'],
  );
  t.match(dropped[0]?.reason, /NaN or infinite/);
  t.match(dropped[3]?.reason, /more than 50 dimensions/);
  t.match(dropped[5]?.reason, /shorter than 3/);
  t.match(dropped[6]?.reason, /reserved prefix/);
  t.match(dropped[7]?.reason, /section starting with a digit/);
  t.equal(batches.length, 1);
  t.same(
    batches[0]?.lines.map((l) => l.name),
    ['a_ok', 'f_fifty', 'z_ok'],
    '49 labels + the static dimension = 50, still sent',
  );
  const fiftyLine = batches[0]?.body.split('\n')[1] ?? '';
  t.equal((fiftyLine.split(' ')[0] ?? '').split(',').length - 1, 50, '50 dimensions on the line');
});

t.test('dimension precedence: labels, then static (last wins), deterministic on clashes', async (t) => {
  t.equal(
    line(s('m_x', 1, { 'dt.metrics.source': 'mine', a: '1' }), DEFAULT_STATIC_DIMENSIONS),
    'm_x,a=1,dt.metrics.source=jes-metrics-pipe gauge,1',
  );
  // `Env` and `env` both become `env`: the later in sorted key order wins, whatever the input order.
  const one = line(s('m_x', 1, { env: 'lower', Env: 'upper' }));
  const two = line(s('m_x', 1, { Env: 'upper', env: 'lower' }));
  t.equal(one, 'm_x,env=lower gauge,1');
  t.equal(two, one);
  t.equal(line(s('m_x', 1, { a: '', b: 'x' })), 'm_x,b=x gauge,1', 'an empty value is an absent label');
  const custom = buildDynatraceBatches([s('m_x', 1)], { staticDimensions: { team: 'sre' } });
  t.equal(custom.batches[0]?.body, 'm_x,team=sre gauge,1');
});

t.test('renamed names are reported once each', async (t) => {
  const { renamed } = buildDynatraceBatches([s('m_x', 1, { Region: 'a', '...': 'b' }), s('m_y', 2, { Region: 'c' })]);
  t.same(renamed, [
    { kind: 'dimension key', from: '...', to: null },
    { kind: 'dimension key', from: 'Region', to: 'region' },
  ]);
});

t.test('batches: at most 1,000 lines, in order, lines map to body lines', async (t) => {
  const input: Series[] = [];
  for (let i = 0; i < 2500; i++) input.push(s(`m_${String(i).padStart(5, '0')}`, i));
  const { batches } = buildDynatraceBatches(input);
  t.same(
    batches.map((b) => b.lines.length),
    [1000, 1000, 500],
  );
  const all = batches.flatMap((b) => b.body.split('\n'));
  t.equal(all.length, 2500);
  t.equal(all[0], 'm_00000,dt.metrics.source=jes-metrics-pipe gauge,0');
  t.equal(all[2499], 'm_02499,dt.metrics.source=jes-metrics-pipe gauge,2499');
  for (const b of batches) {
    t.notOk(b.body.endsWith('\n'));
    const texts = b.body.split('\n');
    t.equal(texts.length, b.lines.length);
    t.ok(
      b.lines.every((l, i) => texts[i]?.startsWith(`${l.name},`)),
      'line i is series i',
    );
  }
  t.equal(MAX_BATCH_LINES, 1000);
});

t.test('batches: at most 1,000,000 bytes, counting UTF-8 and the joining newlines', async (t) => {
  // 40 dimensions of 60 emoji (240 bytes escaped) each: about 10 KB per line.
  const labels: Record<string, string> = {};
  for (let i = 0; i < 40; i++) labels[`dim_${i}`] = '😀'.repeat(60);
  const input: Series[] = [];
  for (let i = 0; i < 300; i++) input.push(s(`m_${String(i).padStart(4, '0')}`, i, labels));
  const { batches, dropped } = buildDynatraceBatches(input);
  t.equal(dropped.length, 0);
  t.ok(batches.length >= 3, `${batches.length} batches`);
  for (const b of batches)
    t.ok(Buffer.byteLength(b.body, 'utf8') <= MAX_BATCH_BYTES, `${Buffer.byteLength(b.body)} bytes`);
  // Full: the next line would not have fitted.
  const first = batches[0];
  const nextLine = batches[1]?.body.split('\n')[0] ?? '';
  t.ok(
    Buffer.byteLength(first?.body ?? '') + 1 + Buffer.byteLength(nextLine) > MAX_BATCH_BYTES,
    'a batch is cut only when full',
  );
  t.equal(
    batches.reduce((n, b) => n + b.lines.length, 0),
    300,
  );

  const small = buildDynatraceBatches([s('abc', 1), s('abd', 2), s('abe', 3)], {
    staticDimensions: {},
    maxBatchBytes: 27,
  });
  // 'abc gauge,1' is 11 bytes; two lines with the newline are 23; three are 35.
  t.same(
    small.batches.map((b) => b.body),
    ['abc gauge,1\nabd gauge,2', 'abe gauge,3'],
  );
});

t.test('no series, no batch', async (t) => {
  t.same(buildDynatraceBatches([]), { batches: [], dropped: [], renamed: [] });
});

t.test('property: every line passes the strict validator and label values arrive intact', async (t) => {
  const labelKey = fc
    .array(fc.constantFrom(...'abcxyz_019'), { minLength: 1, maxLength: 12 })
    .map((cs) => `k${cs.join('')}`);
  // Every code point can come up, with the characters that need care weighted in.
  const unit = fc.oneof(
    fc.constantFrom(
      ' ',
      ',',
      '=',
      '"',
      '\\',
      '/',
      '\n',
      '\r',
      '\t',
      '\u0000',
      '\u007f',
      '\u2028',
      '\ud800',
      'é',
      '😀',
      '👩‍💻',
    ),
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  );
  const anyText = fc.string({ unit, maxLength: 40 });
  fc.assert(
    fc.property(
      fc.dictionary(labelKey, anyText, { maxKeys: 10 }),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      (labels, value) => {
        const out = serializeDtLine(s('keptn_prop_metric', value, labels), DEFAULT_STATIC_DIMENSIONS);
        if ('reason' in out) return false;
        const verdict = validateDtLine(out.line);
        if (!verdict.ok || !('line' in verdict)) return false;
        for (const [k, v] of Object.entries(labels)) {
          const cleaned = v.replace(/[\p{Cc}\p{Cs}\u2028\u2029]+/gu, '_');
          const got = verdict.line.dimensions[k];
          if (cleaned === '' ? got !== undefined : got !== cleaned) return false;
        }
        return verdict.line.dimensions['dt.metrics.source'] === 'jes-metrics-pipe';
      },
    ),
    { numRuns: 1000 },
  );
  t.pass('1000 random label sets');
});
