// --explain's notes (lib/extract/explain.ts): per rule, the lines it matched and the series they
// made, its near misses (its literal words are on the line, its regex did not match), and a rule
// that matched nothing still listed; per default parser, what it took and why it skipped a line
// that looks like a metric. Driven through the Extractor as a run drives it, and directly.

import t, { type Test } from 'tap';
import { parseConfig } from '../../lib/cli/args.js';
import { Extractor } from '../../lib/extract/extractor.js';
import { Explainer, whySkipped } from '../../lib/extract/explain.js';
import { Reporter } from '../../lib/report/report.js';
import { SeriesStore } from '../../lib/store/series.js';
import { feed } from '../support/extract.js';

async function explain(t: Test, args: string[], input: string): Promise<string[]> {
  const parsed = parseConfig(['--integration', 't', '--explain', ...args], {});
  t.same(parsed.usageErrors, [], 'the flags parse');
  const reporter = new Reporter({ write: () => undefined, budget: 1 << 30 });
  const extractor = new Extractor(parsed.config, new SeriesStore(parsed.config.maxSeries), reporter);
  await feed(extractor, input);
  t.ok(extractor.explainer instanceof Explainer, '--explain gives the extractor an Explainer');
  return (extractor.explainer as Explainer).report().split('\n');
}

t.test('a rule that matched, one that came close, one that did not match', async (t) => {
  const input = [
    'Requests per second:    812.5 [#/sec] (mean)',
    'Requests per second:    n/a',
    'Failed requests:        0',
    'plain text without digits',
  ].join('\n');
  const out = await explain(
    t,
    [
      '--pattern',
      'rps=^Requests per second:\\s+(?<value>\\d+(?:\\.\\d+)?)',
      '--pattern',
      'p99=^Latency p99: (?<value>\\d+)ms',
    ],
    input,
  );
  const rps = out.findIndex((l) => /rps/.test(l) && /lines? matched/.test(l));
  t.ok(rps >= 0, 'the rps rule is listed');
  t.match(out[rps], /: 1 line matched, series: \S*rps/, 'one line, and the series it made');
  t.match(out[rps + 1], /^ {2}matched line 1: "Requests per second: {4}812\.5 \[#\/sec\] \(mean\)" → \S*rps=812\.5$/);
  t.match(out[rps + 2], /near misses \(the rule's words are there, the regex did not match\): 1$/);
  t.equal(out[rps + 3], '  near miss line 2: "Requests per second:    n/a"', 'the line that came close, quoted');
  const p99 = out.findIndex((l) => /p99/.test(l) && /lines? matched/.test(l));
  t.ok(p99 > rps, 'rules are listed in their order');
  t.match(out[p99], /: 0 lines matched$/, 'a rule that matched nothing is listed, with no series');
  t.notOk(
    out.some((l) => /near miss .*Failed/.test(l)),
    'a line without the rule words is no near miss',
  );
  t.notOk(
    out.some((l) => l.includes('plain text')),
    'a line without a digit is not mentioned',
  );
});

t.test('the default parsers: what they took, what they skipped and why', async (t) => {
  const out = await explain(t, [], ['ok_total 3', 'duration=12 apples', '  indented=5', 'latency 7'].join('\n'));
  t.ok(out.includes('default parser prom: took 1 line'), 'prom took the line with an _ in its name');
  t.ok(out.some((l) => /^ {2}took line 1: "ok_total 3" → ok_total=3$/.test(l)));
  t.ok(
    out.some((l) => l.startsWith('  skipped line 4: "latency 7": a brace-less `word number` line counts only')),
    'a prose-like word number line: prom says why',
  );
  t.ok(
    out.some((l) => /^ {2}skipped line 3: " {2}indented=5": indented/.test(l)),
    'an indented name=value: kv says why',
  );
});

t.test('the Explainer on its own: bounds, overwrites, nothing found', async (t) => {
  t.equal(new Explainer().report(), 'no rule, and no default parser, found anything');

  const e = new Explainer();
  e.declare('rule a', 'rules.yaml');
  for (let i = 1; i <= 7; i++) e.matched('rule a', 'rules.yaml', `line ${i}`, `x ${i}`, []);
  e.overwrote('x', 1, 'line 1', 2, 'line 2');
  e.document('document 1: {"a":1}');
  const long = `y=${'9'.repeat(300)}`;
  e.nearMiss('b', 'rules.yaml', 'line 9', long);
  const out = e.report().split('\n');
  t.equal(out[0], 'rule a (rules.yaml): 7 lines matched', 'no series: made only context');
  t.equal(out[1], '  matched line 1: "x 1" → context');
  t.equal(out.filter((l) => l.startsWith('  matched ')).length, 5, 'five examples shown');
  t.equal(out[6], '  … 2 more');
  t.equal(out[7], 'rule b (rules.yaml): 0 lines matched', 'an id without "rule " gets it');
  t.match(out[9], /^ {2}near miss line 9: "y=9{158}…"$/, 'a long line is cut at 160 characters');
  t.equal(out[10], 'document 1: {"a":1}');
  t.match(out[11], /values set again .*: 1$/);
  t.equal(out[12], '  x: 1 (line 1) → 2 (line 2)');
});

t.test('whySkipped', async (t) => {
  t.equal(whySkipped('no digits here', ['kv', 'prom', 'json']), undefined);
  t.match(whySkipped('size=12MB', ['kv']), { parser: 'kv', reason: /^not a number: "12MB"/ });
  t.equal(whySkipped('size=12MB', ['prom']), undefined, 'only a parser that runs is named');
  t.match(whySkipped('[1, 2, 3]', ['json']), { parser: 'json', reason: /not a metric object/ });
  t.equal(whySkipped('Failed requests: 0', ['kv', 'prom', 'json']), undefined, 'more than two words: prose');
});
