// The pieces the OTLP and remote-write encoders share: UCUM units, a value's text, code-unit order.

import t from 'tap';
import { compareText, formatNumber, ucumUnit } from '../../../lib/sinks/encoding/number-text.js';

t.test('ucumUnit: the base units to UCUM; other words as they are; none is empty', async (t) => {
  const cases: Array<[string | undefined, string]> = [
    ['seconds', 's'],
    ['bytes', 'By'],
    ['ratio', '1'],
    ['percent', '%'],
    ['milliseconds', 'ms'],
    ['requests', 'requests'],
    [undefined, ''],
    ['constructor', 'constructor'],
  ];
  for (const [unit, want] of cases) t.equal(ucumUnit(unit), want, String(unit));
});

t.test('formatNumber: as Prometheus writes a value', async (t) => {
  const cases: Array<[number, string]> = [
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [-0, '-0'],
    [0, '0'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e21, '1e+21'],
    [-12.5, '-12.5'],
  ];
  for (const [v, want] of cases) t.equal(formatNumber(v), want, want);
});

t.test('compareText: UTF-16 code-unit order, as Prometheus sorts labels', async (t) => {
  t.same(['b', 'B', 'a', '_', 'Z', 'é'].sort(compareText), ['B', 'Z', '_', 'a', 'b', 'é']);
  t.equal(compareText('x', 'x'), 0);
  t.equal(compareText('a', 'ab'), -1);
  t.equal(compareText('ab', 'a'), 1);
});
