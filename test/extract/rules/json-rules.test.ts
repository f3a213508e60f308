// JSON rules: key_label (object keys as labels, skip_keys leaving some out) and a root filter
// `$[?(…)]` over JSON lines testing each line's object (go test -json).
import t from 'tap';
import fc from 'fast-check';
import { evaluateJsonRules } from '../../../lib/extract/rules/json-rules.js';
import { couldSelect, hasKeys, requiredKeysOf } from '../../../lib/extract/rules/documents.js';
import { compileRule } from '../../../lib/extract/rules/compile.js';
import type { JsonRule } from '../../../lib/extract/rules/model.js';

const rule = (raw: Record<string, unknown>): JsonRule => compileRule('r.yaml', 1, raw) as JsonRule;
const series = (samples: ReadonlyArray<{ name: string; labels: Record<string, string>; value: number }>): string[] =>
  samples.map((s) => `${s.name}${JSON.stringify(s.labels)} ${s.value}`).sort();

t.test('key_label: the matched key as a label; skip_keys leaves keys out', async (t) => {
  // cloc --json's shape: a header, one object per language, SUM.
  const doc = JSON.stringify({
    header: { n_files: 3 },
    Go: { nFiles: 2, code: 120 },
    Python: { nFiles: 1, code: 40 },
    SUM: { nFiles: 3, code: 160 },
  });
  const r = rule({
    json: '$.*',
    name: 'code_lines',
    value: 'code',
    key_label: 'language',
    skip_keys: ['header', 'SUM'],
  });
  const found = await evaluateJsonRules(doc, [r], 100);
  t.same(series(found.samples), ['code_lines{"language":"Go"} 120', 'code_lines{"language":"Python"} 40']);
  t.same(found.problems, []);
});

t.test('key_label: a list names the last keys of the path, outermost first', async (t) => {
  const doc = JSON.stringify({
    'sort::quick': { latency: { value: 88 }, throughput: { value: 5 } },
    'sort::heap': { throughput: { value: 3 } },
  });
  const r = rule({
    json: '$.*.*',
    name: 'measure',
    value: 'value',
    key_label: ['benchmark', 'measure'],
    skip_keys: ['latency'],
  });
  const found = await evaluateJsonRules(doc, [r], 100);
  t.same(series(found.samples), [
    'measure{"benchmark":"sort::heap","measure":"throughput"} 3',
    'measure{"benchmark":"sort::quick","measure":"throughput"} 5',
  ]);
});

t.test('key_label and skip_keys are checked when the rule is loaded', async (t) => {
  t.throws(() => rule({ json: '$.*', name: 'x', key_label: 'not a label' }), /key_label: must be a label name/);
  t.throws(() => rule({ json: '$.*', name: 'x', skip_keys: ['SUM'] }), /skip_keys: needs key_label/);
  t.throws(
    () => rule({ json: '$.*', name: 'x', key_label: 'k', skip_keys: 'SUM' }),
    /skip_keys: must be a list of keys/,
  );
});

t.test("JSON lines: $[?(@.Action=='pass' && @.Test)] tests each line's object", async (t) => {
  const lines = [
    { Action: 'run', Package: 'p', Test: 'TestA' },
    { Action: 'pass', Package: 'p', Test: 'TestA', Elapsed: 0 },
    { Action: 'fail', Package: 'p', Test: 'TestB', Elapsed: 0 },
    { Action: 'pass', Package: 'q', Test: 'TestC', Elapsed: 0 },
    { Action: 'fail', Package: 'p', Elapsed: 0.04 },
  ]
    .map((l) => JSON.stringify(l))
    .join('\n');
  const passed = rule({ json: "$[?(@.Action=='pass' && @.Test)]", name: 'passed', value: 'Test', aggregate: 'count' });
  const failedPackages = rule({
    json: "$[?(@.Action=='fail' && !@.Test)]",
    name: 'failed_packages',
    value: 'Package',
    aggregate: 'count',
  });
  const elapsed = rule({
    json: "$[?(@.Action=='fail' && !@.Test)]",
    name: 'package_duration',
    value: 'Elapsed',
    unit: 's',
    label_fields: { package: 'Package' },
  });
  const found = await evaluateJsonRules(lines, [passed, failedPackages, elapsed], 100);
  t.same(series(found.samples), ['failed_packages{} 1', 'package_duration_seconds{"package":"p"} 0.04', 'passed{} 2']);
  // One whole document: $[?(…)] keeps its JSONPath meaning (the root's members).
  const whole = await evaluateJsonRules(JSON.stringify({ Action: 'pass', Test: 'X' }), [passed], 100);
  t.same(whole.samples, []);
});

t.test('requiredKeysOf: the keys a document needs for a path to select anything, else undefined', async (t) => {
  const plain: Array<[string[], string[] | undefined]> = [
    [['$', 'metrics', 'x'], ['metrics']],
    [['metrics'], ['metrics']],
    [['$', 'total_cost-x'], ['total_cost-x']],
    [['$', '*'], undefined],
    [['$', '..', 'x'], undefined],
    [['$', '?(@.x)'], undefined],
    [['$', '0'], ['0']],
    [['$', 'a b'], ['a b']],
    [['$', '@string()'], undefined],
    [['$'], undefined],
  ];
  for (const [segments, want] of plain)
    t.same(requiredKeysOf(segments.join('.'), segments, false), want, segments.join(' '));
  const filters: Array<[string, string[] | undefined]> = [
    ["$[?(@.Action=='pass' && @.Test)]", ['Action', 'Test']],
    ['$[?(@.Action && @.Package)]', ['Action', 'Package']],
    ['$[?(@.code !== undefined && @.size > 0 && @.passed === false)]', ['code', 'size', 'passed']],
    ['$[?(@.errorCount > 0 || @.warningCount > 0)]', undefined],
    ['$[?(@.x != 1)]', undefined],
    ['$[?(!@.x)]', undefined],
    ['$[?(@.x == null)]', undefined],
    ['$[?(@.x === undefined)]', undefined],
    ["$[?(@.msg == 'a && b')]", undefined],
    ['$[?(@.constructor)]', undefined],
    ['$[?(@property === "rate")]', undefined],
    ['$.x', undefined],
  ];
  for (const [path, want] of filters) t.same(requiredKeysOf(path, [], true), want, path);
});

t.test('hasKeys: own keys only; undefined keys ask nothing', async (t) => {
  t.ok(hasKeys({ a: 1, b: 0 }, ['a', 'b']));
  t.notOk(hasKeys({ a: 1 }, ['a', 'b']));
  t.notOk(hasKeys({}, ['constructor']));
  t.notOk(hasKeys(null, ['a']));
  t.notOk(hasKeys(5, ['a']));
  t.ok(hasKeys(5, undefined));
});

t.test(
  "JSON lines and a root filter: lines without the filter's fields are skipped, the others read as before",
  async (t) => {
    const lines = [
      JSON.stringify({ level: 'info', msg: 'x' }),
      JSON.stringify({ Action: 'pass', Test: 'A', Package: 'p', Elapsed: 0.5 }),
      JSON.stringify({ Action: 'pass', Package: 'p', Elapsed: 1 }),
      JSON.stringify({ Action: 'fail', Test: 'B', Package: 'p', Elapsed: 2 }),
    ].join('\n');
    const r = rule({ json: "$[?(@.Action=='pass' && @.Test)]", name: 'passed', aggregate: 'count' });
    t.same(series((await evaluateJsonRules(lines, [r], 100)).samples), ['passed{} 1']);
  },
);

t.test('JSON lines without the first key of a path are skipped, the others read as before', async (t) => {
  // A log's JSON lines: only two hold `metrics`; one holds it as an inherited name only.
  const lines = [
    JSON.stringify({ level: 'info', msg: 'start' }),
    JSON.stringify({ metrics: { p95: 12 } }),
    JSON.stringify({ constructor: 1, msg: 'no metrics' }),
    JSON.stringify([1, 2]),
    JSON.stringify({ metrics: { p95: 15 } }),
  ].join('\n');
  const r = rule({ json: '$.metrics.p95', name: 'p95', aggregate: 'max' });
  const found = await evaluateJsonRules(lines, [r], 100);
  t.same(series(found.samples), ['p95{} 15']);
  const each = rule({ json: '$.metrics', name: 'p95_each', value: 'p95', aggregate: 'sum' });
  t.same(series((await evaluateJsonRules(lines, [each], 100)).samples), ['p95_each{} 27']);
});

t.test('requiredKeysOf: bracketed names, in a path and in a root filter', async (t) => {
  t.same(requiredKeysOf("$['fio version']", ['$', 'fio version'], false), ['fio version']);
  t.same(requiredKeysOf("$[?(@['message-id'] && @.symbol)]", [], true), ['message-id', 'symbol']);
  t.same(requiredKeysOf('$[?(@["a b"] == 1)]', [], true), ['a b']);
  t.equal(requiredKeysOf("$[?(@['constructor'])]", [], true), undefined);
  t.equal(requiredKeysOf('$.a,b', ['$', 'a,b'], false), undefined);
  t.equal(requiredKeysOf('$[1:3]', ['$', '1:3'], false), undefined);
});

t.test('couldSelect: false only where JSONPath selects nothing (checked against jsonpath-plus)', async (t) => {
  const { JSONPath } = await import('jsonpath-plus');
  const paths = [
    '$.*[?(@.a !== undefined || @.b !== undefined)]',
    '$[?(@.a && @.b)]',
    '$[*][?(@.a)]',
    "$.*[?(@['a b'] == 1)]",
    '$[?(@.length > 0)]',
    '$[?(@.a > 0 && @.c)].b',
    '$[?(@.map)]',
    '$[?(@property === "a")]',
    "$.*[?(@property === 'b')].c",
    '$[?(@property === "0")]',
    '$.*.latency.value',
    '$[*].Target',
    '$.a',
    '$.a.*',
    '$.*',
    '$.length',
    '$.a.0',
    '$.*.*.b',
    "$['a b'].c",
    '$..a',
    '$.a[?(@.b)]',
  ];
  const value = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(null, 0, 1, '', 'ab', true, false),
      fc.array(tie('node'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'a b', 'c', 'Target', 'latency', 'value', '0', 'length'), tie('node'), {
        maxKeys: 4,
      }),
    ),
  })).node;
  fc.assert(
    fc.property(value, fc.constantFrom(...paths), (doc, path) => {
      // A filter that throws (a field of null) selects nothing, as the marks take it (lib/extract/rules/marks.ts).
      let selected: unknown[];
      try {
        selected = (JSONPath({ path, json: doc as object, wrap: true, eval: 'safe' }) as unknown[] | undefined) ?? [];
      } catch {
        selected = [];
      }
      const could = couldSelect(JSONPath.toPathArray(path), doc);
      // A false negative would hide a preset's mark; a true positive only asks JSONPath as before.
      if (selected.length > 0) t.ok(could, `${path} on ${JSON.stringify(doc)}`);
      return selected.length === 0 || could;
    }),
    { numRuns: 1500 },
  );
  t.notOk(couldSelect(['$', '*', 'latency', 'value'], { level: 'info', msg: 'x' }));
  t.ok(couldSelect(['$', '*', 'latency', 'value'], { bench: { latency: { value: 1 } } }));
  t.notOk(couldSelect(['$', '*', 'Target'], [{ a: 1 }]));
  t.ok(couldSelect(['$', '..', 'a'], {}), 'not a simple path: JSONPath decides');
  const bencher = ['$', '*', '?(@.lower_value !== undefined || @.upper_value !== undefined)'];
  t.notOk(couldSelect(bencher, { level: 'info', msg: 'x', latency_ms: 1 }));
  t.ok(couldSelect(bencher, { bench: { latency: { value: 1, lower_value: 0.9 } } }));
});
