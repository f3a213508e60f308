// The recipes under examples/ run the way their platform runs them, in dry-run mode, with
// stand-ins for k6/infracost/go that print those tools' recorded output:
// - JES job/config.yaml: cmd + args exec'd without a shell, env from the secret;
// - GitHub Actions `run:` and GitLab CI `script:` lines, and the shell one-liners, with dash;
// - the Prometheus scrape config through `promtool check config`, the SLI queries through
//   `promtool check rules`;
// - the pipefail trap docs/guide.md describes, shown on dash.

import t from 'tap';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { commands, makeSandbox, PACKAGE, ROOT, runCommand, runShell, type Sandbox } from './sandbox.js';

const execFileAsync = promisify(execFile);
const example = (p: string): string => readFileSync(join(ROOT, 'examples', p), 'utf8');
const keptn = { KEPTN_PROJECT: 'sockshop', KEPTN_STAGE: 'staging', KEPTN_SERVICE: 'carts' };

interface JesTask {
  name: string;
  image: string;
  files?: string[];
  env?: Array<{ name: string; valueFrom: string; value?: string }>;
  cmd: string[];
  args: string[];
}
interface JesConfig {
  apiVersion: string;
  actions: Array<{ name: string; events: Array<{ name: string }>; tasks: JesTask[] }>;
}

/** The secret's keys, as examples/jes/create-secret.sh creates them (run with a kubectl stand-in). */
async function secretKeys(sandbox: Sandbox): Promise<{ name: string; keys: string[] }> {
  const r = await runCommand('/bin/sh', [join(ROOT, 'examples', 'jes', 'create-secret.sh')], {
    env: sandbox.env({ DT_API_TOKEN: 'dt0c01.X.Y' }),
    cwd: sandbox.dir,
  });
  if (r.status !== 0) throw new Error(`create-secret.sh failed: ${r.stderr}`);
  const call = sandbox.kubectlCalls()[0] ?? [];
  return {
    name: call[3] ?? '',
    keys: call
      .filter((a) => a.startsWith('--from-literal='))
      .map((a) => a.slice('--from-literal='.length).split('=')[0]!),
  };
}

t.test('JES job/config.yaml recipes run as JES runs them', async (t) => {
  const sandbox = makeSandbox(t);
  const secret = await secretKeys(sandbox);
  t.same(
    secret.keys.sort(),
    ['DT_API_TOKEN', 'DT_TENANT', 'PROM_GATEWAY'],
    'the secret holds the settings the CLI reads',
  );
  // Values the secret would hold: real-looking settings; the CLI runs in dry-run mode.
  const secretEnv = {
    PROM_GATEWAY: '127.0.0.1:9091',
    DT_TENANT: 'https://abc12345.live.dynatrace.com',
    DT_API_TOKEN: 'dt0c01.SAMPLE.SECRET',
  };
  const expected: Record<string, { tool: string; lines: RegExp[] }> = {
    k6: {
      tool: 'k6',
      lines: [
        /^keptn_k6_http_req_duration_seconds\{ci_platform="keptn",stat="p95",test="carts-load"\} 0\.4129$/m,
        /^keptn_k6_http_reqs\{ci_platform="keptn",test="carts-load"\} 190$/m,
      ],
    },
    infracost: {
      tool: 'infracost',
      lines: [
        /^keptn_infracost_monthly_cost\{ci_platform="keptn",currency="USD"\} 228\.13$/m,
        /^keptn_infracost_detected_resources\{ci_platform="keptn"\} 7$/m,
      ],
    },
  };
  for (const [name, want] of Object.entries(expected)) {
    const config = parse(example(`jes/${name}/job/config.yaml`)) as JesConfig;
    t.equal(config.apiVersion, 'v2', `${name}: apiVersion v2`);
    const task = config.actions[0]!.tasks[0]!;
    t.ok(
      task.env?.some((e) => e.name === secret.name && e.valueFrom === 'secret'),
      `${name}: env from the secret "${secret.name}"`,
    );
    t.same(task.cmd, ['jes-metrics-pipe'], `${name}: the CLI is the command (no shell)`);
    const dashDash = task.args.indexOf('--');
    t.equal(task.args[dashDash + 1], want.tool, `${name}: wrap mode runs ${want.tool}`);
    const env = sandbox.env({ ...keptn, ...secretEnv });
    const r = await runCommand(join(sandbox.bin, task.cmd[0]!), task.args, { env, cwd: sandbox.dir });
    t.equal(r.status, 0, `${name}: exit status 0`, { stderr: r.stderr });
    t.notMatch(r.stderr, /warning|error/i, `${name}: no warning`, { stderr: r.stderr });
    const dryRun = sandbox.takeDryRun();
    t.match(
      dryRun,
      /^# pushgateway: PUT http:\/\/127\.0\.0\.1:9091\/metrics\/job\/job-executor-service\/integration\/\w+\/keptn_project\/sockshop\/keptn_stage\/staging\/keptn_service\/carts$/m,
      `${name}: the Pushgateway group`,
    );
    t.match(
      dryRun,
      /^# dynatrace: POST https:\/\/abc12345\.live\.dynatrace\.com\/api\/v2\/metrics\/ingest/m,
      `${name}: Dynatrace too`,
    );
    for (const line of want.lines) t.match(dryRun, line, `${name}: ${line.source}`);
    t.notMatch(dryRun + r.stderr, /SAMPLE\.SECRET/, `${name}: the token is not printed`);
    // The tool's failure is the job's failure: JES sees only the exit code.
    const failing = await runCommand(join(sandbox.bin, 'jes-metrics-pipe'), task.args, {
      env: { ...env, [`${want.tool.toUpperCase()}_EXIT`]: '99' },
      cwd: sandbox.dir,
    });
    t.equal(failing.status, 99, `${name}: a failing ${want.tool} fails the job`);
    sandbox.takeDryRun();
  }
});

t.test('GitHub Actions: the run steps', async (t) => {
  const sandbox = makeSandbox(t);
  const workflow = parse(example('github-actions/load-test.yml')) as {
    jobs: Record<string, { steps: Array<{ name?: string; run?: string; env?: Record<string, string> }> }>;
  };
  const steps = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .filter((s) => s.run !== undefined);
  const install = steps.find((s) => /npm install/.test(s.run!));
  t.equal(
    install?.run,
    `npm install --global ${PACKAGE.name}@${PACKAGE.version}`,
    'installs this version of the package',
  );
  const metrics = steps.filter((s) => /jes-metrics-pipe --/.test(s.run!));
  t.equal(metrics.length, 1);
  for (const step of metrics) {
    // GitHub evaluates ${{ secrets.X }} before the shell runs: a sample value stands in.
    const env = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, v.replace(/\$\{\{[^}]*\}\}/, '127.0.0.1:9091')]),
    );
    const r = await runCommand('/bin/bash', ['-e', '-c', step.run!], { env: sandbox.env(env), cwd: sandbox.dir });
    t.equal(r.status, 0, `${step.name}: exit status 0`, { stderr: r.stderr });
    const dryRun = sandbox.takeDryRun();
    t.match(
      dryRun,
      /^keptn_k6_http_req_duration_seconds\{ci_platform="github",stat="p95"\} 0\.4129$/m,
      'the p95 from the k6 summary, labelled github',
    );
    t.match(dryRun, /keptn_stage\/staging\/keptn_service\/carts$/m, 'grouped by the Keptn variables');
  }
});

t.test('GitHub Actions: the quality gate on a k6 run', async (t) => {
  const sandbox = makeSandbox(t);
  const workflow = parse(example('github-actions/quality-gate.yml')) as {
    jobs: Record<string, { steps: Array<{ name?: string; run?: string; env?: Record<string, string> }> }>;
  };
  const steps = Object.values(workflow.jobs)
    .flatMap((j) => j.steps)
    .filter((s) => s.run !== undefined);
  t.equal(
    steps.find((s) => /npm install/.test(s.run!))?.run,
    `npm install --global ${PACKAGE.name}@${PACKAGE.version}`,
    'installs this version of the package',
  );
  const step = steps.find((s) => /jes-metrics-pipe --/.test(s.run!))!;
  // The repository's SLO and SLI files, where the workflow expects them.
  mkdirSync(join(sandbox.dir, 'quality-gate'));
  writeFileSync(join(sandbox.dir, 'quality-gate', 'slo.yaml'), example('keptn/slo-k6.yaml'));
  writeFileSync(join(sandbox.dir, 'quality-gate', 'sli.yaml'), example('keptn/sli-k6.yaml'));
  const summary = join(sandbox.dir, 'step-summary.md');
  const env = Object.fromEntries(
    Object.entries(step.env ?? {}).map(([k, v]) => [k, v.replace(/\$\{\{[^}]*\}\}/, '127.0.0.1:9091')]),
  );
  const r = await runCommand('/bin/bash', ['-e', '-c', step.run!], {
    env: sandbox.env({ ...env, GITHUB_STEP_SUMMARY: summary }),
    cwd: sandbox.dir,
  });
  t.equal(r.status, 0, `${step.name}: the gate passes, exit status 0`, { stderr: r.stderr });
  t.match(r.stderr, /quality gate: pass, score 100\/100$/m);
  t.match(
    sandbox.takeDryRun(),
    /^keptn_k6_slo_result\{ci_platform="github"\} 1$/m,
    'the result is pushed with the metrics',
  );
  t.match(
    readFileSync(summary, 'utf8'),
    /^### ✅ Quality gate: pass \(score 100\/100\)$/m,
    'the job summary has the table',
  );
  const report = JSON.parse(readFileSync(join(sandbox.dir, 'slo-report.json'), 'utf8')) as {
    result: string;
    indicatorResults: unknown[];
  };
  t.same([report.result, report.indicatorResults.length], ['pass', 4], 'the artifact the next step uploads');
});

t.test('GitLab CI: the script lines', async (t) => {
  const sandbox = makeSandbox(t);
  const ci = parse(example('gitlab-ci/gitlab-ci.yml')) as Record<
    string,
    { image: { name: string; entrypoint: string[] }; variables: Record<string, string>; script: string[] }
  >;
  const job = ci.infracost!;
  t.same(job.image.entrypoint, [''], 'the image entrypoint is cleared (GitLab runs the script in a shell)');
  for (const line of job.script) {
    const r = await runShell(line, {
      env: sandbox.env({
        ...job.variables,
        DT_TENANT: 'https://abc12345.live.dynatrace.com',
        DT_API_TOKEN: 'dt0c01.SAMPLE.SECRET',
      }),
      cwd: sandbox.dir,
    });
    t.equal(r.status, 0, line, { stderr: r.stderr });
    t.match(
      sandbox.takeDryRun(),
      /^keptn_infracost_monthly_cost,ci_platform=gitlab,currency=USD,keptn_project=sockshop,keptn_service=infrastructure,keptn_stage=dev,\S* gauge,228\.13$/m,
      'the monthly cost for Dynatrace',
    );
  }
});

t.test('plain shell one-liners', async (t) => {
  const sandbox = makeSandbox(t);
  const lines = commands(example('shell/one-liners.sh'));
  t.ok(lines.length >= 3);
  for (const line of lines) {
    const r = await runShell(line, { env: sandbox.env(), cwd: sandbox.dir });
    t.equal(r.status, 0, line, { stderr: r.stderr });
    t.match(sandbox.takeDryRun(), /^keptn_\w+\{[^}]*\} [\d.]+$/m, 'metrics extracted');
  }
});

t.test('the pipefail trap, as docs/guide.md tells it, on dash', async (t) => {
  const sandbox = makeSandbox(t);
  const env = sandbox.env({ K6_EXIT: '99' });
  const pipefail = await runShell('set -o pipefail', { env, cwd: sandbox.dir });
  t.not(pipefail.status, 0, '/bin/sh has no pipefail');
  t.match(pipefail.stderr, /Illegal option -o pipefail/);
  const filtered = await runShell('k6 run load.js | jes-metrics-pipe --integration k6', { env, cwd: sandbox.dir });
  t.equal(filtered.status, 0, 'a failing k6 piped into the CLI: the pipe looks successful');
  const wrapped = await runShell('jes-metrics-pipe --integration k6 -- k6 run load.js', { env, cwd: sandbox.dir });
  t.equal(wrapped.status, 99, "wrap mode: k6's status");
});

t.test('Prometheus scrape config and the SLI queries', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jes-promtool-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const scrape = parse(example('prometheus/scrape-pushgateway.yml')) as {
    scrape_configs: Array<{ honor_labels?: boolean }>;
  };
  t.equal(scrape.scrape_configs[0]?.honor_labels, true, 'honor_labels: true');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, example('prometheus/scrape-pushgateway.yml'));
  const checked = await execFileAsync('promtool', ['check', 'config', config]).then(
    () => 0,
    (e: { code?: number }) => e.code ?? 1,
  );
  t.equal(checked, 0, 'promtool check config accepts the scrape config');

  const sli = parse(example('keptn/sli.yaml')) as { indicators: Record<string, string> };
  const slo = parse(example('keptn/slo.yaml')) as { objectives: Array<{ sli: string }> };
  t.same(slo.objectives.map((o) => o.sli).sort(), Object.keys(sli.indicators).sort(), 'the SLO judges every SLI');
  // Keptn's placeholders filled in as the SLI provider does, then each query parsed by promtool.
  const rules = {
    groups: [
      {
        name: 'sli',
        rules: Object.entries(sli.indicators).map(([name, q]) => ({
          record: `sli:${name}`,
          expr: q.replace('$PROJECT', 'sockshop').replace('$STAGE', 'dev').replace('$SERVICE', 'carts'),
        })),
      },
    ],
  };
  const rulesFile = join(dir, 'rules.yml');
  writeFileSync(rulesFile, JSON.stringify(rules));
  const rulesChecked = await execFileAsync('promtool', ['check', 'rules', rulesFile]).then(
    () => 0,
    (e: { code?: number }) => e.code ?? 1,
  );
  t.equal(rulesChecked, 0, 'promtool parses every SLI query');
  // The names queried are the names the recipes push: each JES recipe uses the preset named
  // after its integration, and that preset's golden output holds the metric.
  for (const q of Object.values(sli.indicators)) {
    const metric = /\b(keptn_\w+)\{/.exec(q)?.[1] ?? '';
    const integration = /^keptn_([a-z0-9]+)_/.exec(metric)?.[1] ?? '';
    const config = example(`jes/${integration}/job/config.yaml`);
    t.ok(
      config.includes(`- --preset\n          - ${integration}\n`),
      `examples/jes/${integration} uses --preset ${integration}`,
    );
    const goldens = readdirSync(join(ROOT, 'test/fixtures/tools')).filter((d) =>
      d.startsWith(`preset-${integration}-`),
    );
    t.ok(
      goldens.some((d) =>
        readFileSync(join(ROOT, 'test/fixtures/tools', d, 'expected.series'), 'utf8').includes(`${metric}{`),
      ),
      `${metric} is pushed by --preset ${integration}`,
    );
  }
});
