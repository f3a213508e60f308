// Property-based checks with a fixed seed: no parser throws on any input, and the
// pre-check law (parser accepts ⇒ pre-check accepts) holds on lines generated from a
// grammar of metric-like lines, near-misses included, not only on random noise.

import fc from 'fast-check';
import t from 'tap';
import { parseJsonPathFlag } from '../../../lib/extract/parsers/json-path.js';
import { evaluateJsonPaths, patternParser } from './parse-assert.js';
import { parseJson } from '../../../lib/extract/parsers/json.js';
import { parseKv } from '../../../lib/extract/parsers/kv.js';
import { parseNumber } from '../../../lib/extract/parsers/number.js';
import { parsePatternFlag } from '../../../lib/extract/parsers/pattern.js';
import { Precheck, type PrecheckOptions } from '../../../lib/extract/parsers/precheck.js';
import { parseProm } from '../../../lib/extract/parsers/prom.js';
import { newParseState, type LineParser, type ParseState } from '../../../lib/extract/parsers/sample.js';

const SEED = 20_240_601;
const RUNS = 2000;
const settings = { seed: SEED, numRuns: RUNS };

const PARSERS: ReadonlyArray<readonly [keyof PrecheckOptions, LineParser]> = [
  ['kv', parseKv],
  ['json', parseJson],
  ['prom', parseProm],
];
const ALL: PrecheckOptions = { kv: true, json: true, prom: true };

// ---- a grammar of metric-like lines ----

const blanks = fc.constantFrom('', ' ', '\t', '  ', ' \t ');
const nameText = fc.stringMatching(/^[A-Za-z_:][A-Za-z0-9_:./-]{0,12}$/);
const numberText = fc.oneof(
  fc.constantFrom(
    'NaN',
    'nan',
    '+Inf',
    '-Inf',
    'Inf',
    'inf',
    'Infinity',
    '-infinity',
    '1e400',
    '-1e400',
    '.5',
    '5.',
    '+.5',
    '0',
    '-0',
    '007',
  ),
  fc.double().map(String),
  fc.integer().map(String),
  fc
    .tuple(
      fc.constantFrom('', '+', '-'),
      fc.stringMatching(/^[0-9]{0,6}$/),
      fc.constantFrom('', '.'),
      fc.stringMatching(/^[0-9]{0,4}$/),
      fc.constantFrom('', 'e', 'E', 'e+', 'e-'),
      fc.stringMatching(/^[0-9]{0,3}$/),
    )
    .map((parts) => parts.join('')),
  fc.constantFrom('12ms', '1,000', '1_000', '0x1f', 'info', 'nano', 'Inf.', '1e', '-', '.', ''),
);
const labelValue = fc.string({
  maxLength: 12,
  unit: fc.constantFrom('a', 'Z', '0', ' ', '"', '\\', '\n', ',', '}', '{', '=', 'é', '\uFFFD', '\u0000'),
});
const escapedLabelValue = labelValue.map((v) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n'));
const labelName = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,6}$/);
const promLabels = fc
  .array(fc.tuple(blanks, labelName, blanks, fc.oneof(escapedLabelValue, labelValue), blanks), { maxLength: 4 })
  .chain((pairs) =>
    fc
      .constantFrom('', ',')
      .map(
        (trailing) =>
          `{${pairs.map(([b1, n, b2, v, b3]) => `${b1}${n}${b2}=${b2}"${v}"${b3}`).join(',')}${pairs.length > 0 ? trailing : ''}}`,
      ),
  );
const crOrNot = fc.constantFrom('', '', '\r');

// kv lines are results at the margin: mostly unindented (an indented one must be refused).
const kvLeading = fc.constantFrom('', '', '', '', ' ', '\t');
const kvLine = fc
  .tuple(kvLeading, nameText, blanks, blanks, numberText, blanks, crOrNot)
  .map(([a, n, b, c, v, d, cr]) => `${a}${n}${b}=${c}${v}${d}${cr}`);
const promSample = fc
  .tuple(
    blanks,
    nameText,
    fc.option(promLabels, { nil: '' }),
    fc.constantFrom(' ', '\t', '  ', ''),
    numberText,
    fc.option(
      fc.integer().map((n) => ` ${n}`),
      { nil: '' },
    ),
    blanks,
    crOrNot,
  )
  .map((parts) => parts.join(''));
const promComment = fc
  .tuple(
    blanks,
    fc.constantFrom('#', '#', '# '),
    fc.constantFrom(' ', '\t', ''),
    fc.constantFrom('TYPE', 'HELP', 'type', 'TYPO'),
    fc.constantFrom(' ', '\t', ''),
    nameText,
    fc.constantFrom(' counter', ' gauge', ' histogram', ' summary', ' untyped', ' bogus', '', ' help text here'),
    crOrNot,
  )
  .map((parts) => parts.join(''));
const jsonMetric = fc.record(
  {
    name: fc.oneof(nameText, fc.string({ maxLength: 8 }), fc.constant('')),
    value: fc.oneof(fc.double(), fc.integer(), numberText, fc.constant(null), fc.boolean()),
    labels: fc.dictionary(
      fc.string({ maxLength: 5 }),
      fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null)),
    ),
    dimensions: fc.dictionary(labelName, fc.string({ maxLength: 5 })),
    type: fc.constantFrom('gauge', 'counter', 'untyped', 'histogram', 'GAUGE', 'bogus'),
    unit: fc.constant('s'),
  },
  { requiredKeys: ['name', 'value'] },
);
// Log records and near-metrics: pino-like keys, a missing name or value, a numeric name.
const jsonOther = fc.record(
  {
    name: fc.oneof(nameText, fc.integer()),
    value: fc.oneof(fc.double(), numberText),
    level: fc.integer(),
    msg: fc.string({ maxLength: 8 }),
    time: fc.integer(),
  },
  { requiredKeys: [] },
);
// Keys rotated, so that every key comes first sometimes (the pre-check looks at the first key).
const rotated = (o: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(o, fc.nat()).map(([obj, by]) => {
    const entries = Object.entries(obj);
    const k = entries.length === 0 ? 0 : by % entries.length;
    return Object.fromEntries([...entries.slice(k), ...entries.slice(0, k)]);
  });
const jsonObject = fc.oneof(jsonMetric, rotated(jsonMetric), jsonOther, rotated(jsonOther));
const jsonLine = fc
  .tuple(blanks, fc.oneof(jsonObject, fc.array(jsonObject, { maxLength: 3 })), blanks, crOrNot, fc.boolean())
  .map(
    ([a, value, b, cr, pretty]) =>
      `${a}${JSON.stringify(value, null, pretty ? 1 : undefined).replace(/\n/g, ' ')}${b}${cr}`,
  );

/** A near-miss: one character inserted, deleted or replaced somewhere. */
function mutated(line: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const noise = fc.constantFrom(
    ' ',
    '=',
    '{',
    '}',
    '"',
    '\\',
    '#',
    '.',
    'x',
    '1',
    '\r',
    '\u0000',
    'é',
    '\uFFFD',
    '[',
    ',',
  );
  return fc.tuple(line, fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), noise).map(([text, at, op, c]) => {
    const i = text.length === 0 ? 0 : at % (text.length + 1);
    if (op === 'insert') return text.slice(0, i) + c + text.slice(i);
    if (op === 'delete') return text.slice(0, i) + text.slice(i + 1);
    return text.slice(0, i) + c + text.slice(i + 1);
  });
}

const metricLikeLine = fc.oneof(
  kvLine,
  promSample,
  promComment,
  jsonLine,
  mutated(kvLine),
  mutated(promSample),
  mutated(promComment),
  mutated(jsonLine),
);
// Any UTF-16 code unit (lone surrogates included), ASCII-heavy. (fast-check's 'binary' unit is slow to generate.)
const anyCodeUnit = fc
  .oneof(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff }))
  .map((c) => String.fromCharCode(c));
const anyString = (maxLength: number) => fc.string({ unit: anyCodeUnit, maxLength });
const syntaxSoup = fc.string({
  maxLength: 60,
  unit: fc.constantFrom(
    'a',
    'x',
    '_',
    ':',
    '=',
    '{',
    '}',
    '[',
    ']',
    '"',
    '\\',
    ',',
    ' ',
    '\t',
    '1',
    '.',
    'e',
    '-',
    '+',
    'N',
    'I',
    'n',
    'f',
    '#',
    'T',
    'Y',
    'P',
    'E',
    'H',
    'L',
    'v',
    'l',
    'u',
    '\r',
    '\u0000',
    'é',
  ),
});

// ---- the law ----

interface LawStats {
  lines: number;
  accepted: Record<keyof PrecheckOptions, number>;
}

/** Checks one line, with and without declarations; returns false when the law is broken. */
function lawHolds(line: string, stats: LawStats): boolean {
  const bytes = Buffer.from(`x\n${line}\n{"value"`, 'utf8');
  const start = 2;
  const end = start + Buffer.byteLength(line, 'utf8');
  // The caller drops one trailing \r before parsing; the pre-check sees the raw bytes.
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  stats.lines++;
  for (const declared of [false, true]) {
    for (const [name, parse] of PARSERS) {
      const state: ParseState = newParseState();
      if (declared) declareFirstWord(text, state);
      if (parse(text, state) === null) continue;
      if (!declared) stats.accepted[name]++;
      if (
        !new Precheck({ kv: name === 'kv', json: name === 'json', prom: name === 'prom' }).mayBeMetric(
          bytes,
          start,
          end,
        )
      )
        return false;
      if (!new Precheck(ALL).mayBeMetric(bytes, start, end)) return false;
    }
  }
  return true;
}

/** Declares the line's leading word, so prom's brace-less rule for declared names is exercised. */
function declareFirstWord(text: string, state: ParseState): void {
  const word = /^[ \t]*([A-Za-z_:][A-Za-z0-9_:]*)/.exec(text)?.[1];
  if (word) state.promTypes.set(word, 'gauge');
}

t.test('law on grammar-generated metric-like lines', async (t) => {
  const stats: LawStats = { lines: 0, accepted: { kv: 0, json: 0, prom: 0 } };
  fc.assert(
    fc.property(metricLikeLine, (line) => lawHolds(line, stats)),
    settings,
  );
  t.pass(`law held on ${stats.lines} lines`);
  // The generator must produce real metrics, or the law would be tested on rejects only.
  for (const name of ['kv', 'json', 'prom'] as const) {
    t.ok(stats.accepted[name] > RUNS / 50, `${name} accepted ${stats.accepted[name]} generated lines`);
  }
});

t.test('law on syntax soup and arbitrary strings', async (t) => {
  const stats: LawStats = { lines: 0, accepted: { kv: 0, json: 0, prom: 0 } };
  fc.assert(
    fc.property(syntaxSoup, (line) => lawHolds(line, stats)),
    settings,
  );
  fc.assert(
    fc.property(anyString(80), (line) => lawHolds(line, stats)),
    settings,
  );
  t.pass(`law held on ${stats.lines} lines`);
});

t.test('arbitrary bytes: the pre-check never throws, the decoded line obeys the law', async (t) => {
  const stats: LawStats = { lines: 0, accepted: { kv: 0, json: 0, prom: 0 } };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const buf = Buffer.from(bytes);
      const start = buf.length === 0 ? 0 : a % (buf.length + 1);
      const end = start + (buf.length - start === 0 ? 0 : b % (buf.length - start + 1));
      new Precheck(ALL).mayBeMetric(buf, start, end);
      new Precheck(ALL).mayBeMetric(new Uint8Array(bytes), start, end);
      const line = buf.toString('utf8', start, end);
      // The law needs the line's own bytes; U+FFFD re-encodes differently from the invalid bytes it replaced.
      return lawHolds(line, stats);
    }),
    settings,
  );
  t.pass(`law held on ${stats.lines} decoded byte lines`);
});

t.test('no parser throws', async (t) => {
  const anyLine = fc.oneof(anyString(120), syntaxSoup, metricLikeLine);
  fc.assert(
    fc.property(anyLine, (line) => {
      const state = newParseState();
      for (const [, parse] of PARSERS) parse(line, state);
      parseNumber(line);
      parsePatternFlag(line);
      parseJsonPathFlag(line);
    }),
    settings,
  );
  const rules = ['(?<name>\\w+)[=:]\\s*(?<value>\\S+)', 'fixed=(?<value>[^ ]*) (?<label>\\w+)?'].map((text) => {
    const rule = parsePatternFlag(text);
    if ('error' in rule) throw new Error(rule.error);
    return patternParser(rule);
  });
  fc.assert(
    fc.property(anyLine, (line) => {
      for (const parse of rules) parse(line);
    }),
    settings,
  );
  t.pass(`${RUNS} runs each`);
});

t.test('evaluateJsonPaths never rejects', async (t) => {
  const rules = [
    { name: 'a', path: '$.a' },
    { name: 'b', path: '$..value' },
    { name: 'c', path: '$[*].name' },
  ];
  const documents = fc.oneof(
    anyString(80),
    syntaxSoup,
    fc.json({ maxDepth: 4 }),
    jsonLine.map((l) => `banner\n${l}\nfooter`),
  );
  await fc.assert(
    fc.asyncProperty(documents, async (document) => {
      const result = await evaluateJsonPaths(document, rules);
      return Array.isArray(result.samples) && Array.isArray(result.problems);
    }),
    { seed: SEED, numRuns: 300 },
  );
  t.pass('300 runs');
});
