// --pattern and --json-path as rules of the one rule model, in a set of their own.

import t from 'tap';
import { flagRuleSet, jsonPathFlagRule, patternFlagRule } from '../../../lib/extract/rules/flag-rules.js';
import { parsePatternFlag, type PatternRule } from '../../../lib/extract/parsers/pattern.js';
import { parseJsonPathFlag, type JsonPathRule } from '../../../lib/extract/parsers/json-path.js';

function pattern(text: string): PatternRule {
  const r = parsePatternFlag(text);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function jsonPath(text: string): JsonPathRule {
  const r = parseJsonPathFlag(text);
  if ('error' in r) throw new Error(r.error);
  return r;
}

t.test('--pattern NAME=REGEX: a line rule with its groups and literal words', async (t) => {
  const rule = patternFlagRule(pattern('p95=p95 latency: (?<value>\\d+) ms'), 1);
  t.match(rule, { kind: 'line', origin: '--pattern', index: 1, name: 'p95', type: 'gauge', labels: {} });
  t.same(rule.groups, ['value']);
  t.ok(rule.words && rule.words.length > 0, 'literal words for the pre-filter');
  t.match(rule.id, /^--pattern /);
  t.equal(rule.flagText, 'p95=p95 latency: (?<value>\\d+) ms');
  const unnamed = patternFlagRule(pattern('(?<name>\\w+) took (?<value>\\d+)'), 2);
  t.notOk('name' in unnamed, 'no NAME=: the name comes from the match');
  t.same(unnamed.groups, ['name', 'value']);
});

t.test('--json-path NAME=PATH: a JSON rule with index labels', async (t) => {
  const rule = jsonPathFlagRule(jsonPath('cost=$.totalMonthlyCost'), 1);
  t.same(rule, {
    kind: 'json',
    id: 'cost',
    origin: '--json-path',
    index: 1,
    name: 'cost',
    labels: {},
    type: 'gauge',
    path: '$.totalMonthlyCost',
    labelFields: new Map(),
    indexLabels: true,
  });
});

t.test('flagRuleSet: patterns then JSON paths, each numbered from 1', async (t) => {
  const set = flagRuleSet([pattern('a=a (?<value>\\d+)'), pattern('b=b (?<value>\\d+)')], [jsonPath('c=$.c')]);
  t.equal(set.origin, 'the command line');
  t.same(
    set.rules.map((r) => [r.kind, 'index' in r ? r.index : undefined]),
    [
      ['line', 1],
      ['line', 2],
      ['json', 1],
    ],
  );
  t.same(flagRuleSet([], []).rules, []);
});
