// --metrics-report and --slo-junit through the built CLI: the files GitLab, Jenkins and GitHub's
// test reporters read. The metrics report is checked with `promtool check metrics`, the JUnit
// file against the JUnit XSD of Jenkins' xunit plugin (test/fixtures/schemas/junit-10.xsd) with
// xmllint (Debian libxml2-utils). Both are written when the push fails and when the gate fails;
// a path that cannot be written is exit 2 at the start, and a FIFO never makes the run wait.

import t from 'tap';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { runCli } from '../support/cli.js';
import { checkMetrics } from '../support/promtool.js';
import { junitReport, xmlEscape } from '../../lib/gate/junit.js';
import { outputFileProblem, type OutputFs } from '../../lib/files.js';
import { withoutContextLabels } from '../../lib/cli/run/ci-reports.js';
import type { Evaluation } from '../../lib/gate/evaluate.js';
import type { SloSpec } from '../../lib/gate/slo-file.js';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const XSD = join(ROOT, 'test/fixtures/schemas/junit-10.xsd');
const dir = mkdtempSync(join(tmpdir(), 'ci-reports-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const SLO = `spec_version: "1.0"
comparison:
  compare_with: single_result
  number_of_comparison_results: 1
objectives:
  - sli: cost
    displayName: "Monthly <cost> & \\"more\\""
    key_sli: true
    pass:
      - criteria: ["<=250"]
  - sli: p95
    pass:
      - criteria: ["<0.5"]
    warning:
      - criteria: ["<=0.8"]
  - sli: errors
total_score:
  pass: "90%"
  warning: "75%"
`;
const sloFile = join(dir, 'slo.yaml');
writeFileSync(sloFile, SLO);

async function xmllint(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const r = await execFileAsync('xmllint', ['--noout', '--schema', XSD, file]);
    return { ok: true, output: r.stderr };
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    return { ok: false, output: e.stderr ?? e.message };
  }
}

const haveXmllint = (() => {
  try {
    execFileSync('xmllint', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

t.test(
  'a failed gate: JUnit with one test case per objective (valid against the XSD), a metrics report promtool accepts',
  async (t) => {
    const junit = join(dir, 'gate.xml');
    const metrics = join(dir, 'metrics.txt');
    const input = 'cost=300\np95=0.7\nerrors=3\nrequests{route="/a b"} 12\n';
    const r = await runCli(
      ['--integration', 'demo', '--dry-run', '--slo', sloFile, '--slo-junit', junit, '--metrics-report', metrics],
      {
        input,
        env: { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'octo/repo', GITHUB_WORKFLOW: 'ci', GITHUB_JOB: 'load' },
      },
    );
    t.equal(r.status, 4, 'the gate failed: exit 4');
    t.equal(r.stdout.toString(), input, 'the input passed through');

    const xml = readFileSync(junit, 'utf8');
    t.match(
      xml,
      /<testsuite name="quality gate [^"]*slo\.yaml" tests="4" failures="2" errors="0" skipped="1"/,
      'counts: 3 objectives + total; 2 failed, 1 skipped',
    );
    t.match(
      xml,
      /<testcase name="Monthly &lt;cost&gt; &amp; &quot;more&quot; \(cost\) \[key\]"[^>]*>\s*<failure type="slo-objective-failed" message="300 violates pass: &lt;=250/,
    );
    t.match(
      xml,
      /value: 300\nbaseline: none\npass: &lt;=250 \(target 250\) violated\nscore: 0\/1 \(key SLI\)<\/failure>/,
      'value, baseline, criteria',
    );
    t.match(xml, /<testcase name="p95"[^>]*>\s*<system-out>result: warning/, 'a warning passes, and says so');
    t.match(xml, /<testcase name="errors"[^>]*>\s*<skipped message="informative objective/, 'informative: skipped');
    t.match(
      xml,
      /<testcase name="total score"[^>]*>\s*<failure type="slo-gate-failed"/,
      'the total fails with the gate',
    );
    if (haveXmllint) {
      const v = await xmllint(junit);
      t.ok(v.ok, `xmllint --schema junit-10.xsd: ${v.output.trim()}`);
    } else t.fail('xmllint (Debian libxml2-utils) is not installed');

    const text = readFileSync(metrics, 'utf8');
    t.match(text, /^keptn_demo_cost 300$/m, 'name value, without the context labels');
    t.match(text, /^keptn_demo_requests\{route="\/a b"\} 12$/m, "the series' own labels stay");
    t.match(text, /^keptn_demo_slo_score 25$/m, "the gate's score is in");
    t.notMatch(text, /ci_platform|ci_repository/, 'no CI context label');
    const check = await checkMetrics(text);
    t.equal(check.code, 0, `promtool check metrics: ${check.output}`);
  },
);

t.test('both files are written when the push fails', async (t) => {
  const junit = join(dir, 'push-failed.xml');
  const metrics = join(dir, 'push-failed.txt');
  // Nothing listens on port 9 of 127.0.0.1 (discard; refused).
  const r = await runCli(
    [
      '--integration',
      'demo',
      '--pushgateway',
      'http://127.0.0.1:9',
      '--timeout',
      '1s',
      '--deadline',
      '2s',
      '--slo',
      sloFile,
      '--slo-junit',
      junit,
      '--metrics-report',
      metrics,
    ],
    { input: 'cost=100\np95=0.1\n' },
  );
  t.match(r.stderr, /pushgateway/i);
  t.ok(existsSync(junit) && existsSync(metrics), 'both written');
  t.match(readFileSync(metrics, 'utf8'), /^keptn_demo_cost 100$/m);
  t.match(readFileSync(junit, 'utf8'), /<property name="result" value="pass"\/>/);
  t.equal(r.status, 0, 'a push failure alone does not fail the run (no --fail-on-push-error)');
});

t.test('a path that cannot be written: exit 2 at the start, the input still passes through', async (t) => {
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  for (const [args, message] of [
    [['--metrics-report', join(dir, 'no/such/folder/m.txt')], /--metrics-report .*: the folder .* does not exist/],
    [['--metrics-report', dir], /--metrics-report .*: is a folder/],
    [['--metrics-report', fifo], /--metrics-report .*: is a FIFO/],
    [['--slo', sloFile, '--slo-junit', fifo], /--slo-junit .*: is a FIFO/],
    [['--slo-junit', join(dir, 'j.xml')], /--slo-junit needs --slo FILE/],
  ] as const) {
    const started = Date.now();
    const r = await runCli(['--integration', 'demo', '--dry-run', ...args], { input: 'cost=1\n' });
    t.equal(r.status, 2, `${args.join(' ')}: exit 2`);
    t.match(r.stderr, message);
    t.equal(r.stdout.toString(), 'cost=1\n', 'passthrough');
    t.ok(Date.now() - started < 10_000, 'did not wait');
  }
});

t.test('outputFileProblem: a table', async (t) => {
  const stat = (kind: 'file' | 'dir' | 'fifo' | 'socket' | 'char' | 'full' | 'block') => ({
    isFile: () => kind === 'file',
    isDirectory: () => kind === 'dir',
    isFIFO: () => kind === 'fifo',
    isSocket: () => kind === 'socket',
    isCharacterDevice: () => kind === 'char' || kind === 'full',
    rdev: kind === 'char' ? 259 : kind === 'full' ? 263 : 0,
  });
  const fs = (paths: Record<string, Parameters<typeof stat>[0]>, writable = true): OutputFs => ({
    stat: (p) => (paths[p] ? stat(paths[p]) : undefined),
    writable: () => writable,
    nullDevice: () => 259,
  });
  const cases: [string, OutputFs, RegExp | undefined][] = [
    ['out/m.txt', fs({ out: 'dir' }), undefined],
    ['out/m.txt', fs({ out: 'dir', 'out/m.txt': 'file' }), undefined],
    ['/dev/null', fs({ '/dev': 'dir', '/dev/null': 'char' }), undefined],
    ['/dev/full', fs({ '/dev': 'dir', '/dev/full': 'full' }), /is a device/],
    ['out/m.txt', fs({ out: 'dir', 'out/m.txt': 'file' }, false), /cannot be written/],
    ['out/m.txt', fs({}), /the folder out does not exist/],
    ['out/m.txt', fs({ out: 'file' }), /out is not a folder/],
    ['out/m.txt', fs({ out: 'dir' }, false), /is not writable/],
    ['out/m.txt', fs({ out: 'dir', 'out/m.txt': 'fifo' }), /is a FIFO/],
    ['out/m.txt', fs({ out: 'dir', 'out/m.txt': 'socket' }), /is a socket/],
    ['out/m.txt', fs({ out: 'dir', 'out/m.txt': 'block' }), /is not a regular file/],
    ['out', fs({ out: 'dir' }), /is a folder/],
    [' ', fs({}), /needs a file name/],
  ];
  for (const [path, f, want] of cases) {
    const got = outputFileProblem('--x', path, f);
    if (want === undefined) t.equal(got, undefined, `${path}: fine`);
    else t.match(got, want, `${path}: ${String(want)}`);
  }
});

t.test('junitReport: XML escaping, and a gate without objectives', async (t) => {
  t.equal(xmlEscape('a<b>&"c\'\u0001'), 'a&lt;b&gt;&amp;&quot;c&apos;\ufffd');
  const spec = { file: 'slo.yaml', objectives: [], totalScore: { pass: 90 } } as unknown as SloSpec;
  const e: Evaluation = { result: 'pass', score: 100, indicatorResults: [] };
  const xml = junitReport(e, spec, { timestamp: '2026-12-06T10:00:00Z', seconds: 1.5 });
  t.match(xml, /tests="1" failures="0" errors="0" skipped="0" time="1\.500" timestamp="2026-12-06T10:00:00Z"/);
  t.match(xml, /quality gate: pass, total score 100\/100 \(pass ≥ 90\)/);
  const file = join(dir, 'empty.xml');
  writeFileSync(file, xml);
  if (haveXmllint) t.ok((await xmllint(file)).ok, 'valid');
});

t.test('withoutContextLabels: only labels equal to the run context go', async (t) => {
  const series = [
    { name: 'a', labels: { ci_platform: 'github_actions', team: 'x', route: '/' }, value: 1, type: 'gauge' as const },
  ];
  t.same(withoutContextLabels(series, { ci_platform: 'github_actions', team: 'y' })[0]!.labels, {
    team: 'x',
    route: '/',
  });
});
