// A line rule's regex runs only on lines holding the literal words every match of it has (issue 26,
// item 5): a line let through by another rule's words skips it. Counted with a spy on RegExp#exec.
import t from 'tap';
import { compileRuleFile } from '../../../lib/extract/rules/compile.js';
import { LineRules } from '../../../lib/extract/rules/line-rules.js';

t.test("a line let through by one rule's words does not run the other rules' regexes", (t) => {
  const compiled = compileRuleFile('r.yaml', {
    version: 1,
    rules: [
      { pattern: '^alpha total (?<value>\\d+)$', name: 'alpha' },
      { pattern: '^beta total (?<value>\\d+)$', name: 'beta' },
      { pattern: '^gamma total (?<value>\\d+)$', name: 'gamma' },
    ],
  });
  if (!('set' in compiled)) throw new Error(compiled.errors.join('\n'));
  const rules = new LineRules([compiled.set]);
  const sources: string[] = [];
  const exec = RegExp.prototype.exec;
  RegExp.prototype.exec = function (this: RegExp, s: string) {
    sources.push(this.source);
    return exec.call(this, s);
  };
  const outcomes = rules.compiled.map((r) => r.parse('alpha total 7'));
  RegExp.prototype.exec = exec;
  t.same(
    sources.filter((s) => /total/.test(s)),
    ['^alpha total (?<value>\\d+)$', '^alpha total (?<value>\\d+)$'],
    "only alpha's regex ran (twice: the match and the search for another)",
  );
  t.equal(outcomes.filter((o) => o !== null).length, 1);
  t.end();
});
