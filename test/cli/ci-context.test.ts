// The CI context: which CI each environment is, which bounded values become labels and
// grouping-key parts, that Keptn wins, and that per-run values never get in by default.
import t from 'tap';
import {
  ciContext,
  detectCi,
  isKeptn,
  parseCiLabelFlag,
  describeCiContext,
  CI_VENDORS,
} from '../../lib/cli/ci-context.js';
import { parseConfig } from '../../lib/cli/args.js';
import { groupingLabels } from '../../lib/sinks/pushgateway/grouping-key.js';

type Pairs = Array<readonly [string, string]>;

// Each CI's environment as its docs describe it, per-run values included (they must stay out).
const CASES: Array<[string, Record<string, string>, string, Pairs]> = [
  [
    'GitHub Actions',
    {
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_WORKFLOW: 'load test',
      GITHUB_JOB: 'k6',
      GITHUB_RUN_ID: '9123456789',
      GITHUB_RUN_NUMBER: '42',
      GITHUB_SHA: 'ffac537e6cbbf934b08745a378932722df287a53',
      GITHUB_ACTOR: 'octocat',
      GITHUB_REF_NAME: 'main',
    },
    'github_actions',
    [
      ['ci_platform', 'github_actions'],
      ['ci_repository', 'acme/shop'],
      ['ci_workflow', 'load test'],
      ['ci_job', 'k6'],
    ],
  ],
  [
    'GitLab CI',
    {
      GITLAB_CI: 'true',
      CI: 'true',
      CI_PROJECT_PATH: 'acme/shop',
      CI_JOB_NAME: 'test: [linux, 20]',
      CI_JOB_ID: '5512',
      CI_PIPELINE_ID: '771',
      CI_COMMIT_SHA: 'ffac537e',
      GITLAB_USER_LOGIN: 'dev',
      CI_PIPELINE_SOURCE: 'push',
    },
    'gitlab_ci',
    [
      ['ci_platform', 'gitlab_ci'],
      ['ci_repository', 'acme/shop'],
      ['ci_job', 'test: [linux, 20]'],
    ],
  ],
  [
    'Jenkins Pipeline stage',
    {
      JENKINS_URL: 'https://ci.example.com/',
      JOB_NAME: 'shop/main',
      STAGE_NAME: 'Load test',
      BUILD_NUMBER: '17',
      BUILD_ID: '17',
      BUILD_TAG: 'jenkins-shop-main-17',
      BUILD_URL: 'https://ci.example.com/job/shop/17/',
    },
    'jenkins',
    [
      ['ci_platform', 'jenkins'],
      ['ci_job', 'shop/main'],
      ['ci_stage', 'Load test'],
    ],
  ],
  [
    'Jenkins freestyle job (no stage)',
    { JENKINS_URL: 'https://ci.example.com/', JOB_NAME: 'nightly-k6', BUILD_NUMBER: '3' },
    'jenkins',
    [
      ['ci_platform', 'jenkins'],
      ['ci_job', 'nightly-k6'],
    ],
  ],
  [
    'Azure Pipelines',
    {
      TF_BUILD: 'True',
      SYSTEM_TEAMPROJECT: 'Shop',
      BUILD_REPOSITORY_NAME: 'acme/shop',
      BUILD_DEFINITIONNAME: 'shop-ci',
      SYSTEM_STAGENAME: 'Test',
      SYSTEM_JOBNAME: 'load',
      BUILD_BUILDID: '901',
      BUILD_BUILDNUMBER: '20261201.3',
      BUILD_SOURCEVERSION: 'ffac537e',
      BUILD_REQUESTEDFOR: 'Dev',
    },
    'azure_pipelines',
    [
      ['ci_platform', 'azure_pipelines'],
      ['ci_project', 'Shop'],
      ['ci_repository', 'acme/shop'],
      ['ci_workflow', 'shop-ci'],
      ['ci_stage', 'Test'],
      ['ci_job', 'load'],
    ],
  ],
  [
    'Buildkite, step with a key',
    {
      BUILDKITE: 'true',
      BUILDKITE_ORGANIZATION_SLUG: 'acme',
      BUILDKITE_PIPELINE_SLUG: 'shop',
      BUILDKITE_STEP_KEY: 'k6',
      BUILDKITE_LABEL: ':k6: load',
      BUILDKITE_BUILD_NUMBER: '12',
      BUILDKITE_STEP_ID: '0190-aaaa',
      BUILDKITE_COMMIT: 'ffac537e',
    },
    'buildkite',
    [
      ['ci_platform', 'buildkite'],
      ['ci_organization', 'acme'],
      ['ci_workflow', 'shop'],
      ['ci_job', 'k6'],
    ],
  ],
  [
    'Buildkite, step without a key: its label',
    {
      BUILDKITE: 'true',
      BUILDKITE_ORGANIZATION_SLUG: 'acme',
      BUILDKITE_PIPELINE_SLUG: 'shop',
      BUILDKITE_LABEL: ':k6: load',
    },
    'buildkite',
    [
      ['ci_platform', 'buildkite'],
      ['ci_organization', 'acme'],
      ['ci_workflow', 'shop'],
      ['ci_job', ':k6: load'],
    ],
  ],
  [
    'CircleCI',
    {
      CIRCLECI: 'true',
      CIRCLE_PROJECT_USERNAME: 'acme',
      CIRCLE_PROJECT_REPONAME: 'shop',
      CIRCLE_JOB: 'load-test',
      CIRCLE_BUILD_NUM: '88',
      CIRCLE_WORKFLOW_ID: '6e5a-…',
      CIRCLE_SHA1: 'ffac537e',
      CIRCLE_USERNAME: 'dev',
    },
    'circleci',
    [
      ['ci_platform', 'circleci'],
      ['ci_repository', 'acme/shop'],
      ['ci_job', 'load-test'],
    ],
  ],
  [
    'CircleCI without the reponame: no half repository',
    { CIRCLECI: 'true', CIRCLE_PROJECT_USERNAME: 'acme', CIRCLE_JOB: 'load-test' },
    'circleci',
    [
      ['ci_platform', 'circleci'],
      ['ci_job', 'load-test'],
    ],
  ],
  [
    'Tekton (the recipe maps $(context.…) to TEKTON_*)',
    {
      TEKTON_NAMESPACE: 'ci',
      TEKTON_PIPELINE: 'shop-release',
      TEKTON_TASK: 'k6-run',
      HOSTNAME: 'shop-release-run-x7k2p-k6-run-pod',
    },
    'tekton',
    [
      ['ci_platform', 'tekton'],
      ['ci_namespace', 'ci'],
      ['ci_workflow', 'shop-release'],
      ['ci_job', 'k6-run'],
    ],
  ],
  [
    'Argo Workflows: only per-run values, so just the platform',
    { ARGO_NODE_ID: 'ci-x7k2p-1234567890', ARGO_CONTAINER_NAME: 'main', ARGO_DEADLINE: '2026-12-01T17:00:00Z' },
    'argo_workflows',
    [['ci_platform', 'argo_workflows']],
  ],
];

t.test('each CI: its platform and its bounded context, nothing per run', async (t) => {
  for (const [name, env, platform, parts] of CASES) {
    t.equal(detectCi(env)?.platform, platform, `${name}: detected`);
    const ctx = ciContext(env, 'auto', []);
    t.equal(ctx.platform, platform, `${name}: ci_platform`);
    t.same(ctx.parts, parts, `${name}: parts`);
    const perRun =
      /^(GITHUB_(RUN_ID|RUN_NUMBER|SHA|ACTOR)|CI_(JOB_ID|PIPELINE_ID|COMMIT_SHA)|GITLAB_USER_LOGIN|BUILD_(NUMBER|ID|TAG|URL|BUILDID|BUILDNUMBER|SOURCEVERSION|REQUESTEDFOR)|BUILDKITE_(BUILD_NUMBER|STEP_ID|COMMIT)|CIRCLE_(BUILD_NUM|WORKFLOW_ID|SHA1|USERNAME)|ARGO_(NODE_ID|DEADLINE)|HOSTNAME)$/;
    const perRunValues = Object.entries(env)
      .filter(([k]) => perRun.test(k))
      .map(([, v]) => v);
    t.notOk(
      ctx.parts.some(([, v]) => perRunValues.includes(v)),
      `${name}: no run id, number, SHA or actor`,
    );
  }
});

t.test('a KEPTN_* variable wins over every CI: Keptn naming as before', async (t) => {
  for (const [name, env] of CASES) {
    for (const keptn of [{ KEPTN_PROJECT: 'sockshop' }, { KEPTN_SERVICE: 'carts' }, { KEPTN_CONTEXT: 'a1b2' }]) {
      const ctx = ciContext({ ...env, ...keptn }, 'auto', []);
      t.equal(ctx.platform, 'keptn', `${name} + ${Object.keys(keptn)[0]}`);
      t.same(ctx.parts, [], `${name} + ${Object.keys(keptn)[0]}: no CI part`);
    }
  }
  t.equal(isKeptn({ KEPTN_PROJECT: '' }), false, 'an empty KEPTN_ variable is not set (as the labels read it)');
  t.equal(isKeptn({ KEPTN_STAGE: 'dev' }), true);
});

t.test('a plain shell: ci_platform="keptn" and nothing else, as before', async (t) => {
  for (const env of [
    {},
    { CI: 'true' },
    { GITHUB_ACTIONS: '' },
    { JOB_NAME: 'x' },
    { HOME: '/root', PATH: '/usr/bin' },
  ]) {
    t.equal(detectCi(env), undefined, JSON.stringify(env));
    t.same(ciContext(env, 'auto', []), { platform: 'keptn', parts: [], sources: [], warnings: [] });
  }
});

t.test('--ci-labels none keeps the platform label, drops the parts', async (t) => {
  const ctx = ciContext(CASES[0]![1], 'none', []);
  t.equal(ctx.platform, 'github_actions');
  t.same(ctx.parts, []);
});

t.test('--ci-label NAME=VARIABLE: added everywhere, replaces a detected part, an unset variable warns', async (t) => {
  const gh = CASES[0]![1];
  t.same(ciContext({ ...gh, MATRIX_OS: 'linux' }, 'auto', [['ci_matrix', 'MATRIX_OS']]).parts.slice(-1), [
    ['ci_matrix', 'linux'],
  ]);
  const replaced = ciContext({ ...gh, WF: 'Load' }, 'auto', [['ci_workflow', 'WF']]).parts;
  t.same(
    replaced.map(([n]) => n),
    ['ci_platform', 'ci_repository', 'ci_job', 'ci_workflow'],
  );
  t.same(
    ciContext({ KEPTN_PROJECT: 'p', REGION: 'eu' }, 'auto', [['region', 'REGION']]).parts,
    [['region', 'eu']],
    'inside Keptn too (asked for by name)',
  );
  const unset = ciContext(gh, 'auto', [['ci_matrix', 'MATRIX_OS']]);
  t.same(
    unset.parts.map(([n]) => n),
    ['ci_platform', 'ci_repository', 'ci_workflow', 'ci_job'],
  );
  t.match(unset.warnings, [/MATRIX_OS is not set/]);
});

t.test('parseCiLabelFlag', async (t) => {
  t.same(parseCiLabelFlag('ci_matrix=MATRIX_OS'), ['ci_matrix', 'MATRIX_OS']);
  for (const bad of [
    'ci_matrix',
    '=X',
    'job=X',
    'integration=X',
    'keptn_stage=X',
    '__x=X',
    'a-b=X',
    'x=',
    'x=$VAR',
    'x=A B',
  ]) {
    t.type(parseCiLabelFlag(bad), 'string', bad);
  }
});

t.test('parseCiLabelFlag: a credential variable is refused by name (issue 24, item 4)', async (t) => {
  for (const v of [
    'REMOTE_WRITE_TOKEN',
    'DT_API_TOKEN',
    'OTEL_EXPORTER_OTLP_HEADERS',
    'PROM_GATEWAY',
    'HTTPS_PROXY',
    'GITHUB_TOKEN',
    'DB_PASSWORD',
    'AWS_SECRET_ACCESS_KEY',
  ]) {
    t.equal(
      parseCiLabelFlag(`token=${v}`),
      `--ci-label token=${v}: ${v} holds a credential; it is never made a label`,
      v,
    );
  }
  for (const v of ['MATRIX_OS', 'GIT_AUTHOR_NAME', 'TOKENIZER_MODE', 'CI_JOB_NAME'])
    t.same(parseCiLabelFlag(`x=${v}`), ['x', v], v);
});

t.test(
  'every vendor: label names the grouping key accepts, distinct, ci_platform never a part of its own',
  async (t) => {
    for (const v of CI_VENDORS) {
      const labels = v.parts.map((p) => p.label);
      t.equal(new Set(labels).size, labels.length, v.platform);
      t.ok(
        labels.every((l) => /^ci_[a-z]+$/.test(l) && l !== 'ci_platform'),
        v.platform,
      );
    }
  },
);

t.test('parseConfig: labels and grouping key in GitHub Actions, with --label, --grouping, none, list', async (t) => {
  const gh = CASES[0]![1];
  const r = parseConfig(['--integration', 'k6', '--dry-run'], gh);
  t.same(r.usageErrors, []);
  t.same(r.config.labels, {
    ci_platform: 'github_actions',
    ci_repository: 'acme/shop',
    ci_workflow: 'load test',
    ci_job: 'k6',
    ci_branch: 'main',
  });
  const key = groupingLabels({
    job: r.config.pushgatewayKey.job,
    integration: 'k6',
    keptn: r.config.keptn,
    ci: r.config.ciGrouping,
    grouping: r.config.pushgatewayKey.grouping,
  });
  t.same(
    key.map(([n]) => n),
    ['job', 'integration', 'ci_platform', 'ci_repository', 'ci_workflow', 'ci_job', 'ci_branch'],
    'the branch last (lib/gate/branch.ts): a pull request never replaces main',
  );

  const relabeled = parseConfig(['--integration', 'k6', '--label', 'ci_workflow=Load'], gh).config;
  t.same(relabeled.ciGrouping[2], ['ci_workflow', 'Load'], '--label of a CI part: the key follows the label');

  t.match(parseConfig(['--integration', 'k6', '--dry-run', '--grouping', 'ci_job=x'], gh).usageErrors, [
    /"ci_job" is already in the grouping key/,
  ]);
  const none = parseConfig(['--integration', 'k6', '--ci-labels', 'none'], gh).config;
  t.same(none.labels, { ci_platform: 'github_actions' });
  t.same(none.ciGrouping, []);
  t.equal(parseConfig(['--ci-labels', 'list'], gh).action, 'ci-list');
  t.match(parseConfig(['--integration', 'k6', '--ci-labels', 'off'], gh).usageErrors, [
    /--ci-labels takes auto, none or list/,
  ]);
  t.match(parseConfig(['--integration', 'k6', '--ci-label', 'job=X'], gh).usageErrors, [
    /--ci-label needs NAME=VARIABLE/,
  ]);

  const keptn = parseConfig(['--integration', 'k6'], {
    ...gh,
    KEPTN_PROJECT: 'sockshop',
    KEPTN_STAGE: 'dev',
    KEPTN_SERVICE: 'carts',
  }).config;
  t.same(
    keptn.labels,
    { ci_platform: 'keptn', keptn_project: 'sockshop', keptn_service: 'carts', keptn_stage: 'dev', ci_branch: 'main' },
    'Keptn labels in a GitHub runner: no CI context, but the branch (the quality-gate recipe runs there)',
  );
  t.same(keptn.ciGrouping, [['ci_branch', 'main']]);
});

t.test('describeCiContext names the detected CI, each part with its variable, and the table', async (t) => {
  const env = CASES[0]![1];
  const text = describeCiContext(env, ciContext(env, 'auto', []));
  t.match(text, /detected: github_actions/);
  t.match(text, /ci_repository="acme\/shop" {2}\(label and grouping key; from GITHUB_REPOSITORY\)/);
  for (const v of CI_VENDORS) t.match(text, new RegExp(`^  ${v.platform} \\(`, 'm'));
  t.match(describeCiContext({}, ciContext({}, 'auto', [])), /^no CI detected/);
  t.match(describeCiContext({ KEPTN_STAGE: 'dev' }, ciContext({ KEPTN_STAGE: 'dev' }, 'auto', [])), /^Keptn/);
});

t.test(
  'label values from the environment are cut at 200 characters with a marker, said once (issue 24, item 10)',
  async (t) => {
    const big = 'r'.repeat(1024 * 1024);
    const ctx = ciContext(
      {
        GITHUB_ACTIONS: 'true',
        GITHUB_REPOSITORY: big,
        GITHUB_WORKFLOW: big,
        GITHUB_JOB: 'k6',
        MATRIX: `${'é'.repeat(300)}`,
      },
      'auto',
      [['ci_matrix', 'MATRIX']],
    );
    const parts = Object.fromEntries(ctx.parts);
    t.equal(parts.ci_repository, `${'r'.repeat(200)}…`);
    t.equal(parts.ci_workflow, `${'r'.repeat(200)}…`);
    t.equal(parts.ci_matrix, `${'é'.repeat(200)}…`);
    t.equal(parts.ci_job, 'k6');
    t.same(ctx.warnings, [
      'label values from the environment are cut to 200 characters (ending in …): ci_repository, ci_workflow, ci_matrix',
    ]);
  },
);
