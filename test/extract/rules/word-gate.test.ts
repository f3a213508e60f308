// The word pre-filter (lib/extract/rules/word-gate.ts) searches every rule's key word in one pass
// over a line: it must let a line through exactly when some rule's words are all in it (or the
// default parsers' gate lets it through), whatever the words, their overlaps and the bytes.
import t from 'tap';
import fc from 'fast-check';
import { chooseKeys, HeadWordPrecheck, WordPrecheck } from '../../../lib/extract/rules/word-gate.js';
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

/** `line` holds `word`; a word starting (ending) with `\\d` needs a digit just before (after) the rest (a regex here). */
const holds = (line: string, word: string): boolean => {
  let text = word;
  const before = text.length > 2 && text.startsWith('\\d');
  if (before) text = text.slice(2);
  const after = text.length > 2 && text.endsWith('\\d');
  if (after) text = text.slice(0, -2);
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`${before ? '[0-9]' : ''}${escaped}${after ? '[0-9]' : ''}`).test(line);
};

const expected = (rules: readonly (readonly string[])[], lines: readonly string[]): boolean[] =>
  lines.map((l) => rules.some((words) => words.every((w) => holds(l, w))));

/** Some words need a digit before them (`\\d` + the word), after them (the word + `\\d`), or both. */
const maybeAfterDigit = (word: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc
    .tuple(fc.boolean(), fc.boolean(), word)
    .map(([before, after, w]) => `${before ? '\\d' : ''}${w}${after ? '\\d' : ''}`);

t.test('a line passes when it holds every word of some rule (property, small alphabet for overlaps)', (t) => {
  // Few characters, so words overlap, repeat, share first bytes and cross each other on a line;
  // one multi-byte character so UTF-8 words are compared as bytes.
  // Digits, for words that need one before them (`\\d` + the word), and words that hold one.
  const ch = fc.constantFrom('a', 'b', ' ', ':', 'é', 's', '1', '2');
  const word = maybeAfterDigit(fc.array(ch, { minLength: 1, maxLength: 4 }).map((cs) => cs.join('')));
  // Up to 12 rules (few keys: found by one regular expression; keys of one byte among them, or
  // words of two characters or more) and 33 to 60 (more keys than that: the one-pass table).
  const long = maybeAfterDigit(fc.array(ch, { minLength: 2, maxLength: 4 }).map((cs) => cs.join('')));
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

t.test("lines of a chunk past the 32 KiB the scan decodes at a time (property: words at the pieces' edges)", (t) => {
  // Few keys: the regular expression scan, which decodes a chunk 32 KiB at a time from a line's
  // start. Long runs of filler move the words across those edges, and lines longer than a piece.
  const ch = fc.constantFrom('a', 'b', ' ', 's', '7');
  const word = maybeAfterDigit(fc.array(ch, { minLength: 2, maxLength: 4 }).map((cs) => cs.join('')));
  const rules = fc.array(fc.array(word, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 4 });
  const bit = fc.array(ch, { maxLength: 6 }).map((cs) => cs.join(''));
  const line = fc
    .tuple(bit, fc.integer({ min: 0, max: 40_000 }), bit, fc.integer({ min: 0, max: 3_000 }), bit)
    .map(([a, n, b, m, c]) => `${a}${'x'.repeat(n)}${b}${'x'.repeat(m)}${c}`);
  fc.assert(
    fc.property(rules, fc.array(line, { minLength: 1, maxLength: 10 }), (rs, ls) => {
      const gate = new WordPrecheck(
        NONE,
        rs.map((words) => ({ words })),
      );
      t.same(decisions(gate, ls), expected(rs, ls));
    }),
    { numRuns: 300 },
  );
  t.end();
});

t.test("suffixes beside words: a line passes when it ends with a suffix or holds some rule's words (property)", (t) => {
  const ch = fc.constantFrom('a', 'b', ':', ' ', '1');
  const text = (min: number) => fc.array(ch, { minLength: min, maxLength: 3 }).map((cs) => cs.join(''));
  const gate = fc.oneof(
    text(1).map((suffix) => ({ suffix })),
    fc.array(text(2), { minLength: 1, maxLength: 2 }).map((words) => ({ words })),
  );
  const lines = fc.array(
    fc.array(ch, { maxLength: 12 }).map((cs) => cs.join('')),
    { minLength: 1, maxLength: 10 },
  );
  fc.assert(
    fc.property(fc.array(gate, { minLength: 1, maxLength: 6 }), lines, (gs, ls) => {
      const want = ls.map((l) =>
        gs.some((g) => ('suffix' in g ? l.endsWith(g.suffix) : g.words.every((w) => l.includes(w)))),
      );
      t.same(decisions(new WordPrecheck(NONE, gs), ls), want);
    }),
    { numRuns: 500 },
  );
  t.end();
});

t.test("artillery's trend line is gated by its suffix `:`, not by a `:` anywhere", async (t) => {
  const { sets } = await loadPresets(['artillery']);
  const gates = new LineRules(sets, () => undefined).gates();
  t.ok(gates?.some((g) => 'suffix' in g && g.suffix === ':'));
  const gate = new WordPrecheck(NONE, gates ?? []);
  const lines = [
    'http.response_time:',
    'vusers.session_length:',
    '2024-05-14T00:00:00.012Z DEBUG [worker-1] Cache miss',
  ];
  t.same(decisions(gate, lines), [true, true, false]);
});

t.test(
  "keys: each is one of its own words and was some rule's longest word; a shared key of 4 bytes or more is taken",
  (t) => {
    const size = (w: string): number => Buffer.byteLength(w.replace(/^\\d|\\d$/g, ''));
    const longestOf = (ws: readonly string[]): string => ws.reduce((a, b) => (size(b) > size(a) ? b : a));
    const ch = fc.constantFrom('a', 'b', '.', ':', ' ', 'é');
    const word = fc.array(ch, { minLength: 1, maxLength: 6 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(
        fc.array(fc.array(word, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 20 }),
        (rules) => {
          const keys = chooseKeys(rules);
          const longest = new Set(rules.map(longestOf));
          rules.forEach((words, r) => {
            const key = keys[r] as string;
            t.ok(words.includes(key) && longest.has(key), `${JSON.stringify(words)} -> ${key}`);
            if (key !== longestOf(words)) t.ok(size(key) >= 4, `a shared key is 4 bytes or more: ${key}`);
          });
          t.ok(new Set(keys).size <= longest.size);
        },
      ),
      { numRuns: 500 },
    );
    // The key of the most rules wins over a rule's own longest word (k6: `..: ` is the longest
    // word of its trend, rate, counter and gauge rules, and the others list it too).
    t.same(
      chooseKeys([
        ['..: ', 'avg='],
        ['..: ', 'min='],
        ['..: ', '%'],
        ['..: ', 'p(90)='],
        ['http_reqs', '..: ', '/s'],
        ['iterations..', '..: '],
      ]),
      ['..: ', '..: ', '..: ', '..: ', '..: ', '..: '],
    );
    // A word that is no rule's longest never becomes a key (pytest's ` in `) ...
    t.same(
      chooseKeys([
        ['\\d passed', ' in '],
        ['\\d failed', ' in '],
      ]),
      ['\\d passed', '\\d failed'],
    );
    // ... nor a key shorter than 4 bytes over a rule's own longer word (`: ` is on most lines).
    t.same(chooseKeys([['abcdef', ': '], [': '], [': ']]), ['abcdef', ': ', ': ']);
    t.end();
  },
);

t.test("k6's preset: its text rules and mark look for one word", async (t) => {
  const { sets } = await loadPresets(['k6']);
  const gates = new LineRules(sets, () => undefined).gates() ?? [];
  const words = gates.flatMap((g) => ('words' in g ? [g.words] : []));
  t.ok(words.length >= 15, `${words.length} rules with words`);
  t.same([...new Set(chooseKeys(words))], ['..: ']);
});

t.test("pytest's words: its summary lines pass, a log's `Test passed: … in 9 ms` lines do not", async (t) => {
  const { sets } = await loadPresets(['pytest']);
  const gates = new LineRules(sets, () => undefined).gates();
  t.ok(gates !== null);
  const gate = new WordPrecheck(NONE, gates ?? []);
  const lines = [
    '==== 2 failed, 3 passed, 1 error in 0.07s ====',
    '3 passed in 0.10s',
    '1 xfailed, 12 deselected, 2 warnings in 4.20s (0:00:04)',
    '2024-05-14T00:00:00.040Z WARN  [worker-6] Test passed: handles empty input 195 of 5000 in 571 ms',
    'FAILED test_x.py::test_y - assert 1 == 2 in setup',
    'passed in 0.1s',
  ];
  t.same(decisions(gate, lines), [true, true, true, false, false, false]);
  // Every summary line the rules read is let through: the regexes agree with the words.
  for (const line of lines.slice(0, 3))
    t.ok(
      sets[0]?.rules.some((r) => 'regex' in r && r.regex.test(line)),
      line,
    );
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
