// The rule-file format: the loader's errors name the file, the rule and the field; the JSON
// Schema (schema/rules.schema.json) and the loader agree on the examples, the presets and on
// broken files; the flag forms are rules too.
import t from 'tap';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { loadRuleText } from '../../../lib/extract/rules/load.js';
import { compileRule } from '../../../lib/extract/rules/compile.js';
import { lineHasWord, requiredSuffix, requiredWords, wordsOfRegex } from '../../../lib/extract/rules/words.js';
import { parseWithUnit, withUnitSuffix } from '../../../lib/extract/rules/units.js';

const root = new URL('../../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('schema/rules.schema.json', root), 'utf8')) as object;
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
const validate = ajv.compile(schema);

function ruleFiles(dir: string, ext = /\.(ya?ml|json)$/): string[] {
  const url = new URL(`${dir}/`, root);
  return existsSync(url)
    ? readdirSync(url)
        .filter((f) => ext.test(f))
        .map((f) => `${dir}/${f}`)
    : [];
}

t.test('examples and presets: valid for the schema and for the loader', async (t) => {
  const files = [...ruleFiles('examples/rules'), ...ruleFiles('presets')];
  t.ok(files.length >= 3, files.join(', '));
  for (const f of files) {
    const text = readFileSync(new URL(f, root), 'utf8');
    t.ok(validate(parseYaml(text)), `${f}: schema: ${ajv.errorsText(validate.errors)}`);
    const loaded = await loadRuleText(f, text);
    t.notOk('errors' in loaded, `${f}: loader: ${'errors' in loaded ? loaded.errors.join('; ') : ''}`);
  }
});

// Each broken file: the loader's message, and the schema refuses it too.
const BROKEN: Array<[string, string, RegExp]> = [
  ['no version', 'rules: [{pattern: "x=(?<value>1)", name: x}]', /^r\.yaml: version: must be 1/],
  [
    'unknown top key',
    'version: 1\nrule: []\nrules: [{pattern: "(?<value>1)", name: x}]',
    /^r\.yaml: rule: unknown key/,
  ],
  ['empty rules', 'version: 1\nrules: []', /^r\.yaml: rules: must be a list of at least one rule/],
  [
    'bad unit',
    'version: 1\nrules:\n  - {pattern: "x", name: x}\n  - {pattern: "(?<value>\\\\d+)", id: p95, name: p95, unit: mss}',
    /^r\.yaml: rule 2 \("p95"\): unit: "mss" is not a unit \(auto, or one of: ns, us/,
  ],
  [
    'two kinds',
    'version: 1\nrules: [{pattern: "(?<value>1)", json: "$.a", name: x}]',
    /^r\.yaml: rule 1 \("x"\): a rule has exactly one of pattern:, json:, xml: \(got pattern, json\)/,
  ],
  [
    'unknown field',
    'version: 1\nrules: [{pattern: "(?<value>1)", name: x, lables: {a: b}}]',
    /^r\.yaml: rule 1 \("x"\): lables: not a field of a pattern rule/,
  ],
  [
    'bad occurrence',
    'version: 1\nrules: [{pattern: "(?<value>1)", name: x, occurrence: middle}]',
    /occurrence: "middle" is not one of first, last/,
  ],
  [
    'bad aggregate',
    'version: 1\nrules: [{json: "$.a", name: x, aggregate: median}]',
    /rule 1 \("x"\): aggregate: "median" is not one of sum, count, min, max, mean, avg, first, last/,
  ],
  ['json without name', 'version: 1\nrules: [{json: "$.a"}]', /rule 1: name: a json rule needs name: \(or fields:\)/],
  [
    'bad xml field',
    'version: 1\nrules: [{xml: testsuite, name: t, value: time}]',
    /rule 1 \("t"\): value: must be @attribute or text\(\)/,
  ],
  ['bad name', 'version: 1\nrules: [{pattern: "(?<value>1)", name: "1x"}]', /name: "1x" is not a metric name/],
  [
    'default not a number',
    'version: 1\nrules: [{pattern: "(?<value>1)", name: x, default: zero}]',
    /rule 1 \("x"\): default: must be a number/,
  ],
  [
    'words not a list',
    'version: 1\nrules: [{pattern: "(?<value>1)", name: x, words: abc}]',
    /words: must be a list of non-empty words/,
  ],
  [
    'a word that is only the digit sign',
    'version: 1\nrules: [{pattern: "(?<value>1)", name: x, words: [\'\\d\']}]',
    /rule 1 \("x"\): words: a word of only `\\d` has no text to look for/,
  ],
  [
    'marks not a list',
    'version: 1\nmarks: {line: x}\nrules: [{pattern: "(?<value>1)", name: x}]',
    /^r\.yaml: marks: must be a list of at least one mark/,
  ],
  [
    'empty marks',
    'version: 1\nmarks: []\nrules: [{pattern: "(?<value>1)", name: x}]',
    /^r\.yaml: marks: must be a list of at least one mark/,
  ],
  [
    'mark of two kinds',
    'version: 1\nmarks: [{line: x, xml: y}]\nrules: [{pattern: "(?<value>1)", name: x}]',
    /^r\.yaml: mark 1: a mark has exactly one of line:, json:, xml:/,
  ],
  [
    'mark with a rule field',
    'version: 1\nmarks: [{json: "$.a", name: x}]\nrules: [{pattern: "(?<value>1)", name: x}]',
    /^r\.yaml: mark 1: name: not a field of a json mark/,
  ],
  [
    'xml mark not a name',
    'version: 1\nmarks: [{xml: "a/b"}]\nrules: [{pattern: "(?<value>1)", name: x}]',
    /^r\.yaml: mark 1: xml: must be the name of the root element/,
  ],
  [
    'empty line mark',
    'version: 1\nmarks: [{line: ""}]\nrules: [{pattern: "(?<value>1)", name: x}]',
    /^r\.yaml: mark 1: line: must be a non-empty regular expression/,
  ],
];

t.test('broken files: the loader names file, rule and field; the schema refuses them', async (t) => {
  for (const [what, text, message] of BROKEN) {
    const loaded = await loadRuleText('r.yaml', text);
    t.ok(
      'errors' in loaded && loaded.errors.some((e) => message.test(e)),
      `${what}: ${'errors' in loaded ? loaded.errors.join(' | ') : 'accepted'}`,
    );
    t.notOk(validate(parseYaml(text)), `${what}: the schema refuses it too`);
  }
});

t.test('what only the loader can check: the regex and its groups', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['version: 1\nrules: [{pattern: "(", name: x}]', /rule 1 \("x"\): pattern: invalid regular expression/],
    [
      'version: 1\nrules: [{pattern: "\\\\d+", name: x}]',
      /pattern: the regex needs a named group \(\?<value>…\), or give values:/,
    ],
    [
      'version: 1\nrules: [{pattern: "(?<value>\\\\d+)"}]',
      /pattern: the regex needs a named group \(\?<name>…\), or give name:/,
    ],
    [
      'version: 1\nrules: [{pattern: "(?<name>\\\\w+) (?<value>\\\\d+)", name: x}]',
      /name: the regex has a \(\?<name>…\) group as well/,
    ],
    [
      'version: 1\nrules: [{pattern: "(?<a>\\\\d+)", name: x, values: {b: {s: b}}}]',
      /values\.b: the pattern has no named group \(\?<b>…\)/,
    ],
    ['version: 1\nrules: [{pattern: "x", context: true}]', /a context rule needs named groups/],
    [
      'version: 1\nrules: [{pattern: "(?<value>\\\\S+)", name: x, unit: auto, default: 0}]',
      /default: cannot go with unit: auto/,
    ],
    ['version: 1\nrules: [{pattern: "(?<value>\\\\d+) (?<name>\\\\w+)", default: 0}]', /default: needs a fixed name/],
    [
      'version: 1\nrules: [{pattern: "(?<value>\\\\d+)", name: x, label_groups: [shard]}]',
      /label_groups: the pattern has no named group \(\?<shard>…\)/,
    ],
    [
      'version: 1\nrules: [{pattern: "(?<value>\\\\d+)", name: x, decimal: dot}]',
      /decimal: "dot" is not one of point, comma/,
    ],
    [
      'version: 1\nrules: [{pattern: "(?<value>\\\\d+)", name: x, prefixes: iec}]',
      /prefixes: "iec" is not one of si, binary/,
    ],
    [
      'version: 1\nrules: [{pattern: "(?<value>\\\\d+)", name: x, aggregate: sum, occurrence: last}]',
      /aggregate: goes with no occurrence:/,
    ],
    [
      'version: 1\nrules:\n  - {pattern: "(?<value>1)", name: a, unit: mss}\n  - {json: "$.x", name: b, aggregate: median}',
      /rule 1 \("a"\): unit/,
    ],
  ];
  for (const [text, message] of cases) {
    const loaded = await loadRuleText('r.yaml', text);
    t.ok(
      'errors' in loaded && loaded.errors.some((e) => message.test(e)),
      `${text}: ${'errors' in loaded ? loaded.errors.join(' | ') : 'accepted'}`,
    );
  }
  const badMark = await loadRuleText(
    'r.yaml',
    'version: 1\nmarks: [{line: "("}]\nrules: [{pattern: "(?<value>1)", name: x}]',
  );
  t.match(
    'errors' in badMark ? badMark.errors[0] : '',
    /^r\.yaml: mark 1: line: invalid regular expression/,
    'a line mark is a regex the loader compiles',
  );
  const marks = await loadRuleText(
    'r.yaml',
    'version: 1\nmarks: [{line: "^Done in"}, {json: "Results"}, {xml: testsuites}]\nrules: [{pattern: "(?<value>1)", name: x}]',
  );
  t.match(
    'set' in marks ? marks.set.marks : [],
    [
      { kind: 'mark', words: ['Done in'] },
      { kind: 'json', path: '$.Results' },
      { kind: 'xml', root: 'testsuites' },
    ],
    'marks, as the loader keeps them',
  );
  const both = await loadRuleText('r.yaml', cases.at(-1)![0]);
  t.equal('errors' in both ? both.errors.length : 0, 2, 'every broken rule is reported, not only the first');
  const yamlError = await loadRuleText('r.yaml', 'version: 1\nrules: [\n');
  t.match(
    'errors' in yamlError ? yamlError.errors[0] : '',
    /^r\.yaml: line \d+: /,
    'a YAML syntax error names the line',
  );
  const json = await loadRuleText('r.json', '{"version": 1, "rules": [{"pattern": "(?<value>1)", "name": "x"}]}');
  t.notOk('errors' in json, 'JSON is accepted');
  const laughs = await loadRuleText(
    'r.yaml',
    `version: 1\na: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\nrules: [{pattern: "(?<value>1)", name: x}]`,
  );
  t.ok('errors' in laughs, 'aliases are bounded (and unknown keys refused)');
});

t.test('compileRule: the same rule objects as the flags make', async (t) => {
  const rule = compileRule('f', 1, {
    pattern: 'http_req_duration.*avg=(?<value>\\S+)',
    name: 'd',
    unit: 'auto',
    labels: { tool: 'k6', n: 1 },
  });
  t.equal(rule.kind, 'line');
  if (rule.kind === 'line') {
    t.same(rule.labels, { tool: 'k6', n: '1' });
    t.same(requiredWords(rule), ['http_req_duration', 'avg=']);
  }
});

t.test('requiredWords: literal runs at the top level, conservatively', async (t) => {
  const cases: Array<[string, string, string[] | null]> = [
    ['^Requests per second:\\s+(?<value>[\\d.]+)', '', ['Requests per second:']],
    ['(?<value>\\d+) failed', '', [' failed']],
    ['a|b', '', null],
    ['(?:a|b)cd', '', ['cd']],
    ['colou?r=(?<value>\\d+)', '', ['colo', 'r=']],
    ['ab*c', '', null],
    ['abc{0,2}d', '', ['ab']],
    ['abc{2}', '', ['abc']],
    ['x\\.y\\d+', '', ['x.y']],
    ['[abc]def', '', ['def']],
    ['Total', 'i', null],
    ['\\d+', '', null],
    // An escape's own digits and letters are not in the line: `\u0000` matches a NUL, not "0000".
    ['\\u0000(?<value>\\d+)', '', null],
    ['\\x41(?<value>\\d+)', '', null],
    ['ab\\u0041cd', '', ['ab', 'cd']],
    ['ab\\u{41}cd', 'u', ['ab', 'cd']],
    ['ab\\cJcd', '', ['ab', 'cd']],
    ['ab\\p{L}cd', 'u', ['ab', 'cd']],
    ['(?<n>x)\\k<n>yz', '', ['yz']],
    ['ab\\12cd', '', ['ab', 'cd']],
    // A literal backslash and d would read as `words:`' digit: the word leaves them out at its start and end.
    ['\\\\data=(?<value>\\d+)', '', ['data=']],
    ['x\\\\dy', '', ['x\\dy']],
    ['ab\\\\d(?<value>1)', '', ['ab']],
  ];
  for (const [source, flags, want] of cases) t.same(wordsOfRegex(source, flags), want, `/${source}/${flags}`);
  t.same(requiredWords({ regex: /x/, words: ['given'] }), ['given'], 'words: wins');
});

t.test('lineHasWord: a word starting (ending) with \\d needs a digit just before (after) the rest', async (t) => {
  const cases: Array<[string, string, boolean]> = [
    ['3 passed in 0.1s', '\\d passed', true],
    ['Test passed: x in 9 ms', '\\d passed', false],
    ['Test passed, 12 passed', '\\d passed', true],
    [' passed at the start', '\\d passed', false],
    ['a\\d passed', '\\d passed', false],
    ['C:\\d', '\\d', true],
    ['plain words', 'words', true],
    ['GET,/a,39,0,6', '\\d,\\d', true],
    ['"ms":71.06,"id":"x"', '\\d,\\d', false],
    ['a 1, 2', '\\d,', true],
    ['1,', ',\\d', false],
  ];
  for (const [line, word, want] of cases) t.equal(lineHasWord(line, word), want, `${JSON.stringify(line)} ${word}`);
});

t.test('requiredSuffix: the literal right before a final $, conservatively', async (t) => {
  const cases: Array<[string, string, string | null]> = [
    ['^(?<trend>[A-Za-z][^\\s:]*):$', '', ':'],
    ['(?<value>\\d+)/sec$', '', '/sec'],
    ['x\\)$', '', 'x)'],
    ['[abc]:$', '', ':'],
    ['abc$', '', 'abc'],
    ['a\\\\$', '', 'a\\'],
    ['ab?$', '', null],
    ['ab+$', '', null],
    ['ms{2}$', '', null],
    ['a.$', '', null],
    ['a\\$', '', null],
    [':\\s*$', '', null],
    ['(?:ms|s)$', '', null],
    ['a|b:$', '', null],
    ['x:$', 'i', null],
    ['x:$', 'm', null],
    ['x:', '', null],
  ];
  for (const [source, flags, want] of cases)
    t.equal(requiredSuffix({ regex: new RegExp(source, flags) }), want, `/${source}/${flags}`);
});

t.test('units: to seconds, bytes, ratio; suffixes', async (t) => {
  const cases: Array<[string, string, number | null, string | null]> = [
    ['7.57ms', 'auto', 0.00757, 'seconds'],
    ['1930 ms', 'auto', 1.93, 'seconds'],
    ['0.0145 secs', 'auto', 0.0145, 'seconds'],
    ['3.0395s', 'auto', 3.0395, 'seconds'],
    ['92.5 kB', 'auto', 92500, 'bytes'],
    ['164.80KB', 'auto', 164800, 'bytes'],
    ['3MiB', 'auto', 3 * 1024 * 1024, 'bytes'],
    ['79096.72k', 'auto', 79096720, null],
    ['3k', 'auto', 3000, null],
    ['0.90k', 'auto', 900, null],
    ['25%', 'auto', 0.25, 'ratio'],
    ['0:00.02', 'auto', 0.02, 'seconds'],
    ['1:02:03', 'auto', 3723, 'seconds'],
    ['1m30.5s', 'auto', 90.5, 'seconds'],
    ['12', 'auto', 12, null],
    ['12', 'ms', 0.012, 'seconds'],
    ['1.2s', 'ms', 1.2, 'seconds'],
    ['87.5', 'percent', 0.875, 'ratio'],
  ];
  for (const [text, unit, value, base] of cases) {
    const r = parseWithUnit(text, unit);
    if (!('value' in r)) {
      t.fail(`${text} (${unit}): ${r.problem}`);
      continue;
    }
    t.ok(value !== null && Math.abs(r.value - value) <= Math.abs(value) * 1e-12, `${text} (${unit}) = ${r.value}`);
    t.equal(r.base, base, `${text} (${unit}) base`);
  }
  t.match(parseWithUnit('12 apples', 'auto'), { problem: /not a number with a unit/ });
  t.match(parseWithUnit('12kB', 's'), { problem: /is not in seconds as unit: s says/ });
  t.equal(withUnitSuffix('latency', 'seconds'), 'latency_seconds');
  t.equal(withUnitSuffix('latency_seconds', 'seconds'), 'latency_seconds');
  t.equal(withUnitSuffix('x', null), 'x');
});

t.test('a rule file of more than 1000 rules is refused before any is compiled (issue 24, item 5)', async (t) => {
  // Rules past the 1000th have a pattern that does not compile: had any been compiled, its
  // error would be among the errors. (A structural check, not a timed one.)
  const rules = (n: number): string =>
    JSON.stringify({
      version: 1,
      rules: Array.from({ length: n }, (_, i) => ({ pattern: i < 1000 ? `x${i}=(?<value>\\d+)` : '(', name: `x${i}` })),
    });
  const ok = await loadRuleText('ok.json', rules(1000));
  t.equal('set' in ok ? ok.set.rules.length : ok.errors[0], 1000);
  const over = await loadRuleText('big.json', rules(100_000));
  t.same(over, { errors: ['big.json: rules: 100000 rules, more than the 1000 a rule file may hold'] });
  // The check has teeth: under the cap, such a pattern is compiled and refused.
  const few = JSON.parse(rules(1001)) as { rules: unknown[] };
  const compiled = await loadRuleText('few.json', JSON.stringify({ version: 1, rules: few.rules.slice(999) }));
  t.match(compiled, { errors: [/few\.json: .*x1000/] });
});

t.test('a JSON rule file with a key twice is refused, as YAML refuses it (issue 24, item 13)', async (t) => {
  const rules = (name: string): string => `[{"pattern": "x=(?<value>\\\\d+)", "name": "${name}"}]`;
  const dup = `{"version": 1,\n "rules": ${rules('first')},\n "rules": ${rules('second')}}`;
  t.same(await loadRuleText('dup.json', dup), {
    errors: ['dup.json: line 3: duplicate key "rules" (a key may appear once in a mapping)'],
  });
  const inner = `{"version": 1, "rules": [{"pattern": "x=(?<value>\\\\d+)", "name": "a", "name": "b"}]}`;
  t.match(await loadRuleText('inner.json', inner), { errors: [/duplicate key "name"/] });
  // Equal keys in different objects, and strings with quotes and braces, are fine.
  const ok = `{"version": 1, "rules": [{"pattern": "a\\\\\\"{=(?<value>\\\\d+)", "name": "a"}, {"pattern": "b=(?<value>\\\\d+)", "name": "b"}]}`;
  const loaded = await loadRuleText('ok.json', ok);
  t.equal('set' in loaded ? loaded.set.rules.length : loaded.errors.join(), 2);
  const { duplicateJsonKey } = await import('../../../lib/extract/rules/load.js');
  t.equal(duplicateJsonKey('{"a": {"b": 1}, "b": [1, {"a": 2}]}'), undefined);
  t.same(duplicateJsonKey('{"a": 1, "\\u0061": 2}'), { key: 'a', line: 1 });
});
