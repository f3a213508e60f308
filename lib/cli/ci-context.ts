// The CI a run is in, from its environment, and the bounded context that becomes labels and
// Pushgateway grouping-key parts, so two repositories, workflows or jobs never share a group.
// Only values that stay the same from run to run are read: run ids, run numbers, commit SHAs,
// branch-specific build numbers and actors make a new series (and a Pushgateway group that
// lives forever) per run, so they are never read by default (--ci-label adds one on purpose).
// Our own table: ci-info has no Tekton or Argo and no context values, env-ci costs ~50 ms to
// import (docs/decisions/libraries.md, "CI detection").

import { isGroupingLabelName } from '../store/prometheus-names.js';
import type { Env } from './config.js';
import { PROXY_VARIABLES } from '../sinks/http/proxy-env.js';

/**
 * Variables that hold a credential (ours, and URLs that may carry a password): never a label,
 * whose value would go into every pushed series and the dry run.
 */
const CREDENTIAL_VARIABLES: ReadonlySet<string> = new Set([
  'DT_API_TOKEN',
  'REMOTE_WRITE_TOKEN',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT',
  'PROM_GATEWAY',
  ...PROXY_VARIABLES,
]);
/** Names that say they hold one (GITHUB_TOKEN, CI_JOB_TOKEN, NPM_TOKEN, DB_PASSWORD, AWS_SECRET_ACCESS_KEY, …). */
const CREDENTIAL_NAME =
  /(?:^|_)(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIALS?|AUTHORIZATION)(?:_|$)/i;

/** True when an environment variable is, or is named like, a credential. */
export function isCredentialVariable(name: string): boolean {
  return CREDENTIAL_VARIABLES.has(name.toUpperCase()) || CREDENTIAL_NAME.test(name);
}

/** One label: the first alternative whose variables are all set; an alternative's values are joined by `/`. */
export interface CiContextPart {
  label: string;
  from: ReadonlyArray<readonly string[]>;
}

export interface CiVendor {
  /** The ci_platform value. */
  platform: string;
  /** Detected when one of these is set (and not empty). */
  detect: readonly string[];
  parts: readonly CiContextPart[];
}

const part = (label: string, ...from: ReadonlyArray<string | readonly string[]>): CiContextPart => ({
  label,
  from: from.map((f) => (typeof f === 'string' ? [f] : f)),
});

/** In the order they are tried (the first detected wins). */
export const CI_VENDORS: readonly CiVendor[] = [
  // docs.github.com, "Store information in variables" → "Default environment variables".
  // GITHUB_WORKFLOW is the workflow's name (or its file path); GITHUB_JOB the job's id. Matrix
  // legs share a job id: add --grouping or --ci-label for the matrix value.
  {
    platform: 'github_actions',
    detect: ['GITHUB_ACTIONS'],
    parts: [
      part('ci_repository', 'GITHUB_REPOSITORY'),
      part('ci_workflow', 'GITHUB_WORKFLOW'),
      part('ci_job', 'GITHUB_JOB'),
    ],
  },
  // docs.gitlab.com, "Predefined CI/CD variables reference". A job name is unique in its
  // pipeline and holds the parallel:matrix values ("test: [linux, 20]").
  {
    platform: 'gitlab_ci',
    detect: ['GITLAB_CI'],
    parts: [part('ci_repository', 'CI_PROJECT_PATH'), part('ci_job', 'CI_JOB_NAME')],
  },
  // learn.microsoft.com, Azure Pipelines "Use predefined variables" (Build.*, System.* as
  // BUILD_*, SYSTEM_*). Job names are unique within a stage; pipeline names within a project.
  {
    platform: 'azure_pipelines',
    detect: ['TF_BUILD'],
    parts: [
      part('ci_project', 'SYSTEM_TEAMPROJECT'),
      part('ci_repository', 'BUILD_REPOSITORY_NAME'),
      part('ci_workflow', 'BUILD_DEFINITIONNAME'),
      part('ci_stage', 'SYSTEM_STAGENAME'),
      part('ci_job', 'SYSTEM_JOBNAME'),
    ],
  },
  // buildkite.com/docs/pipelines/configure/environment-variables. The step key is optional
  // (set by the pipeline's author), the label is the step's name; BUILDKITE_STEP_ID is per build.
  {
    platform: 'buildkite',
    detect: ['BUILDKITE'],
    parts: [
      part('ci_organization', 'BUILDKITE_ORGANIZATION_SLUG'),
      part('ci_workflow', 'BUILDKITE_PIPELINE_SLUG'),
      part('ci_job', 'BUILDKITE_STEP_KEY', 'BUILDKITE_LABEL'),
    ],
  },
  // circleci.com/docs/reference/variables, "Built-in environment variables". CircleCI exposes
  // no workflow name (CIRCLE_WORKFLOW_ID is per run).
  {
    platform: 'circleci',
    detect: ['CIRCLECI'],
    parts: [
      part('ci_repository', ['CIRCLE_PROJECT_USERNAME', 'CIRCLE_PROJECT_REPONAME']),
      part('ci_job', 'CIRCLE_JOB'),
    ],
  },
  // Argo Workflows sets ARGO_CONTAINER_NAME, ARGO_NODE_ID and ARGO_DEADLINE in a step's main
  // container (workflow/controller/workflowpod.go); all but the container name are per run,
  // so Argo is detected and names itself, and docs/reference/ci-context.md shows how to add the template's names.
  {
    platform: 'argo_workflows',
    detect: ['ARGO_NODE_ID'],
    parts: [],
  },
  // Tekton sets no variable of its own in a step; its context is substituted into the Task
  // (tekton.dev/docs/pipelines/variables: $(context.pipeline.name), $(context.task.name),
  // $(context.taskRun.namespace)). The recipe in docs/reference/ci-context.md maps those to these names.
  {
    platform: 'tekton',
    detect: ['TEKTON_PIPELINE', 'TEKTON_TASK'],
    parts: [
      part('ci_namespace', 'TEKTON_NAMESPACE'),
      part('ci_workflow', 'TEKTON_PIPELINE'),
      part('ci_job', 'TEKTON_TASK'),
    ],
  },
  // www.jenkins.io/doc/book/pipeline/jenkins-file/ "Using environment variables" (and
  // ${JENKINS_URL}/env-vars.html). JOB_NAME holds the folders (and a multibranch job's branch);
  // STAGE_NAME is set inside a Pipeline stage. BUILD_NUMBER, BUILD_ID and BUILD_TAG are per run.
  // Last: other tools running under Jenkins set their own variables as well.
  {
    platform: 'jenkins',
    detect: ['JENKINS_URL'],
    parts: [part('ci_job', 'JOB_NAME'), part('ci_stage', 'STAGE_NAME')],
  },
];

/**
 * The longest label value taken from the environment, in characters: a 1 MB GITHUB_REPOSITORY
 * made the Pushgateway refuse the push (431) with the value in its grouping-key path.
 */
export const MAX_ENV_LABEL_CHARS = 200;
/** Ends a value cut at MAX_ENV_LABEL_CHARS. */
export const CUT_MARKER = '…';

/** A value from the environment, cut to MAX_ENV_LABEL_CHARS (code points) with CUT_MARKER. */
export function boundEnvValue(value: string): { value: string; cut: boolean } {
  if (value.length <= MAX_ENV_LABEL_CHARS) return { value, cut: false };
  const chars = [...value.slice(0, 2 * MAX_ENV_LABEL_CHARS)];
  if (chars.length <= MAX_ENV_LABEL_CHARS) return { value, cut: false };
  return { value: chars.slice(0, MAX_ENV_LABEL_CHARS).join('') + CUT_MARKER, cut: true };
}

/** The one warning for the labels whose environment value was cut. */
export function cutWarning(cut: readonly string[]): string[] {
  if (cut.length === 0) return [];
  return [
    `label values from the environment are cut to ${MAX_ENV_LABEL_CHARS} characters (ending in ${CUT_MARKER}): ${cut.join(', ')}`,
  ];
}

function set(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v;
}

/** JES (or any Keptn job) is running us: a KEPTN_* variable has a value. Keptn's naming then stays as it was. */
export function isKeptn(env: Env): boolean {
  return Object.keys(env).some((name) => name.startsWith('KEPTN_') && set(env, name) !== undefined);
}

/** The CI whose marker variable is set, if any (Keptn is not asked here: see ciContext). */
export function detectCi(env: Env): CiVendor | undefined {
  return CI_VENDORS.find((v) => v.detect.some((name) => set(env, name) !== undefined));
}

/** A part's value: the first alternative whose variables are all set. */
function partValue(env: Env, p: CiContextPart): string | undefined {
  for (const alternative of p.from) {
    const values = alternative.map((name) => set(env, name));
    if (values.every((v) => v !== undefined)) return values.join('/');
  }
  return undefined;
}

export type CiLabelsMode = 'auto' | 'none' | 'list';

export interface CiContext {
  /** The ci_platform label: the detected CI, else "keptn" (inside Keptn, and in a plain shell, as before). */
  platform: string;
  /** Labels on every metric that are also grouping-key parts, in path order. */
  parts: Array<readonly [string, string]>;
  /** Where each part came from, for --ci-labels list. */
  sources: Array<{ label: string; variable: string }>;
  warnings: string[];
}

/**
 * Keptn (a KEPTN_* variable set) wins: ci_platform="keptn" and no CI part, as before. In a
 * detected CI: ci_platform names it and leads the parts (the same repository on two CIs keeps
 * two groups), then the CI's bounded context; `none` keeps only the label. `extra` (--ci-label
 * NAME=VARIABLE) applies everywhere: it is asked for by name.
 */
export function ciContext(env: Env, mode: CiLabelsMode, extra: ReadonlyArray<readonly [string, string]>): CiContext {
  const ctx: CiContext = { platform: 'keptn', parts: [], sources: [], warnings: [] };
  const cut: string[] = [];
  const vendor = isKeptn(env) ? undefined : detectCi(env);
  if (vendor !== undefined) {
    ctx.platform = vendor.platform;
    if (mode !== 'none') {
      ctx.parts.push(['ci_platform', vendor.platform]);
      for (const p of vendor.parts) {
        const value = partValue(env, p);
        if (value === undefined) continue;
        const bounded = boundEnvValue(value);
        if (bounded.cut) cut.push(p.label);
        ctx.parts.push([p.label, bounded.value]);
        ctx.sources.push({
          label: p.label,
          variable: p.from.find((alt) => alt.every((n) => set(env, n) !== undefined))!.join('/'),
        });
      }
    }
  }
  for (const [label, variable] of extra) {
    const value = set(env, variable);
    if (value === undefined) {
      ctx.warnings.push(`--ci-label ${label}=${variable}: ${variable} is not set, no ${label} label`);
      continue;
    }
    const at = ctx.parts.findIndex(([name]) => name === label);
    if (at >= 0) ctx.parts.splice(at, 1);
    const bounded = boundEnvValue(value);
    if (bounded.cut) cut.push(label);
    ctx.parts.push([label, bounded.value]);
    ctx.sources.push({ label, variable });
  }
  ctx.warnings.push(...cutWarning(cut));
  return ctx;
}

/** `--ci-label NAME=VARIABLE` → [NAME, VARIABLE], or the message. */
export function parseCiLabelFlag(text: string): readonly [string, string] | string {
  const i = text.indexOf('=');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  const variable = i > 0 ? text.slice(i + 1).trim() : '';
  if (!isGroupingLabelName(name) || name === 'job' || name === 'integration' || name.startsWith('keptn_')) {
    return `--ci-label needs NAME=VARIABLE with a label name such as ci_matrix (not job, integration or keptn_*), got "${text}"`;
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
    return `--ci-label ${name}=…: VARIABLE must be an environment variable's name, got "${variable}"`;
  // Named, never its value: the message goes to the job's log.
  if (isCredentialVariable(variable))
    return `--ci-label ${name}=${variable}: ${variable} holds a credential; it is never made a label`;
  return [name, variable];
}

/** --ci-labels list: the detected CI, what it adds by default (no --ci-label), and the table. */
export function describeCiContext(env: Env, ctx: CiContext): string {
  const lines: string[] = [];
  const vendor = isKeptn(env) ? undefined : detectCi(env);
  if (isKeptn(env))
    lines.push('Keptn (a KEPTN_* variable is set): ci_platform="keptn" and the keptn_* labels, no CI part');
  else if (vendor === undefined) lines.push('no CI detected: ci_platform="keptn", no CI part');
  else lines.push(`detected: ${vendor.platform}`);
  if (!ctx.parts.some(([name]) => name === 'ci_platform'))
    lines.push(`  ci_platform=${JSON.stringify(ctx.platform)}  (label only)`);
  for (const [name, value] of ctx.parts) {
    const from = name === 'ci_platform' ? 'detected' : (ctx.sources.find((s) => s.label === name)?.variable ?? '');
    lines.push(`  ${name}=${JSON.stringify(value)}  (label and grouping key; from ${from})`);
  }
  lines.push('', 'Labels and grouping-key parts per CI (ci_platform first):');
  for (const v of CI_VENDORS) {
    const parts = v.parts.map((p) => `${p.label}=${p.from.map((alt) => alt.join('/')).join('|')}`);
    lines.push(
      `  ${v.platform} (${v.detect.join(' or ')}): ${parts.length > 0 ? parts.join(', ') : 'none of its own'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** --ci-labels and --ci-label as given → the context, and the flags' mistakes (usage errors). */
export function ciContextFromFlags(
  env: Env,
  modeText: string | undefined,
  labelTexts: readonly string[],
): CiContext & { mode: CiLabelsMode; errors: string[] } {
  const errors: string[] = [];
  const mode = (modeText ?? 'auto').trim();
  const known = mode === 'auto' || mode === 'none' || mode === 'list';
  if (!known) errors.push(`--ci-labels takes auto, none or list, got "${modeText}"`);
  const extra: Array<readonly [string, string]> = [];
  for (const text of labelTexts) {
    const pair = parseCiLabelFlag(text);
    if (typeof pair === 'string') errors.push(pair);
    else extra.push(pair);
  }
  const checked: CiLabelsMode = known ? mode : 'auto';
  return { ...ciContext(env, checked, extra), mode: checked, errors };
}
