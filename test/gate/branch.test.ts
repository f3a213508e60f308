import t from 'tap';
import { branchContext, MAX_BRANCH_LENGTH } from '../../lib/gate/branch.js';
import { baselineGrouping } from '../../lib/gate/gate.js';
import { parseConfig } from '../../lib/cli/args.js';

t.test('the branch and the baseline branch from GitHub, GitLab and the flags', async (t) => {
  const gh = {
    GITHUB_ACTIONS: 'true',
    GITHUB_REF_NAME: '42/merge',
    GITHUB_HEAD_REF: 'feature-x',
    GITHUB_BASE_REF: 'main',
  };
  t.match(
    branchContext(gh, {}),
    { branch: 'feature-x', baselineBranch: 'main' },
    'a pull request: its head, compared with its base',
  );
  const push = { GITHUB_ACTIONS: 'true', GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: '', GITHUB_BASE_REF: '' };
  const onMain = branchContext(push, {});
  t.equal(onMain.branch, 'main');
  t.equal(onMain.baselineBranch, undefined, 'a push: its own branch is the baseline');
  const mr = {
    GITLAB_CI: 'true',
    CI_COMMIT_REF_NAME: 'feat',
    CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feat',
    CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'develop',
  };
  t.match(branchContext(mr, {}), { branch: 'feat', baselineBranch: 'develop' });
  t.match(branchContext({ GITLAB_CI: 'true', CI_COMMIT_REF_NAME: 'main' }, {}), { branch: 'main' });
  t.same(branchContext({}, {}).branch, undefined, 'elsewhere: nothing unless --branch');
  t.match(
    branchContext(gh, { branch: 'refs/heads/mine', baselineBranch: 'release' }),
    { branch: 'mine', baselineBranch: 'release' },
    'flags win',
  );
  t.equal(branchContext(gh, {}, false).branch, undefined, '--ci-context none reads no variable');
  const long = branchContext({}, { branch: 'b'.repeat(5000) });
  t.equal([...long.branch!].length, MAX_BRANCH_LENGTH, 'bounded');
  t.match(long.warnings[0], /5000 characters; cut to 200/);
});

t.test('ci_branch is a label and a grouping-key part; the baseline grouping names the target branch', async (t) => {
  const env = {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_HEAD_REF: 'feature-x',
    GITHUB_BASE_REF: 'main',
    GITHUB_REF_NAME: '7/merge',
  };
  const parsed = parseConfig(['--integration', 'k6', '--dry-run'], env);
  const config = parsed.config;
  t.equal(config.labels.ci_branch, 'feature-x');
  t.same(config.ciGrouping.at(-1), ['ci_branch', 'feature-x'], 'the last CI part: a PR pushes to its own group');
  t.equal(config.baselineBranch, 'main');
  t.same(
    baselineGrouping(
      [
        ['job', 'j'],
        ['ci_branch', 'feature-x'],
      ],
      'main',
    ),
    [
      ['job', 'j'],
      ['ci_branch', 'main'],
    ],
  );
  t.same(baselineGrouping([['job', 'j']], 'main'), [
    ['job', 'j'],
    ['ci_branch', 'main'],
  ]);
});
