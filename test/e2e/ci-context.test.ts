// The CI context through the whole program (in process, test/support/in-process.ts): the grouping path and labels that --dry-run-file shows
// in GitHub Actions and GitLab CI environments, Keptn winning, --ci-labels none and list, and on
// Debian's real Pushgateway two repositories (and two jobs) keeping two groups.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../support/in-process.js';
import { startPushgateway } from '../support/pushgateway.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-ci-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const INPUT = 'rps=12.5\n';
// Per-run values as the runners set them: none may reach a label or the grouping key.
const GITHUB = {
  GITHUB_ACTIONS: 'true',
  CI: 'true',
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_WORKFLOW: 'load',
  GITHUB_JOB: 'k6',
  GITHUB_RUN_ID: '9123456789',
  GITHUB_RUN_NUMBER: '42',
  GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
  GITHUB_ACTOR: 'octocat',
};
const GITLAB = {
  GITLAB_CI: 'true',
  CI: 'true',
  CI_PROJECT_PATH: 'acme/shop',
  CI_JOB_NAME: 'load-test',
  CI_JOB_ID: '5512',
  CI_PIPELINE_ID: '771',
  CI_COMMIT_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
  GITLAB_USER_LOGIN: 'dev',
};

async function dryRun(
  name: string,
  env: Record<string, string>,
  extra: string[] = [],
): Promise<{ text: string; status: number | null; stderr: string }> {
  const file = join(dir, name);
  const r = await runInProcess(['--integration', 'k6', '--no-run-metrics', '--dry-run-file', file, ...extra], {
    input: INPUT,
    env,
  });
  return { text: readFileSync(file, 'utf8'), status: r.status, stderr: r.stderr };
}

t.test('GitHub Actions: the grouping path and the labels', async (t) => {
  const { text, status, stderr } = await dryRun('gh', GITHUB);
  t.equal(status, 0, stderr);
  // acme/shop holds a "/": base64url in the path (the Pushgateway's own encoding).
  t.match(
    text,
    /^# pushgateway: PUT \/metrics\/job\/job-executor-service\/integration\/k6\/ci_platform\/github_actions\/ci_repository@base64\/YWNtZS9zaG9w\/ci_workflow\/load\/ci_job\/k6$/m,
  );
  t.match(
    text,
    /^keptn_k6_rps,ci_job=k6,ci_platform=github_actions,ci_repository=acme\/shop,ci_workflow=load,dt\.metrics\.source=jes-metrics-pipe gauge,12\.5$/m,
    'the same labels as Dynatrace dimensions',
  );
  t.notMatch(text, /9123456789|ffac537e|octocat|\b42\b/, 'no run id, run number, SHA or actor');
});

t.test('GitLab CI: the grouping path and the labels', async (t) => {
  const { text, status, stderr } = await dryRun('gl', GITLAB);
  t.equal(status, 0, stderr);
  t.match(
    text,
    /^# pushgateway: PUT \/metrics\/job\/job-executor-service\/integration\/k6\/ci_platform\/gitlab_ci\/ci_repository@base64\/YWNtZS9zaG9w\/ci_job\/load-test$/m,
  );
  t.match(
    text,
    /^keptn_k6_rps,ci_job=load-test,ci_platform=gitlab_ci,ci_repository=acme\/shop,dt\.metrics\.source=jes-metrics-pipe gauge,12\.5$/m,
  );
  t.notMatch(text, /5512|771|ffac537e|GITLAB_USER|dev\b/);
});

t.test('KEPTN_* set in a GitHub runner: the JES names, labels and key, unchanged', async (t) => {
  const { text } = await dryRun('keptn', {
    ...GITHUB,
    KEPTN_PROJECT: 'sockshop',
    KEPTN_STAGE: 'dev',
    KEPTN_SERVICE: 'carts',
  });
  t.match(
    text,
    /^# pushgateway: PUT \/metrics\/job\/job-executor-service\/integration\/k6\/keptn_project\/sockshop\/keptn_stage\/dev\/keptn_service\/carts$/m,
  );
  t.match(
    text,
    /^keptn_k6_rps,ci_platform=keptn,keptn_project=sockshop,keptn_service=carts,keptn_stage=dev,dt\.metrics\.source=jes-metrics-pipe gauge,12\.5$/m,
  );
  t.notMatch(text, /ci_repository|github/);
});

t.test('a plain shell: ci_platform="keptn" and nothing else', async (t) => {
  const { text } = await dryRun('plain', {});
  t.match(text, /^# pushgateway: PUT \/metrics\/job\/job-executor-service\/integration\/k6$/m);
  t.match(text, /^keptn_k6_rps,ci_platform=keptn,dt\.metrics\.source=jes-metrics-pipe gauge,12\.5$/m);
});

t.test('--ci-labels none and --ci-label NAME=VARIABLE', async (t) => {
  const none = await dryRun('none', GITHUB, ['--ci-labels', 'none']);
  t.match(none.text, /^# pushgateway: PUT \/metrics\/job\/job-executor-service\/integration\/k6$/m);
  t.match(none.text, /^keptn_k6_rps,ci_platform=github_actions,dt\.metrics\.source=jes-metrics-pipe gauge,12\.5$/m);
  const matrix = await dryRun('matrix', { ...GITHUB, MATRIX_OS: 'linux' }, ['--ci-label', 'ci_matrix=MATRIX_OS']);
  t.match(matrix.text, /\/ci_job\/k6\/ci_matrix\/linux$/m);
  t.match(matrix.text, /^keptn_k6_rps,ci_job=k6,ci_matrix=linux,/m);
});

t.test('--ci-labels list prints the detected context and the table, reads no input', async (t) => {
  const r = await runInProcess(['--ci-labels', 'list'], { env: GITHUB });
  t.equal(r.status, 0, r.stderr);
  const out = r.stdout.toString();
  t.match(out, /^detected: github_actions$/m);
  t.match(out, /ci_repository="acme\/shop" {2}\(label and grouping key; from GITHUB_REPOSITORY\)/);
  t.match(out, /^ {2}tekton \(TEKTON_PIPELINE or TEKTON_TASK\): /m);
});

t.test('a real Pushgateway: two repositories and two jobs keep four groups', async (t) => {
  const pgw = await startPushgateway();
  t.teardown(() => pgw.stop());
  const runs: Array<[string, string, string]> = [
    ['acme/shop', 'k6', '1'],
    ['acme/cart', 'k6', '2'],
    ['acme/shop', 'smoke', '3'],
    ['acme/cart', 'smoke', '4'],
  ];
  for (const [repo, job, value] of runs) {
    const r = await runInProcess(
      ['--integration', 'k6', '--no-run-metrics', '--pushgateway', pgw.url, '--fail-on-push-error'],
      {
        input: `rps=${value}\n`,
        env: { ...GITHUB, GITHUB_REPOSITORY: repo, GITHUB_JOB: job, GITHUB_RUN_ID: String(1000 + Number(value)) },
      },
    );
    t.equal(r.status, 0, `${repo} ${job}: ${r.stderr}\n${pgw.log()}`);
  }
  const byRepoAndJob = (a: Record<string, string>, b: Record<string, string>): number =>
    `${a.ci_repository} ${a.ci_job}`.localeCompare(`${b.ci_repository} ${b.ci_job}`);
  const groups = await pgw.groups();
  t.same(
    groups.map((g) => g.labels).sort(byRepoAndJob),
    runs
      .map(([repo, job]) => ({
        job: 'job-executor-service',
        integration: 'k6',
        ci_platform: 'github_actions',
        ci_repository: repo,
        ci_workflow: 'load',
        ci_job: job,
      }))
      .sort(byRepoAndJob),
    'one group per repository and job, none replaced',
  );
  const series = await pgw.series();
  t.same(
    series
      .filter((s) => s.name === 'keptn_k6_rps')
      .map((s) => `${s.labels.ci_repository} ${s.labels.ci_job} ${s.value}`)
      .sort(),
    ['acme/cart k6 2', 'acme/cart smoke 4', 'acme/shop k6 1', 'acme/shop smoke 3'],
  );
  t.notOk(
    series.some((s) => Object.values(s.labels).some((v) => /^10\d\d$/.test(v))),
    'no run id in any label',
  );
});

t.test(
  'a 120 KB GITHUB_REPOSITORY and GITHUB_WORKFLOW: cut with a marker, said once in one short line, and the push goes through (issue 24, item 10)',
  async (t) => {
    const pgw = await startPushgateway();
    t.teardown(() => pgw.stop());
    // One variable holds at most 128 KiB (Linux MAX_ARG_STRLEN); two of them make 240 KB of context.
    const big = `acme/${'x'.repeat(120_000)}`;
    const r = await runInProcess(
      ['--integration', 'k6', '--no-run-metrics', '--pushgateway', pgw.url, '--fail-on-push-error'],
      {
        input: INPUT,
        env: { ...GITHUB, GITHUB_REPOSITORY: big, GITHUB_WORKFLOW: big },
      },
    );
    t.equal(r.status, 0, r.stderr.slice(0, 500));
    t.equal(r.stdout.toString(), INPUT);
    t.equal(r.stderr.match(/are cut to 200 characters/g)?.length, 1, 'said once');
    t.ok(Math.max(...r.stderr.split('\n').map((l: string) => l.length)) < 1000, 'no line of stderr is long');
    const groups = await pgw.groups();
    t.equal(groups.length, 1);
    t.equal(groups[0]!.labels.ci_repository, `${big.slice(0, 200)}…`);
  },
);
