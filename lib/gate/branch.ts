// Which branch a run is on, and which branch its quality gate compares with. Pure.
//
// Each run records its branch in the `ci_branch` label, which is also a Pushgateway grouping-key
// part: a pull request's run pushes to its own group (…/ci_branch/feature-x) and never replaces
// main's, and the history of one branch stays apart from another's. In a pull or merge request
// the gate's earlier results are the target branch's runs (ci_branch="main"), not the request's
// own earlier pushes. docs/gate.md, "Baseline and branches", says why.
//
//   GitHub Actions (docs.github.com, "Variables" → "Default environment variables"):
//     GITHUB_HEAD_REF  the source branch, set only for pull_request(_target) events
//     GITHUB_REF_NAME  the branch or tag otherwise ("123/merge" in a pull request, hence HEAD_REF first)
//     GITHUB_BASE_REF  the target branch, set only for pull requests
//   GitLab CI (docs.gitlab.com, "Predefined CI/CD variables reference"):
//     CI_MERGE_REQUEST_SOURCE_BRANCH_NAME, CI_MERGE_REQUEST_TARGET_BRANCH_NAME (merge request pipelines)
//     CI_COMMIT_REF_NAME  the branch or tag otherwise
//   anywhere: --branch NAME and --baseline-branch NAME (they win over the environment).

import type { Env } from '../cli/config.js';

/** The label a run's branch is recorded in (a label and a grouping-key part). */
export const BRANCH_LABEL = 'ci_branch';

/** Branch names longer than this are cut (with a marker, said once): a label value stays bounded. */
export const MAX_BRANCH_LENGTH = 200;

export interface BranchContext {
  /** This run's branch: the ci_branch label and grouping-key part. */
  branch?: string;
  /** The target branch of a pull/merge request: where the gate's baseline comes from. */
  baselineBranch?: string;
  /** Where each came from, for messages. */
  sources: string[];
  warnings: string[];
}

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function first(env: Env, names: readonly string[]): { value: string; from: string } | undefined {
  for (const name of names) {
    const v = value(env, name);
    if (v !== undefined) return { value: v, from: name };
  }
  return undefined;
}

const VENDORS: ReadonlyArray<{ detect: string; branch: readonly string[]; base: readonly string[] }> = [
  { detect: 'GITHUB_ACTIONS', branch: ['GITHUB_HEAD_REF', 'GITHUB_REF_NAME'], base: ['GITHUB_BASE_REF'] },
  {
    detect: 'GITLAB_CI',
    branch: ['CI_MERGE_REQUEST_SOURCE_BRANCH_NAME', 'CI_COMMIT_REF_NAME'],
    base: ['CI_MERGE_REQUEST_TARGET_BRANCH_NAME'],
  },
];

/** `refs/heads/main` → `main`; over MAX_BRANCH_LENGTH characters → cut, with a warning. */
export function boundBranch(name: string, what: string, warnings: string[]): string {
  const short = name.replace(/^refs\/heads\//, '');
  const chars = [...short];
  if (chars.length <= MAX_BRANCH_LENGTH) return short;
  warnings.push(`${what}: the branch name is ${chars.length} characters; cut to ${MAX_BRANCH_LENGTH} (ending in "…")`);
  return `${chars.slice(0, MAX_BRANCH_LENGTH - 1).join('')}…`;
}

/** `flags.branch`/`flags.baselineBranch` win; else GitHub's or GitLab's variables; `useEnv` false (--ci-context none) reads flags only. */
export function branchContext(
  env: Env,
  flags: { branch?: string; baselineBranch?: string },
  useEnv = true,
): BranchContext {
  const out: BranchContext = { sources: [], warnings: [] };
  const vendor = useEnv ? VENDORS.find((v) => value(env, v.detect) !== undefined) : undefined;
  const branch = flags.branch?.trim()
    ? { value: flags.branch.trim(), from: '--branch' }
    : vendor && first(env, vendor.branch);
  const base = flags.baselineBranch?.trim()
    ? { value: flags.baselineBranch.trim(), from: '--baseline-branch' }
    : vendor && first(env, vendor.base);
  if (branch) {
    out.branch = boundBranch(branch.value, branch.from, out.warnings);
    out.sources.push(`ci_branch from ${branch.from}`);
  }
  if (base) {
    out.baselineBranch = boundBranch(base.value, base.from, out.warnings);
    out.sources.push(`baseline branch from ${base.from}`);
  }
  // The request's target is its own branch (a push to main with GITHUB_BASE_REF left over): no change.
  if (out.baselineBranch !== undefined && out.baselineBranch === out.branch) delete out.baselineBranch;
  return out;
}
