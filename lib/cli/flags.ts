// Every flag, defined once: its name, aliases, short letter, group, argument, one-line summary and
// long text. node:util's parseArgs options, `-h`, `--help` and docs/reference/cli.md are all made
// from this table (lib/cli/help.ts); test/config/flags.test.ts fails when they drift.

export type FlagGroup =
  | 'start'
  | 'extraction'
  | 'naming'
  | 'pushgateway'
  | 'dynatrace'
  | 'otlp'
  | 'remote-write'
  | 'delivery'
  | 'gate'
  | 'output';

export interface Flag {
  /** The long name, without `--`. */
  readonly name: string;
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** Other long names that mean the same (today's and the JES recipes' spellings). */
  readonly aliases?: readonly string[];
  /** What the value is (URL, FILE, N), for the help. */
  readonly arg?: string;
  readonly group: FlagGroup;
  /** One line, for `-h` and the reference's table. */
  readonly summary: string;
  /** The whole story, for `--help` (wrapped there) and the reference. */
  readonly text: string;
  /** Environment variables that set the same thing. */
  readonly env?: readonly string[];
}

export interface Group {
  readonly id: FlagGroup;
  readonly title: string;
  /** Said under the group's flags in --help (preformatted lines). */
  readonly note?: string;
}

export const GROUPS: readonly Group[] = [
  { id: 'start', title: 'Start here' },
  {
    id: 'extraction',
    title:
      'Extraction (every rule is tried on every line and every match counts; the default parsers take a line only when no rule matched it)',
    note: 'A series set again with another value is warned about (with both lines).',
  },
  { id: 'naming', title: 'Naming and labels' },
  { id: 'pushgateway', title: 'Prometheus Pushgateway' },
  { id: 'dynatrace', title: 'Dynatrace Metrics API v2' },
  {
    id: 'otlp',
    title: 'OTLP/HTTP metrics (protobuf, gzip)',
    note: [
      'env OTEL_EXPORTER_OTLP_HEADERS=k=v,k2=v2 (URL-encoded), OTEL_SERVICE_NAME,',
      'OTEL_RESOURCE_ATTRIBUTES,',
      'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta (for delta-only',
      'receivers such as Dynatrace)',
    ].join('\n'),
  },
  { id: 'remote-write', title: 'Prometheus remote write 1.0 (Mimir, Thanos, Cortex, VictoriaMetrics, Prometheus)' },
  {
    id: 'delivery',
    title: 'Delivery (every backend)',
    note: 'HTTPS_PROXY, HTTP_PROXY (host:port means http://host:port) and NO_PROXY are\nhonoured, in either case.',
  },
  {
    id: 'gate',
    title: 'Quality gate (a Keptn SLO file evaluated on the numbers, before the push)',
    note: 'GITHUB_STEP_SUMMARY set: the result table is appended to it as Markdown.',
  },
  { id: 'output', title: 'Output' },
];

export const FLAGS = [
  // Start here.
  {
    name: 'preset',
    type: 'string',
    multiple: true,
    arg: 'NAME',
    group: 'start',
    summary: 'built-in rules for a tool (k6, junit, trivy, …)',
    text:
      "built-in rules for a tool's output (k6, infracost, trivy, junit, go-bench, pytest, …; repeatable; the default parsers are off " +
      "unless --parsers names them); --list-presets names them all; --preset auto picks by the tool's name in wrap mode, " +
      "by the input's content (each preset's marks) in filter mode",
  },
  {
    name: 'integration',
    type: 'string',
    arg: 'NAME',
    group: 'start',
    env: ['INTEGRATION_NAME'],
    summary: 'metric names become keptn_<NAME>_<name>',
    text: "metric names become keptn_<NAME>_<name> (default: the preset's name; env INTEGRATION_NAME)",
  },
  {
    name: 'pushgateway',
    type: 'string',
    arg: 'URL',
    group: 'start',
    env: ['PROM_GATEWAY'],
    summary: 'push to a Prometheus Pushgateway (more under --help)',
    text: 'push to a Prometheus Pushgateway, e.g. http://user:pass@pushgateway:9091 (env PROM_GATEWAY; host:port means http://host:port)',
  },
  {
    name: 'dry-run',
    type: 'boolean',
    group: 'start',
    summary: "send nothing; print each backend's exact payload",
    text: "send nothing; print each backend's exact payload to stderr",
  },
  {
    name: 'explain',
    type: 'boolean',
    group: 'start',
    summary: 'send nothing; say what each rule matched, and why',
    text: 'send nothing; print on stderr what each rule and parser matched, made, overwrote and skipped, and why',
  },
  // Extraction.
  {
    name: 'parsers',
    type: 'string',
    arg: 'LIST',
    group: 'extraction',
    summary: 'default parsers: kv,json,prom (default all) or none',
    text: [
      'default parsers, comma-separated: kv,json,prom (default all) or none',
      '  kv    a whole line name=value      cost=42.5',
      '  json  {"name":..,"value":..,"labels":{..}}',
      '  prom  Prometheus text (and OpenMetrics) samples',
    ].join('\n'),
  },
  {
    name: 'pattern',
    type: 'string',
    multiple: true,
    arg: '[NAME=]REGEX',
    group: 'extraction',
    summary: 'a line rule: a regex with named groups value and name',
    text:
      'a line rule: a JavaScript regex with named groups value (required) and name (unless NAME= is given); other named groups ' +
      'become labels (repeatable); a rule that takes over 0.2 s on one line (a regex that backtracks, such as ^(a+)+$ on many ' +
      "a's) is reported and no longer applied",
  },
  {
    name: 'json-path',
    type: 'string',
    multiple: true,
    arg: 'NAME=PATH',
    group: 'extraction',
    summary: 'a JSON document rule (JSONPath)',
    text: 'a JSON document rule: JSONPath over the JSON document in the input, at the end (repeatable)',
  },
  {
    name: 'rules',
    type: 'string',
    multiple: true,
    arg: 'FILE',
    group: 'extraction',
    summary: 'rules from a YAML or JSON file',
    text:
      'rules from a YAML or JSON file: units, labels from fields, context, defaults, aggregation, XML; see ' +
      'docs/reference/rule-files.md (repeatable)',
  },
  {
    name: 'max-series',
    type: 'string',
    arg: 'N',
    group: 'extraction',
    summary: 'distinct series kept at most (default 1000)',
    text: 'distinct series kept at most (default 1000); the rest are counted',
  },
  {
    name: 'max-line-length',
    type: 'string',
    arg: 'B',
    group: 'extraction',
    summary: 'longer lines are passed through, not parsed',
    text: 'longer lines are passed through but not parsed (default 1048576)',
  },
  {
    name: 'parse-stderr',
    type: 'boolean',
    group: 'extraction',
    summary: "wrap mode: parse the tool's stderr as well",
    text: "wrap mode: parse the tool's stderr as well",
  },
  // Naming and labels.
  {
    name: 'prefix',
    type: 'string',
    arg: 'P',
    group: 'naming',
    summary: 'replaces keptn_ in the name',
    text: 'replaces keptn_ in the name (may be empty)',
  },
  {
    name: 'label',
    type: 'string',
    multiple: true,
    arg: 'K=V',
    group: 'naming',
    summary: 'add or override a label on every metric',
    text:
      'add or override a label on every metric (repeatable); ci_platform (keptn, or the CI below) and ' +
      'keptn_project/stage/service from KEPTN_PROJECT/KEPTN_STAGE/KEPTN_SERVICE are always added when set',
  },
  {
    name: 'ci-context',
    type: 'string',
    aliases: ['ci-labels'],
    arg: 'auto|none',
    group: 'naming',
    summary: "the CI's repository and job as labels (default auto)",
    text:
      'outside Keptn, in a detected CI (GitHub Actions, GitLab CI, Jenkins, Azure Pipelines, Buildkite, CircleCI, Tekton, ' +
      'Argo): auto (default) sets ci_platform to the CI and adds its repository, workflow, stage and job as labels and ' +
      'grouping key parts; none sets ci_platform only (--show-ci-context prints what would be added)',
  },
  {
    name: 'label-from-env',
    type: 'string',
    multiple: true,
    aliases: ['ci-label'],
    arg: 'K=VAR',
    group: 'naming',
    summary: 'add the variable VAR as label and grouping key part K',
    text: 'add the variable VAR as label and grouping key part K (repeatable), e.g. ci_matrix=MATRIX_OS',
  },
  {
    name: 'branch',
    type: 'string',
    arg: 'NAME',
    group: 'naming',
    summary: "this run's branch, the ci_branch label (default: CI's)",
    text:
      "this run's branch, as the ci_branch label and grouping key part (default: GITHUB_HEAD_REF or GITHUB_REF_NAME on GitHub " +
      'Actions, CI_MERGE_REQUEST_SOURCE_BRANCH_NAME or CI_COMMIT_REF_NAME on GitLab CI); a pull request then never replaces ' +
      "main's Pushgateway group",
  },
  // Pushgateway.
  {
    name: 'pushgateway-job',
    type: 'string',
    aliases: ['job'],
    arg: 'NAME',
    group: 'pushgateway',
    summary: 'the grouping key job',
    text: 'grouping key job (default job-executor-service)',
  },
  {
    name: 'pushgateway-grouping',
    type: 'string',
    multiple: true,
    aliases: ['grouping'],
    arg: 'K=V',
    group: 'pushgateway',
    summary: 'add K=V to the grouping key',
    text: 'add K=V to the grouping key (repeatable)',
  },
  {
    name: 'pushgateway-method',
    type: 'string',
    aliases: ['method'],
    arg: 'put|post',
    group: 'pushgateway',
    summary: "put replaces this run's group, post merges",
    text: "put replaces this run's group (default), post merges families",
  },
  {
    name: 'pushgateway-header',
    type: 'string',
    multiple: true,
    arg: "'K: V'",
    group: 'pushgateway',
    summary: 'an HTTP header for the Pushgateway only',
    text: "an HTTP header sent to the Pushgateway only (repeatable); basic auth comes from the URL's user:password",
  },
  // Dynatrace.
  {
    name: 'dynatrace',
    type: 'string',
    aliases: ['dt-url'],
    arg: 'URL',
    group: 'dynatrace',
    env: ['DT_TENANT'],
    summary: 'push to the Dynatrace Metrics API v2',
    text:
      'https://<env>.live.dynatrace.com, https://<host>/e/<env>, or a OneAgent endpoint http://localhost:14499/metrics/ingest ' +
      '(no token); env DT_TENANT; the token from env DT_API_TOKEN or:',
  },
  {
    name: 'dynatrace-token-file',
    type: 'string',
    aliases: ['dt-token-file'],
    arg: 'FILE',
    group: 'dynatrace',
    env: ['DT_API_TOKEN'],
    summary: 'read the API token from FILE',
    text: 'read the API token from FILE (never pass it on the command line)',
  },
  {
    name: 'dynatrace-header',
    type: 'string',
    multiple: true,
    arg: "'K: V'",
    group: 'dynatrace',
    summary: 'an HTTP header for Dynatrace only',
    text: 'an HTTP header sent to Dynatrace only (repeatable)',
  },
  // OTLP.
  {
    name: 'otlp',
    type: 'string',
    arg: 'URL',
    group: 'otlp',
    env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    summary: 'push to an OTLP/HTTP receiver',
    text:
      'e.g. http://collector:4318/v1/metrics; or env OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (as is) or OTEL_EXPORTER_OTLP_ENDPOINT ' +
      '(+ /v1/metrics)',
  },
  {
    name: 'otlp-header',
    type: 'string',
    multiple: true,
    arg: "'K: V'",
    group: 'otlp',
    env: ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS'],
    summary: 'an HTTP header for the OTLP receiver only',
    text: 'an HTTP header sent to the OTLP receiver only (repeatable); it wins over the same header from the environment',
  },
  // Remote write.
  {
    name: 'remote-write',
    type: 'string',
    multiple: true,
    arg: 'URL',
    group: 'remote-write',
    summary: 'push to a Prometheus remote-write receiver',
    text:
      'e.g. http://prometheus:9090/api/v1/write (repeatable); basic auth from http://user:pass@host/…, else a bearer token ' +
      'from env REMOTE_WRITE_TOKEN or from:',
  },
  {
    name: 'remote-write-token-file',
    type: 'string',
    arg: 'FILE',
    group: 'remote-write',
    env: ['REMOTE_WRITE_TOKEN'],
    summary: 'read the bearer token from FILE',
    text: 'read the bearer token from FILE (never pass it on the command line)',
  },
  {
    name: 'remote-write-header',
    type: 'string',
    multiple: true,
    arg: "'K: V'",
    group: 'remote-write',
    summary: 'an HTTP header for the remote-write receivers only',
    text: 'an HTTP header sent to the remote-write receivers only (repeatable), e.g. X-Scope-OrgID: team-a for Mimir',
  },
  // Delivery.
  {
    name: 'timeout',
    type: 'string',
    arg: 'S',
    group: 'delivery',
    summary: 'per request (default 10s)',
    text: 'per request (default 10s; also 500ms, 2m)',
  },
  {
    name: 'deadline',
    type: 'string',
    arg: 'S',
    group: 'delivery',
    summary: 'give up pushing after S (default 60s)',
    text: 'give up pushing after S (default 60s)',
  },
  {
    name: 'header',
    type: 'string',
    multiple: true,
    arg: "'K: V'",
    group: 'delivery',
    summary: 'an HTTP header for every backend',
    text: "an HTTP header sent to every backend (repeatable); a backend's own --<backend>-header wins",
  },
  {
    name: 'ca-file',
    type: 'string',
    arg: 'FILE',
    group: 'delivery',
    env: ['NODE_EXTRA_CA_CERTS'],
    summary: 'trust the CA certificates in FILE',
    text: 'trust the CA certificates in FILE (NODE_EXTRA_CA_CERTS works too)',
  },
  {
    name: 'insecure',
    type: 'boolean',
    group: 'delivery',
    summary: 'do not verify TLS certificates',
    text: 'do not verify TLS certificates (a warning is printed)',
  },
  {
    name: 'flush-interval',
    type: 'string',
    arg: 'S',
    group: 'delivery',
    summary: 'also push the current values every S',
    text: 'also push the current values every S while input runs',
  },
  {
    name: 'fail-on-push-error',
    type: 'boolean',
    group: 'delivery',
    summary: 'exit 3 when a backend did not accept everything',
    text: 'exit 3 when a backend did not accept everything',
  },
  // Quality gate.
  {
    name: 'slo',
    type: 'string',
    arg: 'FILE',
    group: 'gate',
    summary: 'a Keptn slo.yaml: the quality gate',
    text:
      'Keptn slo.yaml (spec_version "1.0"): objectives with pass/warning criteria, weight, key_sli, comparison, total_score; ' +
      'the result is pushed as keptn_<integration>_slo_score (0-100) and _slo_result (1 pass, 0.5 warning, 0 fail)',
  },
  {
    name: 'sli',
    type: 'string',
    arg: 'FILE',
    group: 'gate',
    summary: 'a Keptn sli.yaml: SLI name → series',
    text: 'Keptn sli.yaml (indicators: {name: selector}): SLI name → series, e.g. max(keptn_k6_x{stage="$STAGE"})',
  },
  {
    name: 'slo-history',
    type: 'string',
    arg: 'URL',
    group: 'gate',
    summary: 'a Prometheus API with the earlier results',
    text:
      'a Prometheus-compatible query API (Prometheus, VictoriaMetrics, Thanos Query, Mimir) holding the earlier runs, scraped from ' +
      'the Pushgateway or sent by remote write/OTLP: the earlier results of compare_with several_results and regression: ' +
      '(default: the last run on the gateway)',
  },
  {
    name: 'slo-history-window',
    type: 'string',
    arg: 'D',
    group: 'gate',
    summary: 'how far back --slo-history looks (default 14d)',
    text: 'how far back --slo-history looks (default 14d; also 12h, 30m)',
  },
  {
    name: 'baseline-branch',
    type: 'string',
    arg: 'NAME',
    group: 'gate',
    summary: 'the branch the gate compares with (default: PR target)',
    text:
      "the earlier results are this branch's runs (ci_branch=NAME); default: a pull or merge request's target branch " +
      "(GITHUB_BASE_REF, CI_MERGE_REQUEST_TARGET_BRANCH_NAME), else this run's own branch",
  },
  {
    name: 'slo-markdown',
    type: 'string',
    arg: 'FILE',
    group: 'gate',
    summary: 'write the result table and trend as Markdown',
    text: 'write the result table, the baselines and the trend of the last runs as Markdown (what GITHUB_STEP_SUMMARY gets), for other CIs',
  },
  {
    name: 'slo-report',
    type: 'string',
    arg: 'FILE',
    group: 'gate',
    summary: 'write the evaluation as JSON',
    text: "write the evaluation as JSON (Keptn's evaluation result shape)",
  },
  {
    name: 'slo-junit',
    type: 'string',
    arg: 'FILE',
    group: 'gate',
    summary: 'write the gate as JUnit XML (a test per objective)',
    text:
      'write the gate as JUnit XML: one <testcase> per objective (a <failure> with value, criteria and baseline when it failed, ' +
      '<skipped> when informative) and one for the total score; for GitLab artifacts:reports:junit, Jenkins junit, GitHub test ' +
      'reporters; written even when the push fails',
  },
  {
    name: 'slo-fail-on-warning',
    type: 'boolean',
    group: 'gate',
    summary: 'exit 4 on a warning too',
    text: 'exit 4 on a warning too',
  },
  // Output.
  {
    name: 'dry-run-file',
    type: 'string',
    arg: 'FILE',
    group: 'output',
    summary: 'write the dry-run payloads to FILE',
    text: 'write the dry-run payloads to FILE (implies --dry-run)',
  },
  {
    name: 'metrics-report',
    type: 'string',
    arg: 'FILE',
    group: 'output',
    summary: "write the run's series as a metrics report (GitLab)",
    text:
      "write the run's series to FILE in Prometheus text (`name{labels} value` lines, the run's context labels left out), the " +
      "format of GitLab's artifacts:reports:metrics; written even when the push fails",
  },
  {
    name: 'no-run-metrics',
    type: 'boolean',
    group: 'output',
    summary: 'wrap mode: no exit_code/duration_seconds series',
    text: 'wrap mode: do not add exit_code, duration_seconds and last_success_timestamp_seconds',
  },
  {
    name: 'quiet',
    type: 'boolean',
    short: 'q',
    group: 'output',
    summary: 'only errors on stderr',
    text: 'only errors on stderr',
  },
  {
    name: 'verbose',
    type: 'boolean',
    short: 'v',
    group: 'output',
    summary: 'per-request detail and the timings',
    text: 'per-request detail and the timings on stderr',
  },
  {
    name: 'list-presets',
    type: 'boolean',
    group: 'output',
    summary: 'print the presets and exit',
    text: 'print the built-in presets by group (test runners, benchmarks, load, analysers, cost and security, other formats), one line each, and exit (also: --preset list)',
  },
  {
    name: 'show-ci-context',
    type: 'boolean',
    group: 'output',
    summary: 'print the CI context that would be added, and exit',
    text: 'print the CI labels and grouping key parts that would be added here, and exit (also: --ci-context list)',
  },
  {
    name: 'help',
    type: 'boolean',
    short: 'h',
    group: 'output',
    summary: '-h: the short screen; --help: all',
    text: '-h: the first screen; --help: this text',
  },
  { name: 'version', type: 'boolean', short: 'V', group: 'output', summary: 'the version', text: 'the version' },
] as const satisfies readonly Flag[];

type FlagDef = (typeof FLAGS)[number];

/** What parseArgs returns for the table: a string, a list of strings or a boolean per canonical name. */
export type FlagValues = {
  [F in FlagDef as F['name']]?: F['type'] extends 'boolean'
    ? boolean
    : F extends { multiple: true }
      ? string[]
      : string;
};

type ParseArgsOption = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

/** node:util parseArgs's options, by canonical name. */
export function parseArgsOptions(): Record<string, ParseArgsOption> {
  const options: Record<string, ParseArgsOption> = {};
  for (const f of FLAGS as readonly Flag[]) {
    options[f.name] = {
      type: f.type,
      ...(f.multiple ? { multiple: true } : {}),
      ...(f.short ? { short: f.short } : {}),
    };
  }
  return options;
}

/** alias → canonical name. */
export const ALIASES: ReadonlyMap<string, string> = new Map(
  FLAGS.flatMap((f: Flag) => (f.aliases ?? []).map((a) => [a, f.name] as const)),
);

/** Every name a user may type (canonical and aliases), for "did you mean". */
export const ALL_NAMES: readonly string[] = FLAGS.flatMap((f: Flag) => [f.name, ...(f.aliases ?? [])]);

/** `--dt-url x` → `--dynatrace x`, `--job=x` → `--pushgateway-job=x`; a value is never renamed. */
export function canonicalArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let valueNext = false;
  for (const arg of args) {
    if (valueNext || !arg.startsWith('--')) {
      out.push(arg);
      valueNext = false;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const canonical = ALIASES.get(name) ?? name;
    valueNext = eq < 0 && BY_NAME.get(canonical)?.type === 'string';
    out.push(canonical === name ? arg : `--${canonical}${eq < 0 ? '' : arg.slice(eq)}`);
  }
  return out;
}

const BY_NAME: ReadonlyMap<string, Flag> = new Map(FLAGS.map((f: Flag) => [f.name, f]));
