// Recognition: a rule set's values are held until one of its marks is seen (a set without marks:
// until one of its rules reads a value); a set that recognised nothing is said and sends nothing.

import t from 'tap';
import { compileRuleFile } from '../../../lib/extract/rules/compile.js';
import type { RuleSet } from '../../../lib/extract/rules/model.js';
import { Recognition } from '../../../lib/extract/rules/recognition.js';
import type { RuleSample } from '../../../lib/extract/rules/rule-sample.js';

function setOf(origin: string, content: Record<string, unknown>): RuleSet {
  const r = compileRuleFile(origin, { version: 1, ...content });
  if (!('set' in r)) throw new Error(r.errors.join('\n'));
  return r.set;
}

const sample = (set: RuleSet, value: number, name = 'x'): RuleSample =>
  ({ name, value, labels: {}, rule: set.rules[0]!, type: 'gauge' }) as RuleSample;

const MARKED = () =>
  setOf('tool.yaml', {
    marks: [{ line: '^tool v\\d+$' }, { json: '$.numTotalTests' }],
    rules: [{ pattern: 'x=(?<value>\\d+)', name: 'x', default: 0 }],
  });
const PLAIN = () => setOf('plain.yaml', { rules: [{ pattern: 'y=(?<value>\\d+)', name: 'y' }] });

t.test('a set with marks: values held until a mark is seen, then released first and last per series', async (t) => {
  const set = MARKED();
  const rec = new Recognition([set], 100);
  t.equal(rec.open, 1);
  t.equal(rec.documentMarks, true, 'a JSON mark: the input is kept as a document');
  for (const v of [1, 2, 3])
    t.equal(
      rec.take(sample(set, v), () => 'line'),
      false,
      `held ${v}`,
    );
  t.equal(rec.recognised(set.rules[0]!), false);
  t.equal(rec.releasable, false);
  rec.seen(set);
  t.equal(rec.releasable, true);
  t.same(
    rec.release().map((h) => h.s.value),
    [1, 3],
  );
  t.equal(rec.recognised(set.rules[0]!), true);
  t.equal(rec.open, 0);
  t.equal(
    rec.take(sample(set, 4), () => 'line'),
    true,
    'stored at once from now on',
  );
  t.same(rec.unrecognised(), []);
});

t.test('a set without marks is recognised by its first value, read or folded', async (t) => {
  const a = PLAIN();
  const b = PLAIN();
  const rec = new Recognition([a, b], 100);
  t.equal(rec.documentMarks, false);
  t.equal(
    rec.take(sample(a, 1), () => ''),
    true,
  );
  rec.read(b.rules[0]!);
  t.equal(rec.recognised(b.rules[0]!), true);
  t.equal(rec.open, 0);
});

t.test('nothing recognised: one line per set, its held values dropped', async (t) => {
  const marked = MARKED();
  const plain = PLAIN();
  const rec = new Recognition([marked, plain], 100);
  rec.take(sample(marked, 5), () => '');
  t.same(rec.unrecognised(), [
    "--rules tool.yaml recognised none of its tool's output (none of its marks: was seen): nothing from it is sent, not even its default: values",
    '--rules plain.yaml matched nothing: nothing from it is sent',
  ]);
  rec.seen(marked);
  t.same(rec.release(), [], 'the dropped values are not released later');
});

t.test('a JSON mark seen in the document at the end; the held values bounded by maxHeld series', async (t) => {
  const set = MARKED();
  const rec = new Recognition([set], 2);
  for (const name of ['a', 'b', 'c']) rec.take(sample(set, 1, name), () => '');
  await rec.documentSeen('{"numTotalTests": 4}');
  t.same(
    rec.release().map((h) => h.s.name),
    ['a', 'b'],
  );
});

t.test("the command line's rules are not a set: always taken, always recognised", async (t) => {
  const cli = PLAIN();
  const rec = new Recognition([], 10);
  t.equal(
    rec.take(sample(cli, 1), () => ''),
    true,
  );
  t.equal(rec.recognised(cli.rules[0]!), true);
});
