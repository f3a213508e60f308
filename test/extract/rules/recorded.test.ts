// Issue 14's failures, each on the real output of the tool (test/fixtures/recorded/, each with
// the command that made it): what one rule (or two) now gets.
import t from 'tap';
import { extract, recorded } from '../../support/extract.js';

const file = (...rules: string[]): string => `version: 1\nrules:\n${rules.join('\n')}\n`;

t.test('1. go test -bench: ns/op and B/op rules both count on the same line', async (t) => {
  const { values } = await extract(recorded('go-bench-text'), {
    args: [
      '--parsers',
      'none',
      '--pattern',
      'ns_per_op=^Benchmark(?<benchmark>\\S+?)-\\d+\\s+\\d+\\s+(?<value>[\\d.]+) ns/op',
      '--pattern',
      'bytes_per_op=^Benchmark(?<benchmark>\\S+?)-\\d+\\s.*\\s(?<value>\\d+) B/op',
    ],
  });
  t.equal(values['ns_per_op{benchmark=Encode}'], 1821);
  t.equal(values['bytes_per_op{benchmark=Encode}'], 408);
  t.equal(values['ns_per_op{benchmark=Total/items=10}'], 12.72);
});

t.test('1. autocannon latency row: every cell from one rule (values:, unit: ms)', async (t) => {
  const { values } = await extract(recorded('autocannon-text'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - pattern: '^│ Latency │ [\\d.]+ ms │ (?<p50>[\\d.]+ ms) │ (?<p97_5>[\\d.]+ ms)\\s*│ (?<p99>[\\d.]+ ms) │ (?<avg>[\\d.]+ ms)\\s*│ [\\d.]+ ms\\s*│ (?<max>[\\d.]+ ms)'`,
      `    name: latency`,
      `    unit: ms`,
      `    values: {p50: {stat: p50}, p97_5: {stat: p97_5}, p99: {stat: p99}, avg: {stat: avg}, max: {stat: max}}`,
    ),
  });
  t.equal(values['latency_seconds{stat=p99}'], 0.005);
  t.equal(values['latency_seconds{stat=avg}'], 0.00032);
  t.equal(values['latency_seconds{stat=max}'], 0.024);
});

t.test('1. c8 "All files" row: four columns from one rule', async (t) => {
  const { values } = await extract(recorded('c8-text'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - pattern: '^All files\\s*\\|\\s*(?<statements>[\\d.]+)\\s*\\|\\s*(?<branches>[\\d.]+)\\s*\\|\\s*(?<functions>[\\d.]+)\\s*\\|\\s*(?<lines>[\\d.]+)'`,
      `    name: coverage`,
      `    unit: percent`,
      `    values: {statements: {kind: statements}, branches: {kind: branches}, functions: {kind: functions}, lines: {kind: lines}}`,
    ),
  });
  t.same(values, {
    'coverage_ratio{kind=statements}': 0.909,
    'coverage_ratio{kind=branches}': 0.6,
    'coverage_ratio{kind=functions}': 0.8,
    'coverage_ratio{kind=lines}': 0.909,
  });
});

t.test('1. pytest summary: the counts and the duration from one line; 5. a count not printed is 0', async (t) => {
  const rules = file(
    `  - pattern: '(?<value>\\d+) (?<name>failed|passed|skipped|errors?|xfailed|xpassed)\\b'`,
    `    words: [' in ']`,
    `  - pattern: '^=+ .* in (?<value>[\\d.]+s)'`,
    `    name: duration`,
    `    unit: s`,
    `  - pattern: '(?<value>\\d+) failed'`,
    `    name: failures`,
    `    default: 0`,
  );
  const mixed = await extract(recorded('pytest-mixed'), { args: ['--parsers', 'none'], rules });
  t.equal(mixed.values.failed, 2);
  t.equal(mixed.values.passed, 3);
  t.equal(mixed.values.error, 1);
  t.equal(mixed.values.duration_seconds, 0.07);
  t.equal(mixed.values.failures, 2);
  const clean = await extract(recorded('pytest-all-pass'), { args: ['--parsers', 'none'], rules });
  t.equal(clean.values.failures, 0, 'default: 0 when pytest prints no "failed"');
  t.equal(clean.values.failed, undefined, 'the name-group rule has no default');
});

t.test(
  '2. ab prints "Time per request" twice: a warning names both lines; occurrence: first takes the mean',
  async (t) => {
    const input = recorded('ab-text');
    const warned = await extract(input, {
      args: ['--parsers', 'none', '--pattern', 'time_per_request=^Time per request:\\s+(?<value>[\\d.]+)'],
    });
    t.equal(warned.values.time_per_request, 0.442, 'the last value is kept');
    const lines = input.split('\n');
    const first = lines.findIndex((l) => l.startsWith('Time per request')) + 1;
    t.match(
      warned.messages.join('\n'),
      new RegExp(`keptn_t_time_per_request was set to 8\\.835 on line ${first} and to 0\\.442 on line ${first + 1}`),
    );
    const chosen = await extract(input, {
      args: ['--parsers', 'none'],
      rules: file(
        `  - pattern: '^Time per request:\\s+(?<value>[\\d.]+ )\\[ms\\]'`,
        `    name: time_per_request`,
        `    unit: ms`,
        `    occurrence: first`,
      ),
    });
    t.equal(chosen.values.time_per_request_seconds, 0.008835);
    t.notMatch(chosen.messages.join('\n'), /was set to/, 'occurrence: silent');
  },
);

t.test('2. hyperfine text: the command as a label of the next mean (a context rule)', async (t) => {
  const { values, messages } = await extract(recorded('hyperfine-text'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - pattern: '^Benchmark \\d+: (?<command>.+)$'`,
      `    context: true`,
      `  - pattern: '^\\s+Time \\(mean ± σ\\):\\s+(?<value>[\\d.]+ \\S+)'`,
      `    name: mean`,
      `    unit: auto`,
    ),
  });
  t.same(values, {
    'mean_seconds{command=sleep 0.01}': 0.0128,
    'mean_seconds{command=sleep 0.02}': 0.0219,
    'mean_seconds{command=gzip -c /usr/bin/hyperfine}': 0.1493,
  });
  t.notMatch(messages.join('\n'), /was set to/);
});

t.test('3. hyperfine JSON: series labelled by command, several fields of one object', async (t) => {
  const { values } = await extract(recorded('hyperfine-json'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - json: '$.results[*]'`,
      `    fields: {mean: mean, stddev: stddev}`,
      `    label_fields: {command: command}`,
      `    unit: s`,
    ),
  });
  t.equal(Object.keys(values).length, 6);
  t.ok(
    values['mean_seconds{command=sleep 0.01}'] !== undefined &&
      Math.abs((values['mean_seconds{command=sleep 0.01}'] as number) - 0.01284518) < 1e-9,
  );
  t.notOk(
    Object.keys(values).some((k) => k.includes('index=')),
    'no index labels',
  );
});

t.test('3. fio JSON: jobname as a label, percentile keys with dots reachable', async (t) => {
  const { values } = await extract(recorded('fio-json'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - json: '$.jobs[*]'`,
      `    fields: {read_iops: read.iops, read_clat_p99: read.clat_ns.percentile.99.000000, write_clat_p99: [write, clat_ns, percentile, '99.000000']}`,
      `    label_fields: {job: jobname}`,
    ),
  });
  t.ok((values['read_iops{job=randrw}'] as number) > 0);
  t.ok((values['read_clat_p99{job=randrw}'] as number) > 1000, 'ns');
  t.ok((values['write_clat_p99{job=randrw}'] as number) > 1000);
});

t.test('3. eslint JSON: per-file counts summed to totals; a clean run is 0 by default', async (t) => {
  const rules = file(
    `  - json: '$[*]'`,
    `    fields: {errors: errorCount, warnings: warningCount}`,
    `    aggregate: sum`,
  );
  const { values } = await extract(recorded('eslint-json'), { args: ['--parsers', 'none'], rules });
  const files = JSON.parse(recorded('eslint-json')) as Array<{ errorCount: number; warningCount: number }>;
  t.equal(
    values.errors,
    files.reduce((n, f) => n + f.errorCount, 0),
  );
  t.equal(
    values.warnings,
    files.reduce((n, f) => n + f.warningCount, 0),
  );
  const byFile = await extract(recorded('eslint-json'), {
    args: ['--parsers', 'none'],
    rules: file(`  - json: '$[*]'`, `    name: errors`, `    value: errorCount`, `    label_fields: {file: filePath}`),
  });
  t.equal(Object.keys(byFile.values).length, files.length, 'one series per file with label_fields');
});

t.test('3. autocannon JSON: nine numbers from one rule', async (t) => {
  const { values } = await extract(recorded('autocannon-json'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - json: '$'`,
      `    fields: {latency_p50_ms: latency.p50, latency_p99_ms: latency.p99, latency_avg_ms: latency.average, latency_max_ms: latency.max, requests_avg: requests.average, requests_total: requests.total, throughput_avg: throughput.average, errors: errors, non2xx: non2xx}`,
    ),
  });
  t.equal(Object.keys(values).length, 9);
  t.equal(values.latency_p99_ms, 4);
});

t.test('4. units: wrk per-run units, GNU time m:ss, ab seconds', async (t) => {
  const wrk = await extract(recorded('wrk-text'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - pattern: '^\\s+Latency\\s+(?<avg>\\S+)\\s+\\S+\\s+(?<max>\\S+)'`,
      `    name: latency`,
      `    unit: s`,
      `    values: {avg: {stat: avg}, max: {stat: max}}`,
      `  - pattern: '^\\s+Req/Sec\\s+(?<value>\\S+)'`,
      `    name: requests_per_thread`,
      `    unit: auto`,
      `  - pattern: '^Transfer/sec:\\s+(?<value>\\S+)'`,
      `    name: transfer_bytes_per_second`,
      `    unit: B`,
    ),
  });
  t.same(wrk.values, {
    'latency_seconds{stat=avg}': 0.0025,
    'latency_seconds{stat=max}': 0.05324,
    requests_per_thread: 11410,
    transfer_bytes_per_second: 5230000,
  });
  const time = await extract(recorded('gnu-time-v'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - pattern: 'Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (?<value>\\S+)'`,
      `    name: elapsed`,
      `    unit: s`,
      `  - pattern: 'Maximum resident set size \\(kbytes\\): (?<value>\\d+)'`,
      `    name: max_rss`,
      `    unit: KiB`,
    ),
  });
  t.same(time.values, { elapsed_seconds: 0.42, max_rss_bytes: 1848 * 1024 });
});

t.test('6. JUnit XML (pytest, jest-junit, Surefire, node --test) and Cobertura', async (t) => {
  // A unit applies to every field of its rule: the time is a rule of its own.
  const suites = file(
    `  - xml: testsuite`,
    `    fields: {tests: '@tests', failures: '@failures', errors: '@errors'}`,
    `    aggregate: sum`,
    `  - xml: testsuite`,
    `    name: time`,
    `    value: '@time'`,
    `    unit: s`,
    `    aggregate: sum`,
  );
  const counts = file(
    `  - xml: testsuite`,
    `    fields: {tests: '@tests', failures: '@failures'}`,
    `    aggregate: sum`,
  );
  const pytest = await extract(recorded('pytest-junitxml'), { args: ['--parsers', 'none'], rules: counts });
  t.same(pytest.values, { tests: 10, failures: 2 });
  const jest = await extract(recorded('junit-jest-junit'), { args: ['--parsers', 'none'], rules: counts });
  t.equal(jest.values.tests, 6, 'testsuite elements summed, testsuites left alone');
  const surefire = await extract(recorded('junit-surefire'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - xml: testsuite`,
      `    fields: {tests: '@tests', failures: '@failures'}`,
      `    label_fields: {suite: '@name'}`,
    ),
  });
  t.equal(surefire.values['failures{suite=action.surefire.report.calc.CalcUtilsTest}'], 2);
  const node = await extract(recorded('node-test-junit'), { args: ['--parsers', 'none'], rules: suites });
  t.ok((node.values.tests as number) >= 5);
  t.ok(node.values.time_seconds !== undefined, 'time_seconds is not suffixed twice');
  const cobertura = await extract(recorded('coveragepy-cobertura-xml'), {
    args: ['--parsers', 'none'],
    rules: file(`  - xml: /coverage`, `    fields: {line: '@line-rate', branch: '@branch-rate'}`, `    unit: ratio`),
  });
  t.same(cobertura.values, { line_ratio: 0.75, branch_ratio: 0.7 });
  const cases = await extract(recorded('pytest-junitxml'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - xml: testcase`,
      `    name: testcases`,
      `    aggregate: count`,
      `    label_fields: {class: '@classname'}`,
    ),
  });
  t.equal(cases.values['testcases{class=test_carts}'], 10);
});

t.test('7. --explain on ab: a near miss, and the value set again', async (t) => {
  const { messages } = await extract(recorded('ab-text'), {
    args: [
      '--explain',
      '--pattern',
      'rps=^Requests per second:\\s+(?<value>\\d+)$',
      '--pattern',
      'tpr=^Time per request:\\s+(?<value>[\\d.]+)',
    ],
  });
  const text = messages.join('\n');
  t.match(text, /rule --pattern "rps=.*" \(--pattern\): 0 lines matched/);
  t.match(text, /near miss line \d+: "Requests per second:\s+2263\.69 \[#\/sec\] \(mean\)"/);
  t.match(text, /keptn_t_tpr: 8\.835 \(line \d+\) → 0\.442 \(line \d+\)/);
  t.notMatch(text, /was set to/, '--explain lists it; the warning is for normal runs');
});
