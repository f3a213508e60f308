// Issue 23, item 1 and 10: a preset sends something only when it recognised its tool's output
// (its marks:, presets/*.yaml). Every preset against every recorded output of the other tools,
// an empty input, and its own tool's error output: nothing from it, and one warning that says so.
// Its own tool's real output: recognised (the golden tests, test/e2e/golden.test.ts, hold the values).
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { parseConfig } from '../../../lib/cli/args.js';
import { Extractor } from '../../../lib/extract/extractor.js';
import { Reporter } from '../../../lib/report/report.js';
import { SeriesStore } from '../../../lib/store/series.js';
import { loadPresets, presetNames } from '../../../lib/extract/presets/catalog.js';
import type { RuleSet } from '../../../lib/extract/rules/model.js';
import { LineRules } from '../../../lib/extract/rules/line-rules.js';
import { feed } from '../../support/extract.js';

const RECORDED = new URL('../../fixtures/recorded/', import.meta.url);

// Every preset on every recording: with 45 presets and 131 recordings the file took 64-150 s on a
// loaded 2-core machine, past .taprc's 120 s for one file (and both lists keep growing).
t.setTimeout(300_000);

/** Which preset each recorded output belongs to (by its folder's name). */
const OWNER: Array<[RegExp, string]> = [
  [/^ab-/, 'ab'],
  [/^autocannon-/, 'autocannon'],
  [/^bencher-json-/, 'bencher-json'],
  [/^benchmark-action-/, 'benchmark-action-json'],
  [/^(?:c8-|coveragepy-|istanbul-|lcov-|nyc-)/, 'coverage'],
  [/^eslint-/, 'eslint'],
  [/^fio-/, 'fio'],
  [/^gnu-time-/, 'gnu-time'],
  [/^go-bench-/, 'go-bench'],
  [/^hey-/, 'hey'],
  [/^hyperfine-/, 'hyperfine'],
  [/^infracost-/, 'infracost'],
  [/^iperf3-/, 'iperf3'],
  [/^jest-/, 'jest'],
  [/^mocha-/, 'mocha'],
  [/^go-test-/, 'go-test'],
  [/^cargo-test-/, 'cargo-test'],
  [/^ctest-/, 'ctest'],
  [/^google-benchmark-/, 'google-benchmark'],
  [/^catch2-/, 'catch2'],
  [/^valgrind-/, 'valgrind'],
  [/^stress-ng-/, 'stress-ng'],
  [/^benchmarkjs-/, 'benchmark-js'],
  [/^vitest-/, 'vitest'],
  [/^(?:junit-|node-test-junit$|pytest-junitxml$)/, 'junit'],
  [/^k6-/, 'k6'],
  [/^pytest-benchmark-/, 'pytest-benchmark'],
  [/^pytest-/, 'pytest'],
  [/^sysbench-/, 'sysbench'],
  [/^(?:node-test-|prove-|tap-)/, 'tap'],
  [/^trivy-/, 'trivy'],
  [/^wrk-/, 'wrk'],
  [/^shellcheck-/, 'shellcheck'],
  [/^pylint-/, 'pylint'],
  [/^bandit-/, 'bandit'],
  [/^cloc-/, 'cloc'],
  [/^redis-benchmark-/, 'redis-benchmark'],
  // Issue 26, benchmark harnesses and test reports (r4-benchpresets).
  [/^benchmarkdotnet-/, 'benchmarkdotnet'],
  [/^cargo-bench-/, 'cargo-bench'],
  [/^criterion-/, 'criterion'],
  [/^dotnet-trx-/, 'dotnet-trx'],
  [/^jmh-/, 'jmh'],
  [/^mitata-/, 'mitata'],
  [/^rspec-/, 'rspec'],
  [/^tinybench-/, 'tinybench'],
  // Load tools and analysers (issue 26, item 1).
  [/^artillery-/, 'artillery'],
  [/^siege-/, 'siege'],
  [/^pgbench-/, 'pgbench'],
  [/^vegeta-/, 'vegeta'],
  [/^jmeter-/, 'jmeter'],
  [/^ruff-/, 'ruff'],
  [/^vite-/, 'vite'],
  [/^size-limit-/, 'size-limit'],
  [/^grype-/, 'grype'],
  [/^npm-audit-/, 'npm-audit'],
  [/^semgrep-/, 'semgrep'],
  [/^golangci-lint-/, 'golangci-lint'],
  // The last three of issue 26, item 1 (r5-newpresets).
  [/^locust-/, 'locust'],
  [/^lighthouse-/, 'lighthouse'],
  [/^oha-/, 'oha'],
];

/** The tool's own output when it failed (or printed no number): recognised as nothing. */
const TOOL_ERRORS: Record<string, string[]> = {
  ab: ['ab-error'],
  coverage: ['c8-error', 'nyc-text-summary-unknown'],
  eslint: ['eslint-no-config'],
  fio: ['fio-error'],
  'gnu-time': ['gnu-time-error'],
  'go-bench': ['go-bench-build-failed'],
  hyperfine: ['hyperfine-error'],
  iperf3: ['iperf3-json-error'],
  k6: ['k6-error'],
  pytest: ['pytest-error', 'cargo-test-failed'],
  sysbench: ['sysbench-error'],
  tap: ['node-test-error', 'prove-error'],
  trivy: ['trivy-error'],
  wrk: ['wrk-error'],
  junit: [],
  shellcheck: ['shellcheck-missing-file'],
  pylint: ['pylint-missing-file'],
  bandit: ['bandit-missing-file'],
  cloc: ['cloc-missing'],
  'redis-benchmark': ['redis-benchmark-refused'],
  // Load tools and analysers (issue 26, item 1).
  pgbench: ['pgbench-refused'],
  'npm-audit': ['npm-audit-405'],
  // Recorded for the presets that had none (issue 26): a compile error, a missing file, a bad option.
  'cargo-test': ['cargo-test-compile-error'],
  'cargo-bench': ['cargo-bench-compile-error'],
  criterion: ['cargo-bench-compile-error'],
  'go-test': ['go-test-build-failed'],
  ctest: ['ctest-no-config'],
  'pytest-benchmark': ['pytest-benchmark-missing-file'],
  'stress-ng': ['stress-ng-bad-option'],
  valgrind: ['valgrind-missing-program'],
  siege: ['siege-refused'],
  // Issue 26, bad input: the rest (a bad flag, a compile error, a spec file that does not load).
  ruff: ['ruff-bad-flag'],
  rspec: ['rspec-text-load-error'],
  catch2: ['catch2-compile-error', 'catch2-bad-flag'],
  'google-benchmark': ['google-benchmark-bad-flag', 'google-benchmark-bad-format'],
  // A syntax error in a test file is a report for jest and vitest (a failed suite, 0 tests: the
  // golden cases preset-jest-syntax-error, preset-vitest-syntax-error); mocha stops before its summary.
  jest: ['jest-no-tests'],
  vitest: ['vitest-no-tests', 'vitest-bad-flag'],
  mocha: ['mocha-no-file', 'mocha-syntax-error'],
  // A benchmark whose function throws; a missing script or file, an unknown flag, a build that
  // fails. Refused connections are reports for artillery and autocannon (their error counts).
  tinybench: ['tinybench-all-throw'],
  mitata: ['mitata-throws'],
  autocannon: ['autocannon-bad-flag'],
  artillery: ['artillery-missing-script'],
  'size-limit': ['size-limit-no-config', 'size-limit-missing-file'],
  vite: ['vite-parse-error', 'vite-bad-flag'],
  hey: ['hey-refused', 'hey-bad-flag'],
};

/** Recordings that hold a second tool's output too: c8 and nyc wrapped node --test, whose TAP summary they print. */
const ALSO: Record<string, string[]> = {
  'c8-text': ['tap'],
  'c8-text-summary': ['tap'],
  'nyc-text-summary-unknown': ['tap'],
  // jest --coverage prints istanbul's table after its summary; go test -bench ends with go test's `ok <package>` line.
  'jest-coverage-text': ['coverage'],
  'go-bench-count3': ['go-test'],
  'go-bench-json': ['go-test'],
  'go-bench-text': ['go-test'],
  // cargo bench ends each binary with libtest's `test result:` line (--preset cargo-test); the
  // pytest-benchmark table is printed inside pytest's own run and summary.
  'cargo-bench-libtest': ['cargo-test'],
  'criterion-text': ['cargo-test'],
  'pytest-benchmark-table': ['pytest'],
};

function ownerOf(dir: string): string | undefined {
  return OWNER.find(([re]) => re.test(dir))?.[1];
}

const recordings = readdirSync(RECORDED, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_'))
  .map((d) => ({ name: d.name, input: readFileSync(new URL(`${d.name}/input`, RECORDED), 'utf8') }));

/** One preset on one input, in-process as the run does it (lines, documents, finish); --parsers none. */
const { config } = parseConfig(['--integration', 't', '--parsers', 'none'], {});
async function run(set: RuleSet, input: string): Promise<{ series: number; messages: string[] }> {
  const messages: string[] = [];
  const store = new SeriesStore(config.maxSeries);
  const extractor = new Extractor(
    config,
    store,
    new Reporter({ write: (m) => messages.push(m.trimEnd()), budget: 1 << 30 }),
    [set],
  );
  await feed(extractor, input);
  return { series: store.size, messages };
}

const loaded = await loadPresets(presetNames());
t.same(loaded.errors, []);
t.equal(loaded.sets.length, presetNames().length, 'every preset loads');
t.ok(loaded.sets.length >= 24, 'at least the 24 presets');

for (const set of loaded.sets) {
  const preset = set.origin.replace(/^preset /, '');
  const warning = `jes-metrics-pipe: warning: --preset ${preset} recognised none of its tool's output: nothing from it is sent`;
  t.test(`--preset ${preset}`, async (t) => {
    t.ok(set.marks !== undefined && set.marks.length > 0, 'it has marks:');
    t.not(new LineRules([set]).gates(), null, 'its line marks have literal words: the pre-filter still skips lines');
    const nothing = async (what: string, input: string): Promise<void> => {
      const got = await run(set, input);
      t.equal(got.series, 0, `${what}: nothing sent`);
      t.ok(
        got.messages.some((m) => m.startsWith(warning)),
        `${what}: says so (${got.messages.at(-1) ?? 'no message'})`,
      );
    };
    await nothing('empty input', '');
    for (const name of TOOL_ERRORS[preset] ?? []) {
      const r = recordings.find((x) => x.name === name);
      t.ok(r, `${name} is recorded`);
      if (r) await nothing(`its tool's error output ${name}`, r.input);
    }
    for (const r of recordings) {
      const owner = ownerOf(r.name);
      if (owner === preset || ALSO[r.name]?.includes(preset)) {
        if (TOOL_ERRORS[preset]?.includes(r.name)) continue;
        const got = await run(set, r.input);
        t.notOk(
          got.messages.some((m) => m.includes('recognised none')),
          `its own tool's ${r.name}: recognised`,
        );
        t.ok(got.series > 0, `its own tool's ${r.name}: something sent`);
      } else await nothing(`another tool's ${r.name}`, r.input);
    }
  });
}
