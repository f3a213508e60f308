// `--pattern [NAME=]REGEX`: the flag's parsing (lib/extract/parsers/pattern.ts) and its matching, by the
// engine every run uses for it: the command line's rule set (lib/extract/rules/flag-rules.ts) in the line-rule
// engine (lib/extract/rules/line-rules.ts).
import t from 'tap';
import type { PatternRule } from '../../../lib/extract/parsers/pattern.js';
import { parsePatternFlag } from '../../../lib/extract/parsers/pattern.js';
import type { Sample } from '../../../lib/extract/parsers/sample.js';
import { MAX_MATCHES_PER_LINE } from '../../../lib/extract/rules/line-rules.js';
import { label, outcomeMismatch, patternParser } from './parse-assert.js';
import type { Expected } from './parse-cases.js';

function rule(text: string): PatternRule {
  const parsed = parsePatternFlag(text);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed;
}

t.test('flag: NAME=REGEX or REGEX', async (t) => {
  const cases: ReadonlyArray<readonly [string, string | undefined, string]> = [
    ['rps=Requests/sec:\\s+(?<value>[\\d.]+)', 'rps', 'Requests/sec:\\s+(?<value>[\\d.]+)'],
    ['(?<name>\\w+)=(?<value>\\d+)', undefined, '(?<name>\\w+)=(?<value>\\d+)'],
    ['build.time=took (?<value>\\d+)s', 'build.time', 'took (?<value>\\d+)s'],
    ['ns:m-1=(?<value>\\d+)', 'ns:m-1', '(?<value>\\d+)'],
    ['x=a=(?<value>\\d+)', 'x', 'a=(?<value>\\d+)'],
    ['1x=(?<value>\\d+) (?<name>\\w+)', undefined, '1x=(?<value>\\d+) (?<name>\\w+)'],
    ['=(?<value>\\d+) (?<name>\\w+)', undefined, '=(?<value>\\d+) (?<name>\\w+)'],
    ['(?<name>\\w+): (?<value>\\d+)', undefined, '(?<name>\\w+): (?<value>\\d+)'],
  ];
  for (const [text, name, regex] of cases) {
    const parsed = rule(text);
    t.equal(parsed.name, name, `${text}: name`);
    t.equal(parsed.regex.source, new RegExp(regex).source, `${text}: regex`);
    t.equal(parsed.source, text, `${text}: source kept for messages`);
  }
});

t.test('flag errors are clear', async (t) => {
  const cases: ReadonlyArray<readonly [string, RegExp]> = [
    ['', /regex is empty/],
    ['rps=', /regex is empty/],
    ['(?<value>\\d+', /invalid regular expression/],
    ['rps=[', /invalid regular expression/],
    ['(?<name>\\w+) (\\d+)', /needs a named group \(\?<value>/],
    ['rps=(\\d+)', /needs a named group \(\?<value>/],
    ['(?<value>\\d+)', /needs a named group \(\?<name>…\), or give a fixed name/],
    ['count=(?<name>\\w+) (?<value>\\d+)', /must not have a \(\?<name>…\) group; write that = as \[=\]/],
  ];
  for (const [text, message] of cases) {
    const parsed = parsePatternFlag(text);
    t.ok('error' in parsed, `${JSON.stringify(text)} is an error`);
    if ('error' in parsed) {
      t.match(parsed.error, message, parsed.error);
      t.match(parsed.error, /^--pattern /);
    }
  }
  t.notOk('error' in parsePatternFlag('count[=](?<name>\\w+) (?<value>\\d+)'), 'the [=] way out works');
});

t.test('matching lines', async (t) => {
  const s = (name: string, value: number, labels: Record<string, string> = {}): Sample => ({ name, value, labels });
  const cases: ReadonlyArray<readonly [string, string, Expected]> = [
    ['rps=Requests/sec:\\s+(?<value>[\\d.]+)', 'Requests/sec:   1234.5', { samples: [s('rps', 1234.5)] }],
    ['rps=Requests/sec:\\s+(?<value>[\\d.]+)', 'Latency: 3', null],
    // Every match on the line, when a name or label group tells the matches apart.
    ['(?<name>\\w+)=(?<value>\\S+)', 'a=1 b=2', { samples: [s('a', 1), s('b', 2)] }],
    [
      '(?<value>\\d+) (?<name>failed|passed)',
      '2 failed, 3 passed in 0.88s',
      { samples: [s('failed', 2), s('passed', 3)] },
    ],
    [
      '(?<value>[\\d.]+) (?<name>ns/op|B/op|allocs/op)',
      'BenchmarkX-8   1000  1234 ns/op  56 B/op  2 allocs/op',
      {
        samples: [s('ns/op', 1234), s('B/op', 56), s('allocs/op', 2)],
      },
    ],
    [
      'http_req_duration_ms=(?<=http_req_duration\\.*:.*)(?<stat>avg|p\\(95\\))=(?<value>[\\d.]+)ms',
      '  http_req_duration..: avg=12.5ms min=1ms p(90)=20ms p(95)=25.25ms',
      {
        samples: [
          s('http_req_duration_ms', 12.5, { stat: 'avg' }),
          s('http_req_duration_ms', 25.25, { stat: 'p(95)' }),
        ],
      },
    ],
    // A series met twice on one line keeps its first value; a fixed name without labels takes the first match.
    ['(?<name>\\w+)=(?<value>\\d+)', 'a=1 a=2 b=3', { samples: [s('a', 1), s('b', 3)] }],
    ['t=(?<value>\\d+)ms', 'took 5ms (retry 3ms)', { samples: [s('t', 5)] }],
    // Usable matches are kept; the line's first unusable one is its problem.
    [
      '(?<name>\\w+)=(?<value>\\S+)',
      'level=info status=200 took=3s',
      { samples: [s('status', 200)], problem: 'value "info" is not a number' },
    ],
    ['(?<name>\\w+)=(?<value>\\S+)', 'level=info', { samples: [], problem: 'value "info" is not a number' }],
    ['(?<name>\\w+)=(?<value>\\S+)', 'x=1e400', { samples: [], problem: 'out of range' }],
    ['(?<name>\\w+) took (?<value>[\\d.]+)s(?: on (?<host>\\w+))?', 'build took 3.5s', { samples: [s('build', 3.5)] }],
    [
      '(?<name>\\w+) took (?<value>[\\d.]+)s(?: on (?<host>\\w+))?',
      'build took 3.5s on ci1',
      { samples: [s('build', 3.5, { host: 'ci1' })] },
    ],
    ['t=(?<region>\\w+) (?<value> *\\d+ *)', 't=eu  42 ', { samples: [s('t', 42, { region: 'eu' })] }],
    ['t=(?<value>\\d+)?x', 'x', { samples: [], problem: 'the value group matched nothing' }],
    ['(?<name>\\w*):(?<value>\\d+)', ':5', { samples: [], problem: 'the name group matched nothing' }],
    ['t=(?<value>NaN|[+-]Inf)', 'NaN', { samples: [s('t', Number.NaN)] }],
    // Every match is tried, a fixed name's too: the unusable ones are the line's problem, the number is kept.
    ['t=(?<value>\\S+)', 'got \uFFFD 12', { samples: [s('t', 12)], problem: 'not a number' }],
    [
      't=(?<__proto__>\\w+) (?<value>\\d+)',
      'eu 5',
      { samples: [s('t', 5, JSON.parse('{"__proto__":"eu"}') as Record<string, string>)] },
    ],
    ['t=\\u0000(?<value>\\d+)', 'a\u00007', { samples: [s('t', 7)] }],
  ];
  for (const [text, line, expected] of cases) {
    const parse = patternParser(rule(text));
    t.same(outcomeMismatch(parse(line), expected), [], `${text} on ${label(line)}`);
  }
});

t.test('a caller-built global or sticky regex still matches every line from its start', async (t) => {
  for (const flags of ['g', 'y']) {
    const parse = patternParser({ name: 'n', regex: new RegExp('(?<value>\\d+)', flags), source: 'n=(?<value>\\d+)' });
    t.same(parse('12')?.samples[0]?.value, 12, flags);
    t.same(parse('34')?.samples[0]?.value, 34, `${flags}, again`);
  }
});

t.test('every match: empty matches move on, and one line gives at most MAX_MATCHES_PER_LINE samples', async (t) => {
  // Matches the empty string at every position: the scan must step over them, not spin.
  const empty = patternParser(rule('(?<name>[a-z]*)(?<value>\\d*)'));
  const got = empty('x1 y2');
  t.same(
    got?.samples.map((x) => [x.name, x.value]),
    [
      ['x', 1],
      ['y', 2],
    ],
    'the non-empty matches',
  );
  t.match(got?.problem ?? '', /matched nothing/, "an empty match is reported as the line's problem");
  const many = patternParser(rule('(?<name>m\\d+)=(?<value>\\d+)'));
  const line = Array.from({ length: MAX_MATCHES_PER_LINE + 5 }, (_, i) => `m${i}=${i}`).join(' ');
  const capped = many(line);
  t.equal(capped?.samples.length, MAX_MATCHES_PER_LINE, 'capped');
  t.match(capped?.problem ?? '', /more than 1000 metrics on one line/, 'and said so');
  // A caller-built global regex with a name group: every line still starts from its beginning.
  const global = patternParser({ regex: /(?<name>[a-z])=(?<value>\d)/g, source: '(?<name>[a-z])=(?<value>\\d)' });
  t.same(global('a=1 b=2')?.samples.length, 2);
  t.same(
    global('c=3')?.samples.map((x) => x.name),
    ['c'],
    'the next line from its start',
  );
});

t.test('problem messages name the pattern and stay short on huge lines', async (t) => {
  const parse = patternParser(rule('(?<name>\\w+)=(?<value>\\S+)'));
  const problem = parse(`x=${'y'.repeat(1 << 20)}`)?.problem ?? '';
  t.match(problem, /^--pattern /);
  t.ok(problem.length < 300, `short: ${problem.length}`);
});
