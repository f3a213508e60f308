import t from 'tap';
import { parseJson } from '../../../lib/extract/parsers/json.js';
import { newParseState } from '../../../lib/extract/parsers/sample.js';
import { jsonCases } from './parse-cases.js';
import { label, outcomeMismatch } from './parse-assert.js';

t.test('json table', async (t) => {
  for (const c of jsonCases) {
    const errors = outcomeMismatch(parseJson(c.line, newParseState()), c.expect);
    t.same(errors, [], `${label(c.line)}${c.note ? ` (${c.note})` : ''}`);
  }
});

t.test('200,000 nested brackets do not throw', async (t) => {
  for (const line of [
    `${'['.repeat(200_000)}"value"${']'.repeat(200_000)}`,
    `${'{"value":'.repeat(200_000)}1${'}'.repeat(200_000)}`,
    `{"name":"x","value":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}`,
    `{"name":"x","value":${'['.repeat(200_000)}`,
  ]) {
    t.doesNotThrow(() => parseJson(line, newParseState()), label(line));
  }
});

t.test('a label named __proto__ is data, not a prototype', async (t) => {
  const outcome = parseJson('{"name":"c","value":1,"labels":{"__proto__":"p","a":"b"}}', newParseState());
  const labels = outcome?.samples[0]?.labels;
  t.ok(labels);
  t.equal(Object.getPrototypeOf(labels), Object.prototype);
  t.same(Object.keys(labels ?? {}).sort(), ['__proto__', 'a']);
});

t.test("a sample object is the parser's own: labels are copied, not shared with JSON.parse output", async (t) => {
  const outcome = parseJson(
    '[{"name":"a","value":1,"labels":{"k":"v"}},{"name":"b","value":2,"labels":{"k":"v"}}]',
    newParseState(),
  );
  const [a, b] = outcome?.samples ?? [];
  t.not(a?.labels, b?.labels);
});
