// Issue 23 ("numbers you can trust"), items 2–9, on recorded output (test/fixtures/recorded/,
// each with the command and version that made it): what a rule now gets, and what it says.
import t from 'tap';
import { extract, recorded } from '../../support/extract.js';

const file = (...rules: string[]): string => `version: 1\nrules:\n${rules.join('\n')}\n`;

// Catch2 2.13: a totals line after the benchmark table, whose rows a context rule names.
const CATCH2_TOTALS = `  - {pattern: '^test cases: (?<total>\\d+) \\| (?<passed>\\d+) passed \\| (?<failed>\\d+) failed', name: test_cases, values: {total: {outcome: total}, passed: {outcome: passed}, failed: {outcome: failed}}}`;
const CATCH2_CONTEXT = `  - {pattern: '^(?<benchmark>vector \\d+ push_back) ', context: true}`;
const CATCH2_MEAN = `  - {pattern: '^ {30,}(?<value>[\\d.]+ [nu]s) ', name: mean, unit: auto, occurrence: first}`;

t.test(
  '2. a context rule labels only the rules listed after it (Catch2: totals above and below the context rule)',
  async (t) => {
    const input = recorded('catch2-bench');
    const above = await extract(input, {
      args: ['--parsers', 'none'],
      rules: file(CATCH2_TOTALS, CATCH2_CONTEXT, CATCH2_MEAN),
    });
    t.same(above.values, {
      'test_cases{outcome=total}': 3,
      'test_cases{outcome=passed}': 2,
      'test_cases{outcome=failed}': 1,
      'mean_seconds{benchmark=vector 100 push_back}': 1.33186e-6,
      'mean_seconds{benchmark=vector 1000 push_back}': 923.176e-9,
    });
    const below = await extract(input, {
      args: ['--parsers', 'none'],
      rules: file(CATCH2_CONTEXT, CATCH2_MEAN, CATCH2_TOTALS),
    });
    t.equal(
      below.values['test_cases{benchmark=vector 1000 push_back,outcome=total}'],
      3,
      'listed after the context rule: labelled, as documented',
    );
    // Two context rules: each labels what follows it, and keeps its own labels until its next match.
    const two = await extract('suite a\nrun 1\nok 5\nsuite b\nok 6\n', {
      args: ['--parsers', 'none'],
      rules: file(
        `  - {pattern: '^ok (?<value>\\d+)', name: early}`,
        `  - {pattern: '^suite (?<suite>\\w+)', context: true}`,
        `  - {pattern: '^ok (?<value>\\d+)', name: middle}`,
        `  - {pattern: '^run (?<run>\\d+)', context: true}`,
        `  - {pattern: '^ok (?<value>\\d+)', name: late}`,
      ),
    });
    t.same(two.values, {
      early: 6,
      'middle{suite=a}': 5,
      'middle{suite=b}': 6,
      'late{suite=a,run=1}': 5,
      'late{suite=b,run=1}': 6,
    });
  },
);

t.test('3. "set again" names the value kept and its line, and counts further overwrites (jest summary)', async (t) => {
  const { values, messages } = await extract(recorded('jest-summary'), {
    args: ['--parsers', 'none', '--pattern', 'total=(?<value>\\d+) total'],
  });
  t.equal(values.total, 0, 'Snapshots: 0 total is the last');
  t.same(
    messages.filter((m) => m.includes('was set to')),
    [
      "jes-metrics-pipe: warning: keptn_t_total was set to 2 on line 19 and to 11 on line 20, and 1 more time; the last value is kept: 0 from line 21 (a rule's occurrence: first|last, or aggregate:, chooses without this warning)",
    ],
  );
  const two = await extract('x=1\nx=2\n');
  t.match(
    two.messages.join('\n'),
    /keptn_t_x was set to 1 on line 1 and to 2 on line 2; the last value is kept: 2 from line 2 /,
  );
  const many = await extract('x=1\nx=2\nx=3\nx=4\nx=4\n');
  t.match(many.messages.join('\n'), /and 2 more times; the last value is kept: 4 from line 4 /);
});

t.test('4. a label group that captured a number is warned about once per rule (ctest)', async (t) => {
  const input = recorded('ctest-two-failed');
  const rule = `'(?<passed>\\d+)% tests passed, (?<value>\\d+) tests failed out of (?<total>\\d+)'`;
  const warned = await extract(`${input}${input}`, {
    args: ['--parsers', 'none'],
    rules: file(`  - {pattern: ${rule}, name: failed}`),
  });
  t.same(warned.values, { 'failed{passed=60,total=5}': 2 });
  t.same(
    warned.messages.filter((m) => m.includes('captured')),
    [
      'jes-metrics-pipe: warning: line 13: failed: group passed captured 60: list it under values: to make it a series, or rename it (it became a label; label_groups: [name] keeps it one without this warning)',
    ],
    'once per rule, naming the first such group',
  );
  const listed = await extract(input, {
    args: ['--parsers', 'none'],
    rules: file(
      `  - {pattern: ${rule}, name: tests, values: {passed: {stat: passed_percent}, value: {stat: failed}, total: {stat: total}}}`,
    ),
  });
  t.same(listed.values, { 'tests{stat=passed_percent}': 60, 'tests{stat=failed}': 2, 'tests{stat=total}': 5 });
  t.notMatch(listed.messages.join('\n'), /captured/);
  const intended = await extract('shard 3: 7 failed\n', {
    args: ['--parsers', 'none'],
    rules: file(`  - {pattern: '^shard (?<shard>\\d+): (?<value>\\d+) failed', name: failed, label_groups: [shard]}`),
  });
  t.same(intended.values, { 'failed{shard=3}': 7 });
  t.notMatch(intended.messages.join('\n'), /captured/);
  const flag = await extract('shard 3: 7 failed\n', {
    args: ['--parsers', 'none', '--pattern', 'failed=^shard (?<shard>\\d+): (?<value>\\d+) failed'],
  });
  t.match(flag.messages.join('\n'), /group shard captured 3: it became a label; name it value to make it the series/);
  const text = await extract('bench fast: 7 ns\n', {
    args: ['--parsers', 'none', '--pattern', 'ns=^bench (?<bench>\\w+): (?<value>\\d+) ns'],
  });
  t.notMatch(text.messages.join('\n'), /captured/, 'a label that is not a number is what label groups are for');
});

t.test('5. the prom default parser does not read YAML (stress-ng --yaml) as samples', async (t) => {
  const { series } = await extract(recorded('stress-ng-yaml'));
  t.same(
    series.map((s) => s.name),
    [],
    'no cpus:, ticks-per-second: … series',
  );
  const declared = await extract(`# HELP up whether up\nup 1\n${recorded('stress-ng-yaml')}`);
  t.same(
    declared.series.filter((s) => s.name.startsWith('keptn_t_cpus')).map((s) => [s.name, s.value]),
    [['keptn_t_cpus_', 2]],
    'after a # HELP the input is Prometheus text: colons in names stay valid',
  );
});

t.test('6. numbers as people print them: thousands separators read, a decimal comma never mistaken', async (t) => {
  const vg = await extract(recorded('valgrind-memcheck-leak'), {
    args: ['--parsers', 'none'],
    rules: file(
      `  - {pattern: 'total heap usage: .* frees, (?<value>[\\d,]+ bytes) allocated', name: heap_allocated, unit: auto}`,
    ),
  });
  t.same(vg.values, { heap_allocated_bytes: 10452 });
  const bench = await extract(recorded('benchmarkjs-ops'), {
    args: ['--parsers', 'none', '--pattern', 'ops_per_sec=^(?<bench>\\S+) x (?<value>[\\d,.]+) ops/sec'],
  });
  t.same(bench.values, { 'ops_per_sec{bench=RegExp#test}': 11499323, 'ops_per_sec{bench=String#indexOf}': 392956628 });
  t.same(bench.messages, []);
  const input =
    "a 1 234 567\nb 1\u2009234\u2009567\nc 1\u202F234.5\nd 1'234'567\ne 1,234.5\nf 1,5\ng 1,2345\nh 12,34,567\ni 1 234,567\n";
  const { values, messages } = await extract(input, {
    args: ['--parsers', 'none', '--pattern', '^(?<name>\\w) (?<value>.+)$'],
  });
  t.same(values, { a: 1234567, b: 1234567, c: 1234.5, d: 1234567, e: 1234.5 });
  const said = messages.join('\n');
  t.match(said, /f: value "1,5" is not a number \(a decimal comma\? decimal: comma reads it\)/);
  t.match(said, /g: value "1,2345" is not a number \(a decimal comma\? decimal: comma reads it\)/);
  t.match(
    said,
    /h: value "12,34,567" is not a number"?$/m,
    'no grouping of three: refused, and no hint that would not work',
  );
  t.match(said, /i: value "1 234,567" is not a number/);
  // The hint leads to a rule that works.
  const comma = await extract('f 1,5\nj 1.234.567,89\nk 1.5\n', {
    args: ['--parsers', 'none'],
    rules: file(`  - {pattern: '^(?<name>\\w) (?<value>.+)$', decimal: comma}`),
  });
  t.same(comma.values, { f: 1.5, j: 1234567.89 });
  t.match(
    comma.messages.join('\n'),
    /k: value "1\.5" is not a number/,
    'with decimal: comma a point is not a decimal mark',
  );
  const auto = await extract('took 1,500ms\nsize 2,5 MB\n', {
    args: ['--parsers', 'none'],
    rules: file(`  - {pattern: '^(?<name>\\w+) (?<value>.+)$', unit: auto}`),
  });
  t.same(auto.values, { took_seconds: 1.5 });
  t.match(
    auto.messages.join('\n'),
    /size: not a number with a unit: "2,5 MB" \(a decimal comma\? decimal: comma reads it\)/,
  );
  const hinted = await extract('took 12ms\n', { args: ['--parsers', 'none', '--pattern', 'took=^took (?<value>.+)$'] });
  t.match(hinted.messages.join('\n'), /value "12ms" is not a number \(try unit: auto\)/);
});

t.test(
  '7. prefixes: binary per rule (Google Benchmark prints G = 2^30); SI by default; Ki/Mi/Gi always binary',
  async (t) => {
    const rule = (extra: string): string =>
      file(
        `  - {pattern: '^BM_(?<bench>\\S+) .*bytes_per_second=(?<value>[\\d.]+[kMGT]?)/s', name: bytes_per_second, unit: auto${extra}}`,
      );
    const binary = await extract(recorded('google-benchmark-bytes'), {
      args: ['--parsers', 'none'],
      rules: rule(', prefixes: binary'),
    });
    t.same(binary.values, {
      'bytes_per_second{bench=memcpy/8192}': 81.1899 * 2 ** 30,
      'bytes_per_second{bench=memcpy/65536}': 69.2606 * 2 ** 30,
    });
    const si = await extract(recorded('google-benchmark-bytes'), { args: ['--parsers', 'none'], rules: rule('') });
    t.equal(si.values['bytes_per_second{bench=memcpy/8192}'], 81.1899e9, 'SI unless the rule says otherwise');
    const iec = await extract('a 3Ki\nb 1.5 KiB\nc 2 kB\nd 1 Gi\n', {
      args: ['--parsers', 'none'],
      rules: file(`  - {pattern: '^(?<name>\\w) (?<value>.+)$', unit: auto}`),
    });
    t.same(iec.values, { a: 3072, b_bytes: 1536, c_bytes: 2000, d: 2 ** 30 });
    const fixed = await extract('mem 2\nmem2 3 MB\n', {
      args: ['--parsers', 'none'],
      rules: file(`  - {pattern: '^(?<name>mem\\d?) (?<value>.+)$', unit: MB, prefixes: binary}`),
    });
    t.same(fixed.values, { mem_bytes: 2 * 2 ** 20, mem2_bytes: 3 * 2 ** 20 }, 'a fixed unit follows prefixes: too');
  },
);

t.test(
  '8. aggregate: on a line rule folds every match (cargo test prints one test result: line per binary)',
  async (t) => {
    const rule = (extra: string): string =>
      file(
        `  - pattern: '^test result: \\w+\\. (?<passed>\\d+) passed; (?<failed>\\d+) failed; (?<ignored>\\d+) ignored'`,
        `    name: tests`,
        `    values: {passed: {outcome: passed}, failed: {outcome: failed}, ignored: {outcome: ignored}}${extra}`,
      );
    const input = recorded('cargo-test-three-binaries');
    const summed = await extract(input, { args: ['--parsers', 'none'], rules: rule('\n    aggregate: sum') });
    t.same(summed.values, { 'tests{outcome=passed}': 8, 'tests{outcome=failed}': 1, 'tests{outcome=ignored}': 1 });
    t.notMatch(summed.messages.join('\n'), /was set to/, 'no "set again" for a rule with aggregate:');
    const last = await extract(input, { args: ['--parsers', 'none'], rules: rule('') });
    t.equal(last.values['tests{outcome=failed}'], 0, 'without aggregate: the last block wins…');
    t.match(
      last.messages.join('\n'),
      /tests\{outcome="failed"\} was set to 1 on line \d+ and to 0 on line \d+/,
      '…and says so',
    );
    const each = async (how: string): Promise<number | undefined> =>
      (
        await extract('t 3\nt 1\nt 8\n', {
          args: ['--parsers', 'none'],
          rules: file(`  - {pattern: '^t (?<value>\\d+)', name: t, aggregate: ${how}}`),
        })
      ).values.t;
    t.same(
      [
        await each('sum'),
        await each('count'),
        await each('min'),
        await each('max'),
        await each('mean'),
        await each('first'),
        await each('last'),
      ],
      [12, 3, 1, 8, 4, 3, 8],
    );
  },
);
