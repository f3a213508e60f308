// The word pre-filter (lib/extract/rules/word-gate.ts) searches every rule's key word in one pass
// over a line: it must let a line through exactly when some rule's words are all in it (or the
// default parsers' gate lets it through), whatever the words, their overlaps and the bytes.
import t from 'tap';
import fc from 'fast-check';
import { HeadWordPrecheck, WordPrecheck } from '../../../lib/extract/rules/word-gate.js';
import { loadPresets, presetNames } from '../../../lib/extract/presets/catalog.js';
import { LineRules } from '../../../lib/extract/rules/line-rules.js';

const NONE = { kv: false, json: false, prom: false };

/** The gate's decision for each line of `lines`, laid out one after the other in one buffer (as the splitter hands them). */
function decisions(gate: WordPrecheck, lines: readonly string[]): boolean[] {
  const buf = Buffer.from(lines.join('\n'), 'utf8');
  const out: boolean[] = [];
  let at = 0;
  for (const l of lines) {
    const len = Buffer.byteLength(l, 'utf8');
    out.push(gate.mayBeMetric(buf, at, at + len));
    at += len + 1;
  }
  return out;
}

const expected = (rules: readonly (readonly string[])[], lines: readonly string[]): boolean[] =>
  lines.map((l) => rules.some((words) => words.every((w) => l.includes(w))));

t.test('a line passes when it holds every word of some rule (property, small alphabet for overlaps)', (t) => {
  // Few characters, so words overlap, repeat, share first bytes and cross each other on a line;
  // one multi-byte character so UTF-8 words are compared as bytes.
  const ch = fc.constantFrom('a', 'b', ' ', ':', 'é', 's');
  const word = fc.array(ch, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
  // Up to 12 rules (few keys: found by one regular expression, unless a key is one byte: words of
  // two characters or more make sure of it) and 33 to 60 (more keys than that: the one-pass table).
  const long = fc.array(ch, { minLength: 2, maxLength: 4 }).map((cs) => cs.join(''));
  const rules = fc.oneof(
    fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
    fc.array(fc.array(long, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 }),
    fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { minLength: 33, maxLength: 60 }),
  );
  const lines = fc.array(
    fc.array(ch, { maxLength: 24 }).map((cs) => cs.join('')),
    { minLength: 1, maxLength: 12 },
  );
  fc.assert(
    fc.property(rules, lines, (rs, ls) => {
      const gate = new WordPrecheck(
        NONE,
        rs.map((words) => ({ words })),
      );
      t.same(decisions(gate, ls), expected(rs, ls));
    }),
    { numRuns: 1500 },
  );
  t.end();
});

t.test("every preset's words at once (--preset auto) decide as each rule's words do", async (t) => {
  const { sets } = await loadPresets(presetNames());
  const gates = new LineRules(sets, () => undefined).gates();
  t.ok(gates !== null);
  const words = (gates ?? []).flatMap((g) => ('words' in g ? [g.words] : []));
  t.ok(words.length > 50, `${words.length} rules with words`);
  const gate = new WordPrecheck(
    NONE,
    words.map((w) => ({ words: w })),
  );
  // Each rule's words alone on a line, joined in reverse order, and each with its last byte cut.
  const lines = words.flatMap((w) => [w.join(' '), [...w].reverse().join('|'), w.join('').slice(0, -1)]);
  t.same(decisions(gate, lines), expected(words, lines));
});

t.test('a rule without words lets every line through; prefixes still work beside words', (t) => {
  const gate = new WordPrecheck(NONE, [{ words: ['needle'] }, { words: [] }]);
  t.same(decisions(gate, ['hay', 'needle', '']), [true, true, true]);
  const mixed = new WordPrecheck(NONE, [{ prefix: { prefix: 'All', blanks: 'none' } }, { words: ['x y'] }]);
  t.same(decisions(mixed, ['All files', ' All', 'a x y', 'x  y']), [true, false, true, false]);
  t.end();
});

t.test("defaultsMayTake: whether the default parsers' own gate let the line through", (t) => {
  const gate = new WordPrecheck({ kv: true, json: false, prom: false }, [{ words: ['passed'] }]);
  const check = (line: string): [boolean, boolean | undefined] => {
    const buf = Buffer.from(line);
    return [gate.mayBeMetric(buf, 0, buf.length), gate.defaultsMayTake];
  };
  t.same(check('Test passed: handles empty input'), [true, false], "a rule's word only: no default parser's line");
  t.same(check('passed=3'), [true, true], 'a rule and kv');
  t.same(check('cost=4'), [true, true], 'kv only');
  t.same(check('noise'), [false, true]);
  t.end();
});

t.test("--preset auto's gate: its presets' words open it only until the head was read", (t) => {
  const gate = new HeadWordPrecheck(
    { kv: true, json: false, prom: false },
    [{ words: ['passed'] }, { words: ['rps'] }],
    [{ words: ['rps'] }],
  );
  const check = (line: string): [boolean, boolean | undefined] => {
    const buf = Buffer.from(line);
    return [gate.mayBeMetric(buf, 0, buf.length), gate.defaultsMayTake];
  };
  t.same(check('3 passed in 0.1s'), [true, false], 'in the head: a preset word lets it through');
  gate.headDone();
  t.same(check('3 passed in 0.1s'), [false, true], 'after the head: the preset word no longer does');
  t.same(check('rps 12'), [true, false], "the other rules' words still do");
  t.same(check('cost=4'), [true, true], "and the default parsers' gate");
  t.end();
});
