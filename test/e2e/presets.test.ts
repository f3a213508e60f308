// --preset through the whole program (in process; the built CLI for wrap mode and module loading):
// list, unknown names, the integration it names, auto in wrap
// mode, combined with --pattern, and that a run without --preset never loads YAML.
import t from 'tap';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanEnv, runCli } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'presets-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('--preset list prints the presets by group, one line each, and reads no input', async (t) => {
  const r = await runCli(['--preset', 'list']);
  t.equal(r.status, 0);
  const lines = r.stdout.toString('utf8').trimEnd().split('\n');
  t.ok(lines.filter((l) => l.startsWith('  ')).length >= 18, `${lines.length} presets`);
  t.match(lines.join('\n'), /^Test runners and coverage:\n(?: {2}.*\n)*? {2}junit\s+JUnit XML/m);
  t.equal(r.stderr, '');
});

t.test('an unknown preset: exit status 2, the known ones named, the input still passed through', async (t) => {
  const r = await runInProcess(['--preset', 'k7', '--dry-run'], { input: 'x\n' });
  t.equal(r.status, 2);
  t.equal(r.stdout.toString(), 'x\n');
  t.match(r.stderr, /--preset k7: no such preset \(one of: ab, /);
});

t.test('one preset names the integration; --integration still wins', async (t) => {
  const input = '==== 1 failed, 2 passed in 0.50s ====\n';
  const named = await runInProcess(['--preset', 'pytest', '--dry-run'], { input });
  t.equal(named.status, 0, named.stderr);
  t.match(named.stderr, /PUT \/metrics\/job\/job-executor-service\/integration\/pytest\n/);
  t.match(named.stderr, /keptn_pytest_test_outcomes\{ci_platform="keptn",outcome="failed"\} 1\n/);
  t.match(named.stderr, /keptn_pytest_test_outcomes\{ci_platform="keptn",outcome="error"\} 0\n/);
  const own = await runInProcess(['--preset', 'pytest', '--integration', 'unit', '--dry-run'], { input });
  t.match(own.stderr, /keptn_unit_test_duration_seconds\{ci_platform="keptn"\} 0.5\n/);
});

t.test(
  'several presets without --integration: each keeps its own names; the run is named after all of them',
  async (t) => {
    // pytest's summary line, then c8's text-summary (test/fixtures/recorded/c8-text-summary).
    const input =
      '==== 1 failed, 2 passed in 0.50s ====\n' +
      readFileSync(new URL('../fixtures/recorded/c8-text-summary/input', import.meta.url), 'utf8');
    const r = await runInProcess(['--preset', 'pytest', '--preset', 'coverage', '--dry-run'], { input });
    t.equal(r.status, 0, r.stderr);
    t.notMatch(r.stderr, /--integration NAME .* is required/);
    t.match(r.stderr, /PUT \/metrics\/job\/job-executor-service\/integration\/pytest_coverage\n/);
    t.match(r.stderr, /keptn_pytest_test_outcomes\{ci_platform="keptn",outcome="failed"\} 1\n/);
    t.match(r.stderr, /keptn_coverage_covered_ratio\{ci_platform="keptn",kind="lines"\} 0\.909\n/);
    t.notMatch(r.stderr, /keptn_pytest_covered|keptn_coverage_test_outcomes|keptn_pytest_coverage_/);
    t.notMatch(r.stderr, /is sent as/);
    // --integration names every series, as before.
    const own = await runInProcess(
      ['--preset', 'pytest', '--preset', 'coverage', '--integration', 'unit', '--dry-run'],
      { input },
    );
    t.equal(own.status, 0, own.stderr);
    t.match(own.stderr, /keptn_unit_test_outcomes\{ci_platform="keptn",outcome="failed"\} 1\n/);
    t.match(own.stderr, /keptn_unit_covered_ratio\{ci_platform="keptn",kind="lines"\} 0\.909\n/);
  },
);

t.test('--preset with --pattern: both read the input; the default parsers stay off', async (t) => {
  const input = 'build took 12.5s\ncache_hits=3\n==== 4 passed in 1.00s ====\n';
  const r = await runInProcess(
    ['--preset', 'pytest', '--pattern', 'build_seconds=^build took (?<value>[\\d.]+)s$', '--dry-run'],
    { input },
  );
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /keptn_pytest_build_seconds\{ci_platform="keptn"\} 12.5\n/);
  t.match(r.stderr, /keptn_pytest_test_outcomes\{ci_platform="keptn",outcome="passed"\} 4\n/);
  t.notMatch(r.stderr, /cache_hits/);
  const withKv = await runInProcess(['--preset', 'pytest', '--parsers', 'kv', '--dry-run'], { input });
  t.match(withKv.stderr, /keptn_pytest_cache_hits\{ci_platform="keptn"\} 3\n/);
});

t.test('--preset auto in wrap mode picks the preset from the tool and says so', async (t) => {
  const tool = join(dir, 'pytest');
  writeFileSync(tool, '#!/bin/sh\necho "==== 3 passed, 1 skipped in 0.20s ===="\n');
  chmodSync(tool, 0o755);
  const r = await runCli(['--preset', 'auto', '--dry-run', '--', tool, '-q']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /--preset auto: using preset pytest for /);
  t.match(r.stderr, /keptn_pytest_test_outcomes\{ci_platform="keptn",outcome="skipped"\} 1\n/);
  const none = await runCli(['--preset', 'auto', '--dry-run', '--', 'true']);
  t.equal(none.status, 2);
  t.match(none.stderr, /--preset auto: no preset for "true"/);
});

t.test('--preset auto in filter mode chooses by content: the marks seen decide, and it says which', async (t) => {
  const fixture = (name: string): string =>
    readFileSync(new URL(`../fixtures/recorded/${name}/input`, import.meta.url), 'utf8');
  // jest's text summary with its coverage table: two presets fit; each keeps its own names.
  const both = await runInProcess(['--preset', 'auto', '--dry-run'], { input: fixture('jest-coverage-text') });
  t.equal(both.status, 0, both.stderr);
  t.equal(both.stdout.toString(), fixture('jest-coverage-text'), 'passthrough intact');
  // (jest's `Expected: 3` lines are not Prometheus text: the default parsers read nothing here.)
  t.match(both.stderr, /--preset auto: chose coverage, jest \(a mark of its tool's output was seen\)\n/);
  t.match(both.stderr, /PUT \/metrics\/job\/job-executor-service\/integration\/auto\n/);
  t.match(both.stderr, /keptn_jest_test_outcomes\{ci_platform="keptn",outcome="failed"\} 1\n/);
  t.match(both.stderr, /keptn_coverage_covered_ratio\{ci_platform="keptn",kind="lines"\} 1\n/);
  t.notMatch(
    both.stderr,
    /keptn_auto_Expected_\{|keptn_auto_Received_\{|recognised none/,
    "the default parsers' junk and the other presets' warnings are gone",
  );
  // go test -json: go-test is chosen; go-bench read the Output lines but its marks were not seen.
  const go = await runInProcess(['--preset', 'auto', '--dry-run'], { input: fixture('go-test-json') });
  t.match(
    go.stderr,
    /--preset auto: chose go-test .*; came close: go-bench \(its rules read \d+ series, but none of its marks: was seen\)/,
  );
  t.match(go.stderr, /keptn_go_test_test_outcomes\{ci_platform="keptn",outcome="passed"\} 3\n/);
  t.notMatch(go.stderr, /keptn_go_bench_/);
  // Nothing a preset knows: said, and the default parsers read the input as without --preset.
  const plain = await runInProcess(['--preset', 'auto', '--integration', 'app', '--dry-run'], {
    input: 'cache_hits=3\n',
  });
  t.equal(plain.status, 0, plain.stderr);
  t.match(
    plain.stderr,
    /--preset auto: no preset recognised the input; the default parsers read it, as without --preset\n/,
  );
  t.match(plain.stderr, /keptn_app_cache_hits\{ci_platform="keptn"\} 3\n/);
  // A long log: the presets read its first and last 64 KB; a summary in the middle is not read.
  const filler = 'INFO request served in 3 ms\n'.repeat(6000);
  const long = await runInProcess(['--preset', 'auto', '--dry-run'], {
    input: filler + '==== 1 failed, 2 passed in 0.50s ====\n' + filler + fixture('jest-text'),
  });
  t.equal(long.status, 0, long.stderr);
  t.match(long.stderr, /--preset auto: chose jest \(/);
  t.match(long.stderr, /keptn_jest_tests\{ci_platform="keptn"\} 7\n/);
  t.notMatch(long.stderr, /keptn_pytest_/);
  // A preset chosen: what the default parsers read besides is not sent, and that is said.
  const mixed = await runCli(['--preset', 'auto', '--dry-run'], { input: `cache_hits=3\n${fixture('jest-text')}` });
  t.equal(mixed.status, 0, mixed.stderr);
  t.match(
    mixed.stderr,
    /--preset auto: chose jest \(a mark of its tool's output was seen\); the default parsers' 1 series are not sent/,
  );
  t.match(mixed.stderr, /keptn_jest_tests\{ci_platform="keptn"\} 7\n/);
  t.notMatch(mixed.stderr, /cache_hits/, "the default parsers' series is dropped");
  // --explain says the choice too.
  const explained = await runInProcess(['--preset', 'auto', '--explain'], { input: fixture('mocha-spec') });
  t.match(explained.stderr, /--preset auto chose mocha/);
});

t.test('--preset auto keeps up to 8 MiB as a document; a named preset up to 32 MiB', async (t) => {
  // cloc's recorded report with 9 MiB more in its header (a field the preset leaves out).
  const report = JSON.parse(
    readFileSync(new URL('../fixtures/recorded/cloc-json/input', import.meta.url), 'utf8'),
  ) as Record<string, Record<string, unknown>>;
  (report.header as Record<string, unknown>).padding = 'x'.repeat(9 * 1024 * 1024);
  const input = JSON.stringify(report);
  const auto = await runInProcess(['--preset', 'auto', '--dry-run'], { input });
  t.equal(auto.status, 0, auto.stderr.slice(0, 2000));
  t.ok(auto.stdout.equals(Buffer.from(input)), 'the input passed through whole');
  t.match(
    auto.stderr,
    /the input is over 8388608 bytes; it was not parsed as a JSON or XML document \(--preset auto keeps up to 8388608 bytes as a document; a named --preset, up to 33554432\)/,
  );
  t.notMatch(auto.stderr, /code_lines/);
  const named = await runInProcess(['--preset', 'cloc', '--dry-run'], { input });
  t.equal(named.status, 0, named.stderr.slice(0, 2000));
  t.notMatch(named.stderr, /not parsed as a JSON or XML document/);
  t.match(named.stderr, /keptn_cloc_code_lines\{ci_platform="keptn"\} \d+\n/);
  // auto beside a rule file or preset of the user's that wants the document: 32 MiB, as for them.
  const both = await runInProcess(['--preset', 'auto', '--preset', 'cloc', '--dry-run'], { input });
  t.notMatch(both.stderr, /not parsed as a JSON or XML document/);
  t.match(both.stderr, /keptn_\w+_code_lines\{ci_platform="keptn"\} \d+\n/);
});

/** Runs the CLI with a preload that writes, at exit, the CommonJS modules it loaded. */
function loadedModules(args: string[], input: string): Promise<string[]> {
  const file = join(dir, `loaded-${args.length}.txt`);
  const preload = join(dir, 'preload.cjs');
  writeFileSync(
    preload,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(file)}, Object.keys(require('node:module')._cache).join('\\n')));\n`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, CLI, ...args], {
      env: cleanEnv(),
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.on('error', reject);
    child.on('close', () => resolve(readFileSync(file, 'utf8').split('\n')));
    child.stdin.end(input);
  });
}

t.test(
  'YAML is loaded lazily: not for presets (compiled from JSON at build time), only for a YAML rule file',
  async (t) => {
    const without = await loadedModules(['--integration', 'x', '--dry-run'], 'a=1\n');
    t.ok(without.length > 0, 'the preload recorded the modules');
    t.notOk(
      without.some((m) => m.includes('/node_modules/yaml/')),
      'no --preset: yaml not loaded',
    );
    const withPreset = await loadedModules(['--preset', 'pytest', '--dry-run'], '== 1 passed in 0.1s ==\n');
    t.ok(withPreset.length > 0, 'the preload recorded the modules');
    t.notOk(
      withPreset.some((m) => m.includes('/node_modules/yaml/')),
      '--preset: yaml not loaded (scripts/presets.js embeds each preset as JSON too)',
    );
    const rules = join(dir, 'rules.yaml');
    writeFileSync(rules, "version: 1\nrules:\n  - pattern: 'a=(?<value>\\d+)'\n    name: a\n");
    const withYaml = await loadedModules(['--integration', 'x', '--rules', rules, '--dry-run'], 'a=1\n');
    t.ok(
      withYaml.some((m) => m.includes('/node_modules/yaml/')),
      '--rules rules.yaml: yaml loaded',
    );
  },
);

t.test(
  "in wrap mode a preset's numbers do not collide with the run metrics (duration_seconds, exit_code)",
  async (t) => {
    const tool = join(dir, 'pytest');
    writeFileSync(tool, '#!/bin/sh\necho "==== 2 passed in 0.30s ===="\n');
    chmodSync(tool, 0o755);
    const r = await runCli(['--preset', 'pytest', '--dry-run', '--', tool]);
    t.equal(r.status, 0, r.stderr);
    t.notMatch(r.stderr, /was set to/);
    t.match(r.stderr, /keptn_pytest_test_duration_seconds\{ci_platform="keptn"\} 0.3\n/);
    t.match(r.stderr, /keptn_pytest_duration_seconds\{ci_platform="keptn"\} [\d.]+\n/);
  },
);
