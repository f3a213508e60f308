// The Pushgateway grouping key's labels, in path order: job, integration, the Keptn labels that
// are set, the CI context (lib/cli/ci-context.ts), then --grouping. One rule for the flags'
// check at the start and for the push.

import { isGroupingLabelName } from '../../store/prometheus-names.js';

export interface KeptnContext {
  project?: string;
  stage?: string;
  service?: string;
}

export interface GroupingContext {
  job: string;
  integration: string;
  keptn: KeptnContext;
  /** The CI context's parts (ci_platform, ci_repository, …; none inside Keptn or a plain shell). */
  ci?: ReadonlyArray<readonly [string, string]>;
  /** `--grouping k=v`, in the order given. */
  grouping: ReadonlyArray<readonly [string, string]>;
}

/** A grouping key the Pushgateway would refuse (found before any request is sent). */
export class GroupingKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GroupingKeyError';
  }
}

/** The grouping key's labels in path order: job, integration, the Keptn labels that are set, the CI context, --grouping. */
export function groupingLabels(ctx: GroupingContext): Array<readonly [string, string]> {
  if (ctx.job === '') throw new GroupingKeyError('the job name (--job) must not be empty');
  const pairs: Array<readonly [string, string]> = [
    ['job', ctx.job],
    ['integration', ctx.integration],
  ];
  if (ctx.keptn.project !== undefined) pairs.push(['keptn_project', ctx.keptn.project]);
  if (ctx.keptn.stage !== undefined) pairs.push(['keptn_stage', ctx.keptn.stage]);
  if (ctx.keptn.service !== undefined) pairs.push(['keptn_service', ctx.keptn.service]);
  pairs.push(...(ctx.ci ?? []));
  const seen = new Set(pairs.map(([name]) => name));
  for (const [name, value] of ctx.grouping) {
    if (!isGroupingLabelName(name)) {
      throw new GroupingKeyError(
        `--grouping ${name}=…: a grouping label name must match [a-zA-Z_][a-zA-Z0-9_]* and must not start with "__"`,
      );
    }
    if (seen.has(name)) {
      throw new GroupingKeyError(
        `--grouping ${name}=…: "${name}" is already in the grouping key (job, integration, the Keptn labels and the CI context are set from --job, --integration, KEPTN_* and the CI's variables)`,
      );
    }
    seen.add(name);
    pairs.push([name, value]);
  }
  return pairs;
}
