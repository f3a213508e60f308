// The time budget for user regexes: a cut exec, and the rules' bookkeeping around it.
import t from 'tap';
import {
  BATCH_WAIT_MS,
  compileUserRegex,
  GuardedRules,
  runWithinBudget,
} from '../../../lib/extract/rules/safe-regex.js';
import type { LineParser, ParseOutcome } from '../../../lib/extract/parsers/sample.js';

/** Exponential on `aaa…!`: minutes of backtracking for 40 a's. */
const NESTED = /^(a+)+$/;
const NESTED_LINE = `${'a'.repeat(40)}!`;

t.test('compileUserRegex is new RegExp: same syntax, same errors', async (t) => {
  t.equal(compileUserRegex('(?<=x)(?<value>\\d+)').exec('x12')?.groups?.['value'], '12', 'lookbehind');
  t.equal(compileUserRegex('(a)\\1', 'g').flags, 'g');
  t.throws(() => compileUserRegex('(?<value>[0-9'), SyntaxError);
});

t.test('runWithinBudget: quick work returns true, a backtracking exec is cut', async (t) => {
  let ran = false;
  t.equal(
    runWithinBudget(() => (ran = true), 1000),
    true,
  );
  t.ok(ran);
  const started = Date.now();
  t.equal(
    runWithinBudget(() => void NESTED.exec(NESTED_LINE), 100),
    false,
  );
  t.ok(Date.now() - started < 10_000, `cut after ${Date.now() - started} ms`);
  t.equal(/a(?<d>\d)/.exec('xa5')?.groups?.['d'], '5', 'regexes still work after a cut');
  t.throws(
    () =>
      runWithinBudget(() => {
        throw new TypeError('bug');
      }, 1000),
    TypeError,
    'other errors pass',
  );
});

/** A rule over a regex: a sample named after the rule when the regex matches. */
function rule(label: string, regex: RegExp): { label: string; parse: LineParser } {
  return { label, parse: (line) => (regex.test(line) ? { samples: [{ name: label, value: 1, labels: {} }] } : null) };
}

function collect() {
  const lines: { text: string; where: string; by: string | null }[] = [];
  const slow: string[] = [];
  const sink = {
    line: (text: string, where: string, outcome: NonNullable<ParseOutcome> | null) =>
      lines.push({ text, where, by: outcome === null ? null : (outcome.samples[0]?.name ?? outcome.problem ?? '') }),
    slow: (label: string, where: string) => slow.push(`${label} @ ${where}`),
  };
  return { lines, slow, sink };
}

t.test('GuardedRules: in order, the first rule that matches wins, null when none does', async (t) => {
  const c = collect();
  const g = new GuardedRules([rule('a', /a/), rule('b', /b/)], c.sink);
  for (const [i, text] of ['ab', 'b', 'c'].entries()) g.push(text, `line ${i + 1}`);
  g.drain();
  t.same(c.lines, [
    { text: 'ab', where: 'line 1', by: 'a' },
    { text: 'b', where: 'line 2', by: 'b' },
    { text: 'c', where: 'line 3', by: null },
  ]);
  t.same(c.slow, []);
});

t.test('GuardedRules: lines pushed are handed on a few ms later without a drain', async (t) => {
  const c = collect();
  const g = new GuardedRules([rule('a', /a/)], c.sink);
  g.push('a', 'line 1');
  t.equal(c.lines.length, 0, 'batched');
  await new Promise((r) => setTimeout(r, BATCH_WAIT_MS * 20));
  t.equal(c.lines.length, 1);
  g.push('a', 'line 2');
  g.drain();
  t.equal(c.lines.length, 2, 'drain() hands on at once');
});

t.test(
  'GuardedRules every: every rule on every line, samples merged; a cut keeps what earlier rules found',
  async (t) => {
    const lines: Array<string[] | null> = [];
    const slow: string[] = [];
    const sink = {
      line: (_text: string, _where: string, outcome: NonNullable<ParseOutcome> | null) =>
        lines.push(outcome === null ? null : outcome.samples.map((s) => s.name)),
      slow: (label: string) => slow.push(label),
    };
    const g = new GuardedRules([rule('bang', /!/), rule('slow', NESTED), rule('y', /y|!/)], sink, {
      budgetMs: 100,
      every: true,
    });
    for (const text of ['!y', 'q', NESTED_LINE, 'y']) g.push(text, 'l');
    g.drain();
    t.same(lines, [['bang', 'y'], null, ['bang', 'y'], ['y']]);
    t.same(slow, ['slow']);
  },
);

t.test('GuardedRules: a rule that runs too long is reported once and dropped; the others go on', async (t) => {
  const c = collect();
  const g = new GuardedRules([rule('fast', /^x/), rule('slow', NESTED), rule('tail', /!$/)], c.sink, { budgetMs: 100 });
  const lines = ['x1', NESTED_LINE, `${NESTED_LINE}b`, 'aaa', 'x2'];
  for (const [i, text] of lines.entries()) g.push(text, `line ${i + 1}`);
  const started = Date.now();
  g.drain();
  t.ok(Date.now() - started < 20_000, `drained in ${Date.now() - started} ms`);
  t.same(c.slow, ['slow @ line 2']);
  t.same(
    c.lines.map((l) => l.by),
    ['fast', 'tail', null, null, 'fast'],
    'the line it was cut on goes on to the next rule; later lines never see it',
  );
  t.equal(g.active, 2);
});

t.test('GuardedRules: with every rule dropped, a line is handed on at once', async (t) => {
  const c = collect();
  const g = new GuardedRules([rule('slow', NESTED)], c.sink, { budgetMs: 100 });
  g.push(NESTED_LINE, 'line 1');
  g.drain();
  t.equal(g.active, 0);
  g.push('x', 'line 2');
  t.same(
    c.lines.map((l) => l.where),
    ['line 1', 'line 2'],
    'no batch to wait for',
  );
  t.same(c.slow, ['slow @ line 1']);
});

t.test('GuardedRules: a parser that throws gives a problem, not a crash', async (t) => {
  const c = collect();
  const g = new GuardedRules(
    [
      {
        label: 'bug',
        parse: () => {
          throw new Error('boom');
        },
      },
    ],
    c.sink,
  );
  g.push('x', 'line 1');
  g.drain();
  t.same(
    c.lines.map((l) => l.by),
    ['parser failed: boom'],
  );
});

t.test('GuardedRules: a big queue is matched while pushing, without waiting for the event loop', async (t) => {
  const c = collect();
  const g = new GuardedRules([rule('a', /a/)], c.sink, { batchChars: 10 });
  for (let i = 0; i < 5; i++) g.push('aaaa', `line ${i + 1}`);
  t.ok(c.lines.length >= 3, `${c.lines.length} handed on already`);
  g.drain();
  t.equal(c.lines.length, 5);
});
