// The one validated, immutable configuration a run works from (built by lib/config/args.ts).

import type { RuleSet } from '../rules/rule.js';

export type ParserName = 'kv' | 'json' | 'prom';
export const PARSER_NAMES: readonly ParserName[] = ['kv', 'json', 'prom'];

export interface PatternRule {
  /** Fixed metric name (`--pattern NAME=REGEX`), or undefined when the regex has a `name` group. */
  name?: string;
  regex: RegExp;
  /** The flag's text, for messages. */
  source: string;
}

export interface JsonPathRule {
  name: string;
  /** JSONPath, always starting with `$`. */
  path: string;
}

export interface PushgatewayConfig {
  /** Base URL without credentials and without a trailing slash. */
  url: URL;
  /** From the URL's user-info; never printed. */
  username?: string;
  password?: string;
  job: string;
  method: 'PUT' | 'POST';
  /** `--grouping k=v`, in the order given. */
  grouping: ReadonlyArray<readonly [string, string]>;
}

export interface DynatraceConfig {
  /** The full ingest endpoint (`…/api/v2/metrics/ingest`, or a OneAgent `…/metrics/ingest`). */
  url: URL;
  /** Undefined for a OneAgent local endpoint. Never printed. */
  token?: string;
}

export interface HttpConfig {
  timeoutMs: number;
  deadlineMs: number;
  caFile?: string;
  insecure: boolean;
  /** `--header 'K: V'`, sent to both backends. */
  headers: ReadonlyArray<readonly [string, string]>;
}

export interface Config {
  integration: string;
  /** Replaces `keptn_` in `keptn_<integration>_<name>`. */
  prefix: string;
  /** ci_platform, the Keptn labels that are set, then `--label` (later wins). */
  labels: Readonly<Record<string, string>>;
  /** The Keptn context for the Pushgateway grouping key (only those that are set). */
  keptn: { project?: string; stage?: string; service?: string };
  parsers: readonly ParserName[];
  patterns: readonly PatternRule[];
  jsonPaths: readonly JsonPathRule[];
  /** `--rules FILE`, in the order given (read and compiled by the run, lib/rules/load.ts). */
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
  pushgateway?: PushgatewayConfig;
  dynatrace?: DynatraceConfig;
  http: HttpConfig;
  failOnPushError: boolean;
  verbosity: 'quiet' | 'normal' | 'verbose';
  runMetrics: boolean;
  flushIntervalMs?: number;
  /** Wrap mode: the tool and its arguments (after `--`). */
  command?: readonly string[];
}
