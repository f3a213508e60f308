// The quality gate through the whole program, in process (test/support/in-process.ts), on
// recorded tool output (test/fixtures/tools/, with the cases' own --pattern/--json-path rules):
// the repository's Keptn SLO and SLI files, exit statuses 0, 2 and 4, the input passed through
// whatever the gate says, the step summary and the JSON report. No network: --dry-run.

import t from 'tap';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInProcess } from '../support/in-process.js';
import { loadGoldenCase, TOOLS_DIR } from '../support/golden.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The cases name the repository's files by relative paths, as a job run from its checkout does.
process.chdir(ROOT);
const k6 = loadGoldenCase(join(TOOLS_DIR, 'k6-summary'), 'k6-summary');
const infracost = loadGoldenCase(join(TOOLS_DIR, 'infracost-breakdown-json'), 'infracost-breakdown-json');
const k6Full = await readFile(join(TOOLS_DIR, 'preset-k6-full', 'input'));
const goBench = await readFile(join(TOOLS_DIR, 'preset-go-bench-text', 'input'));
const dir = await mkdtemp(join(tmpdir(), 'slo-gate-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const run = (c: typeof k6, extra: string[], env: Record<string, string> = {}) =>
  runInProcess([...c.args, '--dry-run', ...extra], { input: c.input, env: { ...c.env, ...env } });

t.test(
  'examples/keptn/slo.yaml and sli.yaml: each tool gives one of the two SLIs, the other has no value',
  async (t) => {
    // These files name the presets' series (keptn_k6_http_req_duration_seconds{stat="p95"}, keptn_infracost_monthly_cost).
    for (const [c, preset, has, value, missing] of [
      [k6, 'k6', 'response_time_p95', '0.41', 'monthly_cost'],
      [infracost, 'infracost', 'monthly_cost', '228.13', 'response_time_p95'],
    ] as const) {
      const report = join(dir, `${c.name}.json`);
      const r = await runInProcess(
        [
          '--preset',
          preset,
          '--dry-run',
          '--slo',
          'examples/keptn/slo.yaml',
          '--sli',
          'examples/keptn/sli.yaml',
          '--slo-report',
          report,
        ],
        {
          input: c.input,
          env: c.env,
        },
      );
      t.equal(r.status, 4, `${c.name}: a failed gate exits 4`, { stderr: r.stderr });
      t.ok(r.stdout.equals(c.input), `${c.name}: the input passed through byte for byte`);
      t.match(
        r.stderr,
        new RegExp(`${has}\\s+${value.replace('.', '\\.')}\\s+-\\s+pass <\\S+ ✓\\s+1/1\\s+pass`),
        `${c.name}: ${has} passes`,
      );
      t.match(r.stderr, new RegExp(`${missing}\\s+no value`), `${c.name}: ${missing} has no value`);
      t.match(
        r.stderr,
        /; quality gate: fail, score 50\/100 \(score 50 is below the warning target 75%\)\n$/,
        "the total is the summary's last part",
      );
      t.match(
        r.stderr,
        new RegExp(
          `keptn_${c.name.startsWith('k6') ? 'k6' : 'infracost'}_slo_score\\{ci_platform="keptn"[^}]*\\} 50\\n`,
        ),
        'the score is pushed',
      );
      const json = JSON.parse(await readFile(report, 'utf8')) as {
        result: string;
        score: number;
        indicatorResults: Array<{
          status: string;
          value: { metric: string; success: boolean };
          passTargets: unknown[];
        }>;
      };
      t.equal(json.result, 'fail');
      t.equal(json.score, 50);
      t.same(
        json.indicatorResults.map((i) => [i.value.metric, i.status, i.value.success]),
        [
          ['monthly_cost', has === 'monthly_cost' ? 'pass' : 'fail', has === 'monthly_cost'],
          ['response_time_p95', has === 'response_time_p95' ? 'pass' : 'fail', has === 'response_time_p95'],
        ],
      );
    }
  },
);

t.test(
  'examples/keptn/slo-k6.yaml and sli-k6.yaml work with --preset k6: the recorded run passes, a slowed one fails',
  async (t) => {
    const summary = join(dir, 'step-summary.md');
    await writeFile(summary, '# earlier step\n');
    const args = [
      '--preset',
      'k6',
      '--dry-run',
      '--slo',
      'examples/keptn/slo-k6.yaml',
      '--sli',
      'examples/keptn/sli-k6.yaml',
    ];
    const r = await runInProcess(args, { input: k6Full, env: { GITHUB_STEP_SUMMARY: summary } });
    t.equal(r.status, 0, 'a passed gate exits 0', { stderr: r.stderr });
    t.match(
      r.stderr,
      /Response time p95 \(s\) \(response_time_p95\)\s+0\.15\s+no baseline\s+pass <=\+10% \(no baseline\) ✓, <0\.5 ✓; warning <=0\.8 ✓; regression t_test 99% \(not judged: 0 earlier results, min_samples is 5\)\s+2\/2\s+pass/,
    );
    t.match(r.stderr, /http_req_failed \(key\)\s+0\s+-\s+pass =0 ✓; warning <0\.01 ✓\s+1\/1\s+pass/);
    t.match(r.stderr, /checks\s+1\s+-\s+pass >=0\.95 ✓/);
    t.match(r.stderr, /http_reqs\s+65\s+-\s+\(informative\)\s+-\s+info/);
    t.notMatch(r.stderr, /no value/, 'every SLI has a value');
    t.match(
      r.stderr,
      /--dry-run: the Pushgateway is not read, so relative criteria have no baseline/,
      'says why there is no baseline',
    );
    const md = await readFile(summary, 'utf8');
    t.match(md, /^# earlier step\n### ✅ Quality gate: pass \(score 100\/100\)\n/, 'appended, not replaced');
    t.match(
      md,
      /\| objective \| value \| baseline \| criteria \| score \| result \|\n\|---\|---\|---\|---\|---\|---\|\n\| Response time p95/,
    );

    const slowed = Buffer.from(k6Full.toString('utf8').replaceAll('p(95)=145.17ms', 'p(95)=945.17ms'));
    const slow = await runInProcess(args, { input: slowed });
    t.equal(slow.status, 4, 'p95 945 ms: over the 800 ms warning, 2 of 4 points: the gate fails', {
      stderr: slow.stderr,
    });
    t.match(
      slow.stderr,
      /Response time p95 \(s\) \(response_time_p95\)\s+0\.95\s+.*<0\.5 ✗; warning <=0\.8 ✗.*0\/2\s+fail/,
    );
  },
);

t.test('examples/keptn/slo-go-bench.yaml and sli-go-bench.yaml work with --preset go-bench', async (t) => {
  const md = join(dir, 'go-bench.md');
  const r = await runInProcess(
    [
      '--preset',
      'go-bench',
      '--dry-run',
      '--slo',
      'examples/keptn/slo-go-bench.yaml',
      '--sli',
      'examples/keptn/sli-go-bench.yaml',
      '--slo-markdown',
      md,
    ],
    { input: goBench },
  );
  t.equal(r.status, 0, { stderr: r.stderr });
  t.match(
    r.stderr,
    /Sum of ns\/op \(s\) \(total_op_seconds\) \(key\)\s+0\.00000194\d\s+no baseline/,
    'every SLI has a value',
  );
  t.match(r.stderr, /allocations\s+3\s+no baseline/);
  t.notMatch(r.stderr, /no value/);
  t.match(await readFile(md, 'utf8'), /### ✅ Quality gate: pass/, '--slo-markdown gets the table');
});

t.test('a warning exits 0, or 4 with --slo-fail-on-warning', async (t) => {
  const slo = join(dir, 'warn.yaml');
  await writeFile(
    slo,
    'spec_version: "1.0"\nobjectives:\n  - sli: http_req_duration_p95_ms\n    pass: [{criteria: ["<400"]}]\n    warning: [{criteria: ["<500"]}]\n  - sli: checks_percent\n    pass: [{criteria: [">=95"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
  );
  const warned = await run(k6, ['--slo', slo]);
  t.equal(warned.status, 0, 'a warning exits 0', { stderr: warned.stderr });
  t.match(warned.stderr, /quality gate: warning, score 75\/100/);
  const strict = await run(k6, ['--slo', slo, '--slo-fail-on-warning']);
  t.equal(strict.status, 4);
  t.match(strict.stderr, /error: quality gate: warning.*--slo-fail-on-warning: exit status 4/);
});

t.test('a malformed SLO file is a usage error at the start (exit 2), the input still passes through', async (t) => {
  const bad = join(dir, 'bad.yaml');
  await writeFile(
    bad,
    'spec_version: "1.0"\nobjectives:\n  - sli: http_reqs\n    pass: [{criteria: [">=100"]}]\n  - sli: response_time_p95\n    pass:\n      - criteria: ["<=+10%", "<=fast"]\ntotal_score: {pass: "90%"}\n',
  );
  const r = await run(k6, ['--slo', bad]);
  t.equal(r.status, 2);
  t.ok(r.stdout.equals(k6.input), 'passed through');
  t.match(
    r.stderr,
    new RegExp(
      `error: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: objectives\\[1\\] \\(sli response_time_p95\\): pass\\[0\\]\\.criteria\\[1\\]: "<=fast"`,
    ),
  );
  t.ok(r.stderr.indexOf('error:') < r.stderr.indexOf('nothing will be pushed'), 'said before the input is read');
  t.notMatch(r.stderr, /# pushgateway:/, 'nothing pushed');
  const missing = await run(k6, ['--slo', join(dir, 'nope.yaml')]);
  t.equal(missing.status, 2);
  t.match(missing.stderr, /cannot read the SLO file \(--slo\) .*nope\.yaml: ENOENT/);
  const yaml = join(dir, 'broken.yaml');
  await writeFile(yaml, 'objectives: [\n');
  t.match((await run(k6, ['--slo', yaml])).stderr, /broken\.yaml: not valid YAML/);
  const sli = join(dir, 'sli.yaml');
  await writeFile(sli, 'indicators:\n  response_time_p95: rate(x[5m])\n');
  const badSli = await run(k6, ['--slo', 'examples/keptn/slo-k6.yaml', '--sli', sli]);
  t.equal(badSli.status, 2);
  t.match(badSli.stderr, /sli\.yaml: indicators\.response_time_p95: "rate\(x\[5m\]\)": only max, min, avg, sum, count/);
  t.match((await run(k6, ['--sli', sli])).stderr, /--sli needs --slo FILE/);
});

t.test("wrap mode: a failing tool's status wins over the gate's 4", async (t) => {
  const slo = join(dir, 'fail.yaml');
  await writeFile(
    slo,
    'spec_version: "1.0"\nobjectives: [{sli: v, pass: [{criteria: ["<1"]}]}]\ntotal_score: {pass: "90%"}\n',
  );
  const node = process.execPath;
  const failing = await runInProcess(
    ['--integration', 't', '--dry-run', '--slo', slo, '--', node, '-e', 'console.log("v=5"); process.exit(3)'],
    {},
  );
  t.equal(failing.status, 3, "the tool's 3", { stderr: failing.stderr });
  t.match(failing.stderr, /quality gate: fail/);
  const passing = await runInProcess(
    ['--integration', 't', '--dry-run', '--slo', slo, '--', node, '-e', 'console.log("v=5")'],
    {},
  );
  t.equal(passing.status, 4, 'the tool succeeded: the gate decides');
});

t.test(
  "--quiet: no table, but a failed gate still says so; --prefix names the SLI series and the gate's",
  async (t) => {
    const slo = join(dir, 'quiet.yaml');
    await writeFile(
      slo,
      'spec_version: "1.0"\nobjectives: [{sli: v, pass: [{criteria: ["<1"]}]}, {sli: acme_t_v, pass: [{criteria: ["<10"]}]}]\ntotal_score: {pass: "90%", warning: "50%"}\n',
    );
    const r = await runInProcess(['--integration', 't', '--prefix', 'acme_', '--dry-run', '--quiet', '--slo', slo], {
      input: 'v=5\n',
    });
    t.equal(r.status, 0, 'a warning (1 of 2) exits 0', { stderr: r.stderr });
    t.equal(r.stderr.includes('objective'), false, 'no table');
    const failing = await runInProcess(
      ['--integration', 't', '--prefix', 'acme_', '--dry-run', '--quiet', '--slo', slo],
      {
        input: 'v=50\n',
      },
    );
    t.equal(failing.status, 4);
    t.match(
      failing.stderr,
      /^jes-metrics-pipe: error: quality gate: fail, score 0\/100/m,
      'the error gets through --quiet',
    );
    const verbose = await runInProcess(['--integration', 't', '--prefix', 'acme_', '--dry-run', '--slo', slo], {
      input: 'v=5\n',
    });
    t.match(verbose.stderr, /^jes-metrics-pipe: acme_t_v\s+5\s/m, 'the full name with the prefix is an SLI too');
    t.match(verbose.stderr, /^acme_t_slo_score\{ci_platform="keptn"\} 50$/m);
  },
);

t.test('a preset that recognised nothing sends no zeros: its SLI has no value and fails its objective', async (t) => {
  // Issue 23: --preset pytest on cargo test's output (one test failed) used to send failed 0 and pass "no failed tests".
  const sli = join(dir, 'sli-pytest.yaml');
  const slo = join(dir, 'slo-pytest.yaml');
  await writeFile(
    sli,
    'spec_version: "1.0"\nindicators:\n  failed_tests: max(keptn_pytest_test_outcomes{outcome="failed"})\n',
  );
  await writeFile(
    slo,
    'spec_version: "1.0"\ncomparison:\n  compare_with: single_result\nobjectives:\n  - sli: failed_tests\n    pass:\n      - criteria:\n          - "<=0"\ntotal_score:\n  pass: "90%"\n  warning: "75%"\n',
  );
  const cargo = await readFile(join(ROOT, 'test/fixtures/recorded/cargo-test-failed/input'));
  const r = await runInProcess(['--preset', 'pytest', '--dry-run', '--slo', slo, '--sli', sli], { input: cargo });
  t.equal(r.status, 4, 'the gate fails (exit 4)', { stderr: r.stderr });
  t.ok(r.stdout.equals(cargo), 'the input passed through byte for byte');
  t.match(
    r.stderr,
    /--preset pytest recognised none of its tool's output: nothing from it is sent, not even its default: values\n/,
  );
  t.match(r.stderr, /failed_tests\s+no value/);
  t.notMatch(r.stderr, /^keptn_pytest_test_outcomes[{,]/m, 'no test_outcomes series at all');
  const own = await readFile(join(ROOT, 'test/fixtures/tools/preset-pytest-all-pass/input'));
  const pass = await runInProcess(['--preset', 'pytest', '--dry-run', '--slo', slo, '--sli', sli], { input: own });
  t.equal(
    pass.status,
    0,
    "pytest's own passing run: failed 0 is read (a default of a recognised preset), the gate passes",
    { stderr: pass.stderr },
  );
});
