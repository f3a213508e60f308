// The rule model for benchmark harnesses: a unit taken from a field of the same JSON item
// (`unit_field:`, Google Benchmark's time_unit), a unit captured by a context rule and used by
// the line rules after it (`unit: context`, pytest-benchmark's `Name (time in us)` header), and
// XML fields that reach a child element (`mean/@value` in Catch2's <BenchmarkResults>).
import t from 'tap';
import { extract } from '../../support/extract.js';
import { evaluateJsonRules } from '../../../lib/extract/rules/json-rules.js';
import { evaluateXmlRules } from '../../../lib/extract/rules/xml-rules.js';
import { compileRule } from '../../../lib/extract/rules/compile.js';
import type { JsonRule, XmlRule } from '../../../lib/extract/rules/model.js';

const json = (raw: Record<string, unknown>): JsonRule => compileRule('r.yaml', 1, raw) as JsonRule;
const xml = (raw: Record<string, unknown>): XmlRule => compileRule('r.yaml', 1, raw) as XmlRule;
const series = (samples: ReadonlyArray<{ name: string; labels: Record<string, string>; value: number }>): string[] =>
  samples.map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`).sort();
const file = (...rules: string[]): string => `version: 1\nrules:\n${rules.join('\n')}\n`;

t.test('unit_field: each item in its own unit, converted to seconds', async (t) => {
  const doc = JSON.stringify({
    benchmarks: [
      { name: 'BM_a', real_time: 34.84, time_unit: 'ns' },
      { name: 'BM_b', real_time: 2.5, time_unit: 'ms' },
      { name: 'BM_c', real_time: 1.25, time_unit: 's' },
    ],
  });
  const r = json({
    json: '$.benchmarks[*]',
    name: 'op_duration',
    value: 'real_time',
    unit_field: 'time_unit',
    label_fields: { benchmark: 'name' },
  });
  const found = await evaluateJsonRules(doc, [r], 100);
  t.same(series(found.samples), [
    'op_duration_seconds{"benchmark":"BM_a"} 3.484e-8',
    'op_duration_seconds{"benchmark":"BM_b"} 0.0025',
    'op_duration_seconds{"benchmark":"BM_c"} 1.25',
  ]);
  t.same(found.problems, []);
  t.equal(found.samples[0]?.unitFrom, 'unit ns from time_unit', '--explain says where the unit came from');
});

t.test(
  'unit_field: a missing field falls back to unit:; a field that is no unit is a problem, not a guess',
  async (t) => {
    const doc = JSON.stringify({
      items: [
        { n: 'a', t: 5 },
        { n: 'b', t: 7, u: 'parsecs' },
        { n: 'c', t: 9, u: 'us' },
      ],
    });
    const withFallback = json({
      json: '$.items[*]',
      name: 't',
      value: 't',
      unit_field: 'u',
      unit: 'ms',
      label_fields: { n: 'n' },
    });
    const got = await evaluateJsonRules(doc, [withFallback], 100);
    t.same(series(got.samples), ['t_seconds{"n":"a"} 0.005', 't_seconds{"n":"c"} 0.000009']);
    t.match(got.problems.join('\n'), /unit_field u: "?parsecs"? is not a unit/);
    const without = json({ json: '$.items[*]', name: 't', value: 't', unit_field: 'u', label_fields: { n: 'n' } });
    const got2 = await evaluateJsonRules(doc, [without], 100);
    t.same(series(got2.samples), ['t_seconds{"n":"c"} 0.000009']);
    t.match(got2.problems.join('\n'), /no unit at .*\(no field u, and no unit:\)/);
  },
);

t.test('unit_field and unit: context are checked when the rule is loaded', async (t) => {
  t.throws(() => json({ json: '$.a', name: 'x', unit_field: '' }), /unit_field: must be a field name/);
  t.throws(() => json({ json: '$.a', name: 'x', unit_field: 'u', unit: 'auto' }), /unit: auto goes with no unit_field/);
  t.throws(
    () => json({ json: '$.a', name: 'x', unit: 'context' }),
    /unit: context: is the unit a context rule captured/,
  );
  t.throws(
    () => compileRule('r.yaml', 1, { pattern: '(?<value>\\d+)', name: 'x', unit: 'context', default: 0 }),
    /default: cannot go with unit: context/,
  );
  t.throws(
    () => compileRule('r.yaml', 1, { xml: 'a', name: 'x', unit_field: 'u' }),
    /unit_field: not a field of a xml rule/,
  );
});

t.test('unit: context: the unit a context rule captured applies to the rules after it, converted', async (t) => {
  const rules = file(
    `  - {pattern: '^Name \\(time in (?<unit>[a-z]+)\\)', context: true}`,
    `  - {pattern: '^(?<benchmark>test_\\w+)\\s+(?<value>[\\d,.]+)', name: mean, unit: context}`,
    `  - {pattern: '^(?<benchmark>test_\\w+)\\s+\\S+\\s+(?<value>\\d+)$', name: rounds}`,
  );
  const input =
    'Name (time in us)   Mean  Rounds\ntest_a   1,234.5   10\nName (time in ms)   Mean  Rounds\ntest_b   2.5   7\n';
  const { values } = await extract(input, { rules });
  t.same(values, {
    'mean_seconds{benchmark=test_a}': 0.0012345,
    'rounds{benchmark=test_a}': 10,
    'mean_seconds{benchmark=test_b}': 0.0025,
    'rounds{benchmark=test_b}': 7,
  });
});

t.test(
  'unit: context before any context matched, or a captured word that is no unit: a problem, nothing sent',
  async (t) => {
    const rules = file(
      `  - {pattern: '^Name \\(time in (?<unit>\\w+)\\)', context: true}`,
      `  - {pattern: '^(?<benchmark>test_\\w+)\\s+(?<value>[\\d.]+)', name: mean, unit: context}`,
    );
    const early = await extract('test_a 1.5\n', { rules, args: ['-v'] });
    t.same(early.values, {});
    t.match(early.messages.join('\n'), /no unit yet \(unit: context/);
    const odd = await extract('Name (time in fortnights)\ntest_a 1.5\n', { rules, args: ['-v'] });
    t.same(odd.values, {});
    t.match(odd.messages.join('\n'), /the context's unit "?fortnights"? is not a unit/);
  },
);

t.test('--explain names the unit a value was read in', async (t) => {
  const rules = file(
    `  - {pattern: '^Name \\(time in (?<unit>[a-z]+)\\)', context: true}`,
    `  - {pattern: '^(?<benchmark>test_\\w+)\\s+(?<value>[\\d.]+)', name: mean, unit: context}`,
  );
  const { messages } = await extract('Name (time in us)\ntest_a 2\n', { rules, args: ['--explain'] });
  t.match(messages.join('\n'), /mean_seconds\{benchmark="test_a"\}=0\.000002 \(unit us from the context\)/);
});

const catch2 = `<?xml version="1.0" encoding="UTF-8"?>
<Catch2TestRun name="bench">
  <Group name="bench">
    <TestCase name="fib">
      <BenchmarkResults name="fib 20" samples="100" resamples="100000" iterations="2" clockResolution="20" estimatedDuration="5000000">
        <!-- All values in nano seconds -->
        <mean value="25000.5" lowerBound="24000" upperBound="26000" ci="0.95"/>
        <standardDeviation value="1200" lowerBound="1000" upperBound="1400" ci="0.95"/>
        <outliers variance="0.1" lowMild="0" lowSevere="0" highMild="1" highSevere="0"/>
      </BenchmarkResults>
      <OverallResult success="true"/>
    </TestCase>
    <TestCase name="other">
      <BenchmarkResults name="sort" samples="100" resamples="100000" iterations="1" clockResolution="20" estimatedDuration="1000">
        <mean value="10" lowerBound="9" upperBound="11" ci="0.95"/>
        <notes><note>first</note><note>second</note></notes>
      </BenchmarkResults>
    </TestCase>
  </Group>
</Catch2TestRun>
`;

t.test('XML: fields of a child element (mean/@value), its text, and the element itself', async (t) => {
  const r = xml({
    xml: 'BenchmarkResults',
    fields: { op_duration: 'mean/@value', op_stddev: 'standardDeviation/@value' },
    label_fields: { benchmark: '@name' },
    unit: 'ns',
  });
  const found = await evaluateXmlRules(catch2, [r], 100);
  t.same(series(found.samples), [
    'op_duration_seconds{"benchmark":"fib 20"} 0.0000250005',
    'op_duration_seconds{"benchmark":"sort"} 1e-8',
    'op_stddev_seconds{"benchmark":"fib 20"} 0.0000012',
  ]);
  t.match(
    found.problems.join('\n'),
    /<BenchmarkResults> at line \d+ has no standardDeviation\/@value for op_stddev/,
    'a missing child is said',
  );
  const text = xml({
    xml: 'BenchmarkResults',
    name: 'first_note',
    value: 'notes/note/text()',
    label_fields: { benchmark: '@name' },
  });
  const notes = await evaluateXmlRules(catch2.replace('<note>first</note>', '<note>41</note>'), [text], 100);
  t.same(series(notes.samples), ['first_note{"benchmark":"sort"} 41'], 'the first child at that path, its own text');
});

t.test('XML child paths are checked when the rule is loaded', async (t) => {
  t.throws(
    () => xml({ xml: 'a', name: 'x', value: 'mean/value' }),
    /value: must be @attribute or text\(\), of the element or of a child/,
  );
  t.throws(() => xml({ xml: 'a', name: 'x', value: '/mean/@value' }), /value: must be @attribute or text\(\)/);
  t.doesNotThrow(() => xml({ xml: 'a', name: 'x', value: 'b/c/@d' }));
});

t.test(
  "unit: context with the rule's own unit group: each row in its own unit (JMH's ns/op column), the group no label",
  async (t) => {
    const rules = file(
      `  - {pattern: '^(?<benchmark>\\S+)\\s+avgt\\s+(?<value>[\\d.]+)\\s+(?<unit>ns|us|ms|s)/op$', name: op_duration, unit: context}`,
    );
    const { values } = await extract('Sort.quick  avgt  12.5  us/op\nSort.heap  avgt  3.5  ms/op\n', { rules });
    t.same(values, {
      'op_duration_seconds{benchmark=Sort.quick}': 0.0000125,
      'op_duration_seconds{benchmark=Sort.heap}': 0.0035,
    });
  },
);

t.test(
  "--preset jmh: time modes in the row's unit, throughput per ms as ops per second, the error beside the score",
  async (t) => {
    // The shape of JMH's final table (jmh-core ResultFormat TEXT): Cnt, Score, ± Error, Units.
    const input = [
      'Benchmark            Mode  Cnt    Score   Error   Units',
      'Sort.heap            avgt    5  123.456 ±  4.567   ns/op',
      'Sort.quick         sample    1    2.500            ms/op',
      'Sort.merge          thrpt    5   12.000 ±  0.500  ops/ms',
    ].join('\n');
    const { values } = await extract(`${input}\n`, { args: ['--preset', 'jmh', '--parsers', 'none'] });
    t.same(values, {
      'op_duration_seconds{benchmark=Sort.heap,mode=avgt}': 1.23456e-7,
      'op_duration_error_seconds{benchmark=Sort.heap,mode=avgt}': 4.567e-9,
      'op_duration_seconds{benchmark=Sort.quick,mode=sample}': 0.0025,
      'ops_per_second{benchmark=Sort.merge,mode=thrpt}': 12000,
      'ops_per_second_error{benchmark=Sort.merge,mode=thrpt}': 500,
    });
  },
);
