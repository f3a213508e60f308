// The newcomer's messages: an option named once per message, and counts
// in the singular when they are 1.
import t from 'tap';
import { runInProcess } from '../support/in-process.js';
import { count, summaryLine } from '../../lib/report/report.js';

t.test('a bad --pattern or --json-path is named once, and V8 is not quoted saying it twice', async (t) => {
  const r = await runInProcess(['--integration', 'm', '--pattern', 'x(', '--pattern', 'y', '--json-path', 'nope'], {
    input: 'a=1\n',
  });
  t.equal(r.status, 2);
  const errors = r.stderr.split('\n').filter((l) => /error: --(pattern|json-path)/.test(l));
  t.equal(errors.length, 3, r.stderr);
  for (const line of errors) t.equal(line.match(/--(pattern|json-path) "/g)?.length, 1, line);
  t.match(r.stderr, /error: --pattern "x\(": invalid regular expression: \/x\(\/: Unterminated group\n/);
  t.notMatch(r.stderr, /invalid regular expression: Invalid regular expression/i);
  t.match(r.stderr, /error: --json-path "nope": expected NAME=PATH/);
});

t.test('singular and plural', async (t) => {
  t.equal(count(0, 'line'), '0 lines');
  t.equal(count(1, 'line'), '1 line');
  t.equal(count(2, 'attempt'), '2 attempts');
  const base = { series: 1, dropped: 0, droppedExamples: [], unusable: 0, outcomes: [], noBackend: false };
  t.equal(
    summaryLine({ ...base, lines: 1, overlong: 1, metrics: 1 }),
    '1 line read, 1 metric found, 1 series, 1 line too long to parse',
  );
  t.equal(
    summaryLine({ ...base, lines: 3, overlong: 2, metrics: 0 }),
    '3 lines read, 0 metrics found, 1 series, 2 lines too long to parse',
  );
});
