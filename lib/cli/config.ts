// The one validated, immutable configuration a run works from (built by lib/cli/args.ts).

import type { OtlpConfig } from '../sinks/otlp/settings.js';
import type { RemoteWriteConfig } from '../sinks/remote-write/settings.js';
import type { ParserName } from '../extract/parsers/default-parsers.js';
import type { PatternRule } from '../extract/parsers/pattern.js';
import type { JsonPathRule } from '../extract/parsers/json-path.js';
import type { GateOptions } from '../gate/options.js';
import type { RuleSet } from '../extract/rules/model.js';

/** The defaults of the options (the job name is the JES docs' one). */
export const DEFAULTS = {
  prefix: 'keptn_',
  job: 'job-executor-service',
  maxSeries: 1000,
  maxLineBytes: 1024 * 1024,
  timeoutMs: 10_000,
  deadlineMs: 60_000,
} as const;

/** The environment a run reads (run()'s argument; tests pass their own): never process.env deep inside. */
export type Env = Readonly<Record<string, string | undefined>>;

/** How a push to the Pushgateway is keyed and sent: set whether or not a URL is (--dry-run shows it). */
export interface PushgatewayKey {
  job: string;
  method: 'PUT' | 'POST';
  /** `--grouping k=v`, in the order given. */
  grouping: ReadonlyArray<readonly [string, string]>;
}

export interface PushgatewayConfig extends PushgatewayKey {
  /** Base URL without credentials and without a trailing slash. */
  url: URL;
  /** From the URL's user-info; never printed. */
  username?: string;
  password?: string;
  /** `--pushgateway-header 'K: V'`, for this backend only. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

export interface DynatraceConfig {
  /** The full ingest endpoint (`…/api/v2/metrics/ingest`, or a OneAgent `…/metrics/ingest`). */
  url: URL;
  /** Undefined for a OneAgent local endpoint. Never printed. */
  token?: string;
  /** `--dynatrace-header 'K: V'`, for this backend only. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

export interface HttpConfig {
  timeoutMs: number;
  deadlineMs: number;
  caFile?: string;
  insecure: boolean;
  /** `--header 'K: V'`, sent to every backend (a backend's own headers win). */
  headers: ReadonlyArray<readonly [string, string]>;
}

export interface Config {
  /**
   * keptn_<integration>_<name>, the Pushgateway's grouping key and the gate's series. Without
   * --integration: the preset's name, or with several presets their names joined by `_`.
   */
  integration: string;
  /**
   * Several presets and no --integration (or INTEGRATION_NAME): each preset's series are named
   * after that preset (keptn_jest_…, keptn_coverage_…), as when it runs alone (docs/presets.md).
   */
  namesPerPreset?: boolean;
  /**
   * `--preset auto` in filter mode: every preset reads the input and those whose marks are seen
   * are chosen (lib/extract/presets/catalog.ts); with none, the default parsers' series are kept.
   */
  autoPresets?: boolean;
  /** Replaces `keptn_` in `keptn_<integration>_<name>`. */
  prefix: string;
  /** ci_platform, the Keptn labels that are set or the CI context, then `--label` (later wins). */
  labels: Readonly<Record<string, string>>;
  /** The Keptn context for the Pushgateway grouping key (only those that are set). */
  keptn: { project?: string; stage?: string; service?: string };
  /** The CI context's grouping-key parts, also labels (lib/cli/ci-context.ts); ci_branch last when known. */
  ciGrouping: ReadonlyArray<readonly [string, string]>;
  /** A pull/merge request's target branch from the CI (lib/gate/branch.ts); --baseline-branch is in `gate`. */
  baselineBranch?: string;
  parsers: readonly ParserName[];
  patterns: readonly PatternRule[];
  jsonPaths: readonly JsonPathRule[];
  /** `--rules FILE`, in the order given (read and compiled by the run, lib/extract/rules/load.ts). */
  ruleFiles: readonly string[];
  /** `--preset NAME`, in the order given (`auto` already resolved; `list` is an action). */
  presets: readonly string[];
  /** The compiled rule files, set by the run once they are read. */
  ruleSets?: readonly RuleSet[];
  /** `--explain`: nothing is sent; what each rule and parser did goes to stderr. */
  explain: boolean;
  maxSeries: number;
  maxLineBytes: number;
  parseStderr: boolean;
  dryRun: boolean;
  dryRunFile?: string;
  /** --metrics-report FILE: the run's series as Prometheus text (GitLab's metrics report), written at the end. */
  metricsReport?: string;
  /** --job, --method and --grouping, also without a Pushgateway URL (for --dry-run). */
  pushgatewayKey: PushgatewayKey;
  pushgateway?: PushgatewayConfig;
  dynatrace?: DynatraceConfig;
  /** --otlp / OTEL_EXPORTER_OTLP_*. */
  otlp?: OtlpConfig;
  /** --remote-write, in the order given. */
  remoteWrite: readonly RemoteWriteConfig[];
  http: HttpConfig;
  failOnPushError: boolean;
  verbosity: 'quiet' | 'normal' | 'verbose';
  runMetrics: boolean;
  flushIntervalMs?: number;
  /** Wrap mode: the tool and its arguments (after `--`). */
  command?: readonly string[];
  /** --slo FILE and its companions: the quality gate (lib/gate/gate.ts). */
  gate?: GateOptions;
}
