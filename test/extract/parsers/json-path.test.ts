import t from 'tap';
import { parseJsonPathFlag } from '../../../lib/extract/parsers/json-path.js';
import { evaluateJsonPaths } from './parse-assert.js';
import type { JsonPathRule } from '../../../lib/extract/parsers/json-path.js';

function rules(...texts: string[]): JsonPathRule[] {
  return texts.map((text) => {
    const parsed = parseJsonPathFlag(text);
    if ('error' in parsed) throw new Error(parsed.error);
    return parsed;
  });
}

// The shape of `infracost breakdown --format json` (numbers written as strings).
const INFRACOST = JSON.stringify(
  {
    version: '0.2',
    currency: 'USD',
    projects: [
      { name: 'a', breakdown: { totalMonthlyCost: '154.2038', totalHourlyCost: '0.2112' } },
      { name: 'b', breakdown: { totalMonthlyCost: '10', totalHourlyCost: null } },
    ],
    totalMonthlyCost: '164.2038',
    totalHourlyCost: '0.2249',
    pastTotalMonthlyCost: '0',
    diffTotalMonthlyCost: null,
    summary: { totalDetectedResources: 12, totalSupportedResources: 9, unsupported: 'n/a' },
  },
  null,
  2,
);

t.test('flag', async (t) => {
  const ok: ReadonlyArray<readonly [string, string, string]> = [
    ['cost=totalMonthlyCost', 'cost', '$.totalMonthlyCost'],
    ['cost=$.totalMonthlyCost', 'cost', '$.totalMonthlyCost'],
    ['c=$.projects[0].breakdown.totalMonthlyCost', 'c', '$.projects[0].breakdown.totalMonthlyCost'],
    ['c=projects[0].x', 'c', '$.projects[0].x'],
    ["c=['a b']", 'c', "$['a b']"],
    ['c=$..x', 'c', '$..x'],
    ['c= a ', 'c', '$.a'],
    ['c.d:e-f=a=b', 'c.d:e-f', '$.a=b'],
  ];
  for (const [text, name, path] of ok) t.same(parseJsonPathFlag(text), { name, path }, text);
  const bad: ReadonlyArray<readonly [string, RegExp]> = [
    ['cost', /expected NAME=PATH/],
    ['=x', /is not a metric name/],
    ['1c=x', /is not a metric name/],
    ['c d=x', /is not a metric name/],
    ['c=', /path is empty/],
    ['c=$', /path is empty/],
  ];
  for (const [text, message] of bad) {
    const parsed = parseJsonPathFlag(text);
    t.match('error' in parsed ? parsed.error : '', message, text);
  }
});

t.test('infracost: numeric strings count, null and missing are problems naming the path', async (t) => {
  const result = await evaluateJsonPaths(
    INFRACOST,
    rules(
      'cost=totalMonthlyCost',
      'p0=projects[0].breakdown.totalMonthlyCost',
      'resources=summary.totalDetectedResources',
      'diff=diffTotalMonthlyCost',
      'gone=nope.x',
      'bad=summary.unsupported',
      'obj=summary',
    ),
  );
  t.same(result.samples, [
    { name: 'cost', value: 164.2038, labels: {} },
    { name: 'p0', value: 154.2038, labels: {} },
    { name: 'resources', value: 12, labels: {} },
  ]);
  t.same(result.problems, [
    'diff: no value at $.diffTotalMonthlyCost',
    'gone: no value at $.nope.x',
    'bad: not a number ("n/a") at $.summary.unsupported',
    'obj: not a number (an object) at $.summary',
  ]);
});

t.test('wildcards, filters, slices and deep scans: one sample per match with index', async (t) => {
  const result = await evaluateJsonPaths(
    INFRACOST,
    rules(
      'pc=projects[*].breakdown.totalMonthlyCost',
      'hc=$..totalHourlyCost',
      'f=$.projects[?(@.name=="b")].breakdown.totalMonthlyCost',
    ),
  );
  t.same(result.samples, [
    { name: 'pc', value: 154.2038, labels: { index: '0' } },
    { name: 'pc', value: 10, labels: { index: '1' } },
    // `..` matches at a level before it descends: the root's own value comes first.
    { name: 'hc', value: 0.2249, labels: { index: '0' } },
    { name: 'hc', value: 0.2112, labels: { index: '1' } },
    { name: 'f', value: 10, labels: { index: '0' } },
  ]);
  t.same(result.problems, ['hc: no value at $..totalHourlyCost (match 2)']);
  const none = await evaluateJsonPaths(INFRACOST, rules('x=projects[*].nothing'));
  t.same(none, { samples: [], problems: ['x: no value at $.projects[*].nothing'] });
});

t.test('values: JSON numbers, numeric strings, NaN/Inf strings; the rest are problems', async (t) => {
  const doc = JSON.stringify({
    n: -1.5e10,
    s: ' 7 ',
    nan: 'NaN',
    inf: '+Inf',
    ninf: '-Inf',
    big: '1e400',
    t: true,
    arr: [1],
    zero: 0,
  });
  const result = await evaluateJsonPaths(
    doc,
    rules('n=n', 's=s', 'nan=nan', 'inf=inf', 'ninf=ninf', 'zero=zero', 'big=big', 't=t', 'arr=arr'),
  );
  t.same(
    result.samples.map((s) => [s.name, s.value]),
    [
      ['n', -1.5e10],
      ['s', 7],
      ['nan', Number.NaN],
      ['inf', Infinity],
      ['ninf', -Infinity],
      ['zero', 0],
    ],
  );
  t.same(result.problems, [
    'big: not a number ("1e400" is out of range) at $.big',
    't: not a number (true) at $.t',
    'arr: not a number (an array) at $.arr',
  ]);
  const overflow = await evaluateJsonPaths('{"x": 1e400}', rules('x=x'));
  t.same(overflow.problems, ['x: not a number (out of range) at $.x']);
});

t.test('a banner before the document and a footer after it', async (t) => {
  const want = [{ name: 'cost', value: 164.2038, labels: {} }];
  const banner = `Evaluating Terraform directory at .\n  ✔ Downloading Terraform modules \n${INFRACOST}\n`;
  t.same((await evaluateJsonPaths(banner, rules('cost=totalMonthlyCost'))).samples, want, 'banner');
  const footer = `${banner}\nTo estimate usage-based resources use --usage-file\n`;
  t.same((await evaluateJsonPaths(footer, rules('cost=totalMonthlyCost'))).samples, want, 'banner and footer');
  const crlf = `banner\r\n${INFRACOST.replace(/\n/g, '\r\n')}\r\nfooter\r\n`;
  t.same((await evaluateJsonPaths(crlf, rules('cost=totalMonthlyCost'))).samples, want, 'CRLF');
  const array = `note\n[{"a": 1}, {"a": "2"}]\n`;
  t.same(
    (await evaluateJsonPaths(array, rules('a=[*].a'))).samples.map((s) => s.value),
    [1, 2],
    'a top-level array',
  );
});

t.test('not a JSON document: one problem naming the rules, no throw', async (t) => {
  for (const doc of ['', 'plain text\nmore text\n']) {
    const result = await evaluateJsonPaths(doc, rules('a=a', 'b=b'));
    t.same(result.samples, [], JSON.stringify(doc));
    t.equal(result.problems.length, 1);
    t.match(result.problems[0], /^the input is not one JSON document \(.*\); nothing extracted for a, b$/);
  }
  // A document that starts and ends inside an object or array was cut short: said as such.
  for (const doc of ['{"a": 1', 'x\n[1,2\n']) {
    const result = await evaluateJsonPaths(doc, rules('a=a', 'b=b'));
    t.same(result.samples, [], JSON.stringify(doc));
    t.equal(result.problems.length, 1);
    t.match(result.problems[0], /^the JSON document was cut short \(.*\); nothing is sent from a, b$/);
  }
});

t.test('several documents, one per line: each is read (0.2)', async (t) => {
  const result = await evaluateJsonPaths('banner\n{ "a": 1 }\n{ "b": 2 }\nnot json\n', rules('a=a', 'b=b'));
  t.same(result.samples, [
    { name: 'a', value: 1, labels: {} },
    { name: 'b', value: 2, labels: {} },
  ]);
  t.same(result.problems, []);
});

t.test('no rules: nothing is parsed', async (t) => {
  t.same(await evaluateJsonPaths('not json', []), { samples: [], problems: [] });
});

t.test('deep nesting, scalars and hostile paths never throw', async (t) => {
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  const deepResult = await evaluateJsonPaths(deep, rules('x=$..x', 'y=$[0][0][0]'));
  t.same(deepResult.samples, []);
  t.equal(deepResult.problems.length, 2);
  t.match(deepResult.problems[0], /nested too deeply|no value/);
  const scalar = await evaluateJsonPaths('42', rules('x=x'));
  t.same(scalar.samples, []);
  t.equal(scalar.problems.length, 1);
  const nul = await evaluateJsonPaths('null', rules('x=x'));
  t.equal(nul.problems.length, 1);
  // The safe evaluator refuses code: nothing runs, the rule fails as a problem.
  const hostile = await evaluateJsonPaths(
    '{"a":[{"x":1}]}',
    rules('h=$.a[?(process.exit(7))].x', 'c=$.a[?(@.constructor.constructor("return process")().exit(7))].x'),
  );
  t.same(hostile.samples, []);
  t.equal(hostile.problems.length, 2);
});
