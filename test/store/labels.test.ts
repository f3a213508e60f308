// setLabel: a label record safe for any name the input chose, __proto__ included.

import t from 'tap';
import { setLabel } from '../../lib/store/labels.js';

t.test('ordinary names are set and replaced', async (t) => {
  const labels: Record<string, string> = {};
  setLabel(labels, 'env', 'prod');
  setLabel(labels, 'env', 'dev');
  setLabel(labels, 'constructor', 'x');
  t.same(labels, { env: 'dev', constructor: 'x' });
});

t.test('__proto__ becomes an own, enumerable property; the prototype is untouched', async (t) => {
  const labels: Record<string, string> = {};
  setLabel(labels, '__proto__', 'polluted');
  t.equal(Object.getPrototypeOf(labels), Object.prototype);
  t.same(Object.keys(labels), ['__proto__']);
  t.equal(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value, 'polluted');
  t.equal(JSON.stringify(labels), '{"__proto__":"polluted"}');
  setLabel(labels, '__proto__', 'again');
  t.equal(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value, 'again', 'and can be set again');
  t.same({ ...labels }, labels, 'spread copies it');
});
