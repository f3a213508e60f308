// parseDuration: the text of --timeout, --deadline and --flush-interval; a plain number is seconds.

import t from 'tap';
import { parseDuration } from '../../lib/cli/duration.js';

t.test('numbers with and without a unit', async (t) => {
  const cases: Array<[string, number]> = [
    ['10', 10_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['2m', 120_000],
    ['1.5', 1500],
    ['.5s', 500],
    [' 3s ', 3000],
    ['1.5ms', 2], // rounded to whole milliseconds
  ];
  for (const [text, ms] of cases) t.equal(parseDuration(text), ms, text);
});

t.test('not a positive duration: undefined', async (t) => {
  for (const text of ['', '0', '0s', '-1', '1h', '1 s', '1e3', 's', '10sec', 'Infinity', '1.', '0.0004s'])
    // 0.0004 s rounds to 0 ms: not positive
    t.equal(parseDuration(text), undefined, JSON.stringify(text));
});
