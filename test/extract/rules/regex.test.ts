// The rule regexes: compiled through the safe-regex helper, and their named groups listed.

import t from 'tap';
import { compileRuleRegex, namedGroupsOf } from '../../../lib/extract/rules/regex.js';

t.test('compileRuleRegex compiles the full JavaScript syntax and matches', async (t) => {
  const re = compileRuleRegex('(?<name>\\w+)=(?<value>\\d+(?:\\.\\d+)?)');
  t.match(re.exec('rps=12.5')?.groups, { name: 'rps', value: '12.5' });
  t.match(compileRuleRegex('(?<=p)(?<v>\\d+)').exec('p95')?.groups, { v: '95' }, 'lookbehind');
  t.throws(() => compileRuleRegex('(unclosed'));
});

t.test('namedGroupsOf lists every named group, matched or not, in order', async (t) => {
  t.same(namedGroupsOf(/(?<a>x)|(?<b>y)(?<c>z)?/), ['a', 'b', 'c']);
  t.same(namedGroupsOf(/no groups (here)/), []);
  t.same(namedGroupsOf(/^(?<v>\d+)$/gmy), ['v'], 'g and y flags do not get in the way');
  t.same(namedGroupsOf(compileRuleRegex('(?<value>\\d+) (?<unit>ms|s)')), ['value', 'unit']);
});
