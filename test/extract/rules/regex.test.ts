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

/** What the regex engine lists: an always-matching twin's groups (the reference namedGroupsOf is read against). */
const engineGroups = (re: RegExp): string[] =>
  Object.keys(new RegExp(`(?:${re.source})|`, re.flags.replace(/[gy]/g, '')).exec('')?.groups ?? {});

t.test('namedGroupsOf reads the source as the regex engine does: classes, escapes, lookbehinds', async (t) => {
  const cases: RegExp[] = [
    /[(?<no>x)](?<yes>y)/,
    /[\]](?<a>b)[^]/,
    /\(?<not>x\)(?<real>y)/,
    /(?<=x)(?<!y)(?<after>z)/,
    /\\(?<b>x)/,
    new RegExp('[[a-z]--[\\(?<n>q\\)]](?<k>r)', 'v'),
    /(?<é>x)(?<$_1>y)/u,
    new RegExp('(?<\\u0061b>x)'),
    /(?<outer>a(?<inner>b))\k<outer>/,
  ];
  for (const re of cases) t.same(namedGroupsOf(re), engineGroups(re), String(re));
});

t.test("namedGroupsOf gives the engine's list for every preset's rule", async (t) => {
  const { loadPresets, presetNames } = await import('../../../lib/extract/presets/catalog.js');
  const { sets } = await loadPresets(presetNames());
  let n = 0;
  for (const set of sets)
    for (const rule of set.rules)
      if (rule.kind === 'line') {
        n++;
        const got = namedGroupsOf(rule.regex);
        if (JSON.stringify(got) !== JSON.stringify(engineGroups(rule.regex)))
          t.fail(`${set.origin} ${rule.id}: ${got}`);
      }
  t.ok(n > 200, `${n} rules`);
});
