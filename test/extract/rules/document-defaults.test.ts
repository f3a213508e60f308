// `default:` of document rules: a series no sample made gets its default; one that was made, or
// one whose labels come from the document, does not. The unit's base is in the name, as for values.

import t from 'tap';
import { compileRuleFile } from '../../../lib/extract/rules/compile.js';
import { documentDefaults } from '../../../lib/extract/rules/document-defaults.js';
import type { DocumentRule } from '../../../lib/extract/rules/model.js';
import type { RuleSample } from '../../../lib/extract/rules/rule-sample.js';

function rulesOf(rules: unknown[]): DocumentRule[] {
  const r = compileRuleFile('r.yaml', { version: 1, rules });
  if (!('set' in r)) throw new Error(r.errors.join('\n'));
  return r.set.rules.filter((x): x is DocumentRule => x.kind === 'json' || x.kind === 'xml');
}

const RULES = rulesOf([
  { json: '$[?(@.errorCount > 0)]', name: 'files_with_problems', value: 'filePath', aggregate: 'count', default: 0 },
  { xml: 'testcase/failure', name: 'failures', labels: { suite: 'all' }, aggregate: 'count', default: 0 },
  { json: '$.time', name: 'duration', value: 'ms', unit: 'ms', default: 0 },
  { json: '$.items[*]', name: 'by_kind', value: 'n', label_fields: { kind: 'kind' }, default: 0 },
  { json: '$.x', name: 'no_default', value: 'v' },
]);

t.test('nothing made: each rule with a default and fixed labels gets it', async (t) => {
  const out = documentDefaults(RULES, []);
  t.same(
    out.map((s) => [s.name, s.value, s.labels, s.unit]),
    [
      ['files_with_problems', 0, {}, undefined],
      ['failures', 0, { suite: 'all' }, undefined],
      ['duration_seconds', 0, {}, 'seconds'],
    ],
  );
  t.equal(out[0]!.rule, RULES[0], 'each default names its rule');
});

t.test('a series that was made keeps its value: no default for it', async (t) => {
  const made = [
    { name: 'failures', value: 2, labels: { suite: 'all' }, rule: RULES[1]!, type: 'gauge' },
  ] as RuleSample[];
  t.same(
    documentDefaults(RULES, made).map((s) => s.name),
    ['files_with_problems', 'duration_seconds'],
  );
  const otherLabels = [
    { name: 'failures', value: 2, labels: { suite: 'unit' }, rule: RULES[1]!, type: 'gauge' },
  ] as RuleSample[];
  t.ok(
    documentDefaults(RULES, otherLabels).some((s) => s.name === 'failures'),
    'made with other labels: still a default',
  );
});

t.test('two rules making the same series: one default', async (t) => {
  const twice = rulesOf([
    { json: '$.a', name: 'vulns', value: 'n', default: 0 },
    { json: '$.b', name: 'vulns', value: 'n', default: 0 },
  ]);
  t.equal(documentDefaults(twice, []).length, 1);
});
