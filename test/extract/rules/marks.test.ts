// marks: (lib/extract/rules/recognition.ts): a rule file or preset sends its series, its default: values
// included, only when it recognised its tool's output; otherwise nothing from it, and one warning.
import t from 'tap';
import { extract } from '../../support/extract.js';
import { parseConfig } from '../../../lib/cli/args.js';
import { Extractor } from '../../../lib/extract/extractor.js';
import { Reporter } from '../../../lib/report/report.js';
import { SeriesStore } from '../../../lib/store/series.js';
import { loadRuleText } from '../../../lib/extract/rules/load.js';

const FAILS = `  - pattern: '^fails: (?<value>\\d+)$'\n    name: fails\n  - pattern: '^errors: (?<value>\\d+)$'\n    name: errors\n    default: 0\n`;
const file = (marks: string, rules = FAILS): string => `version: 1\n${marks}rules:\n${rules}`;

t.test(
  'without marks: a file whose rules matched nothing sends nothing, not its default: 0 either, and says so',
  async (t) => {
    const none = await extract('hello\nworld\n', { rules: file(''), args: ['--parsers', 'none'] });
    t.same(none.values, {});
    t.same(none.messages, [
      'jes-metrics-pipe: warning: --rules rules.yaml matched nothing: nothing from it is sent, not even its default: values',
    ]);
    const some = await extract('hello\nfails: 2\n', { rules: file(''), args: ['--parsers', 'none'] });
    t.same(some.values, { fails: 2, errors: 0 }, 'one rule read a value: the defaults are sent');
    t.same(some.messages, []);
  },
);

t.test('a line mark: nothing before it is sent until it is seen; never seen, nothing at all', async (t) => {
  const marks = `marks:\n  - line: '^=+ \\d+ tests? in [\\d.]+s =+$'\n`;
  const seen = await extract('fails: 1\nfails: 2\n=== 3 tests in 0.5s ===\n', {
    rules: file(marks),
    args: ['--parsers', 'none'],
  });
  t.same(seen.values, { fails: 2, errors: 0 }, 'the value read before the mark, and the default');
  t.match(
    seen.messages,
    [/fails was set to 1 on line 1 and to 2 on line 2/],
    'a value held back still gets the set-again warning',
  );
  const unseen = await extract('fails: 1\nPanic: cannot start\n', { rules: file(marks), args: ['--parsers', 'none'] });
  t.same(unseen.values, {});
  t.same(unseen.messages, [
    "jes-metrics-pipe: warning: --rules rules.yaml recognised none of its tool's output (none of its marks: was seen): nothing from it is sent, not even its default: values",
  ]);
  const empty = await extract('', { rules: file(marks), args: ['--parsers', 'none'] });
  t.same(empty.values, {}, 'empty input');
  t.equal(empty.messages.length, 1);
  const first = await extract('fails: 1\nfails: 2\n=== 3 tests in 0.5s ===\n', {
    rules: file(marks, `  - pattern: '^fails: (?<value>\\d+)$'\n    name: fails\n    occurrence: first\n`),
    args: ['--parsers', 'none'],
  });
  t.same(first.values, { fails: 1 }, 'occurrence: first holds across the wait');
});

t.test(
  'other rule sets, --pattern and the default parsers are unaffected by a set that recognised nothing',
  async (t) => {
    const marks = `marks:\n  - line: '^DONE$'\n`;
    const got = await extract('fails: 1\nlatency_ms=12\nqueue 7\n', {
      rules: file(marks),
      args: ['--pattern', 'queue=^queue (?<value>\\d+)$'],
    });
    t.same(got.values, { latency_ms: 12, queue: 7 });
    t.equal(got.messages.length, 1);
  },
);

t.test('document marks: a JSON path that selects something, an XML root element', async (t) => {
  const json = `marks:\n  - json: '$.Results'\n`;
  const rules = `  - json: '$.Results[*]'\n    name: results\n    aggregate: count\n  - json: '$.Missing'\n    name: missing\n    default: 0\n`;
  t.same((await extract('{"Results": [{"a": 1}, {"a": 2}]}\n', { rules: file(json, rules) })).values, {
    results: 2,
    missing: 0,
  });
  const other = await extract('[{"filePath": "a.js", "errorCount": 0}]\n', { rules: file(json, rules) });
  t.same(other.values, {}, 'another tool’s JSON: nothing, not the default');
  t.match(other.messages.at(-1), /recognised none of its tool's output/);
  const xml = `marks:\n  - xml: testsuites\n`;
  const xrules = `  - xml: testsuite\n    name: tests\n    value: '@tests'\n    aggregate: sum\n  - xml: failure\n    name: failures\n    aggregate: count\n    default: 0\n`;
  t.same(
    (
      await extract('<?xml version="1.0"?>\n<!-- r -->\n<testsuites><testsuite tests="3"/></testsuites>\n', {
        rules: file(xml, xrules),
      })
    ).values,
    {
      tests: 3,
      failures: 0,
    },
  );
  const catch2 = await extract(
    '<?xml version="1.0" encoding="UTF-8"?>\n<Catch2TestRun name="t"><OverallResults successes="1" failures="0"/></Catch2TestRun>\n',
    {
      rules: file(xml, xrules),
    },
  );
  t.same(catch2.values, {}, 'another root element: nothing');
  t.same((await extract('not xml at all\n', { rules: file(xml, xrules) })).values, {});
});

t.test('values held before the mark are not in the store (a periodic push cannot send them)', async (t) => {
  const parsed = parseConfig(['--integration', 't', '--parsers', 'none'], {});
  const loaded = await loadRuleText('r.yaml', file(`marks:\n  - line: '^DONE$'\n`));
  if ('errors' in loaded) throw new Error(loaded.errors.join());
  const store = new SeriesStore(100);
  const extractor = new Extractor(parsed.config, store, new Reporter({ write: () => {} }), [loaded.set]);
  extractor.line('fails: 4', () => 'line 1');
  extractor.drain();
  t.equal(store.size, 0, 'held');
  extractor.line('DONE', () => 'line 2');
  extractor.line('something else', () => 'line 3');
  extractor.drain();
  t.equal(store.size, 1, 'released once the mark was seen');
  extractor.finish();
  t.same(
    store.list().map((s) => [s.name, s.value]),
    [
      ['keptn_t_errors', 0],
      ['keptn_t_fails', 4],
    ],
  );
});

t.test('a line mark runs under the rules’ time budget', { timeout: 120_000 }, async (t) => {
  const marks = `marks:\n  - line: '^(a+)+$'\n`;
  const started = Date.now();
  const got = await extract(`${'a'.repeat(40)}b\nfails: 1\n`, { rules: file(marks), args: ['--parsers', 'none'] });
  t.ok(Date.now() - started < 60_000, 'not the minutes an unbounded match takes');
  t.match(got.messages, [/rules\.yaml: mark 1: took too long on line 1/, /recognised none of its tool's output/]);
  t.same(got.values, {});
});

t.test('a line rule with aggregate: count and default: 0 that matched nothing sends 0, not one match', async (t) => {
  const marks = `marks:\n  - line: '^result: '\n    words: ['result: ']\n`;
  const rules = `  - pattern: '^result: ok (?<value>\\d+)'\n    name: ok_runs\n    aggregate: count\n    default: 0\n    words: ['result: ok']\n  - pattern: '^result: FAILED (?<value>\\d+)'\n    name: failed_runs\n    aggregate: count\n    default: 0\n    words: ['result: FAILED']\n`;
  const got = await extract('result: FAILED 1\nresult: FAILED 2\n', {
    rules: file(marks, rules),
    args: ['--parsers', 'none'],
  });
  t.same(got.values, { failed_runs: 2, ok_runs: 0 });
});
