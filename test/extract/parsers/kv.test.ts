import t from 'tap';
import { parseKv } from '../../../lib/extract/parsers/kv.js';
import { newParseState } from '../../../lib/extract/parsers/sample.js';
import { kvCases } from './parse-cases.js';
import { label, outcomeMismatch } from './parse-assert.js';

t.test('kv table', async (t) => {
  for (const c of kvCases) {
    const errors = outcomeMismatch(parseKv(c.line, newParseState()), c.expect);
    t.same(errors, [], `${label(c.line)}${c.note ? ` (${c.note})` : ''}`);
  }
});

t.test('kv does not touch the parse state', async (t) => {
  const state = newParseState();
  parseKv('x=1', state);
  t.equal(state.promTypes.size, 0);
});

t.test('a 1 MiB line is answered (no quadratic backtracking)', async (t) => {
  t.equal(parseKv(`x=${'1'.repeat(1 << 20)}x`, newParseState()), null);
  t.equal(parseKv(`${'a'.repeat(1 << 20)} `, newParseState()), null);
  t.equal(parseKv(`a${' '.repeat(1 << 20)}=`, newParseState()), null);
});
