// Flags + environment → one validated Config. Nothing here stops the passthrough: every
// problem becomes a message, and the run decides what still works (contract §3).

import { parseArgs } from 'node:util';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { DEFAULTS, type Config, type DynatraceConfig, type Env, type PushgatewayConfig } from './config.js';
import { PARSER_NAMES, type ParserName } from '../parse/default-parsers.js';
import { parseDuration } from './duration.js';
import { describeParseError } from './parse-errors.js';
import { parsePatternFlag, type PatternRule } from '../parse/pattern.js';
import { parseJsonPathFlag, type JsonPathRule } from '../parse/json-path.js';
import { pushgatewayUrl } from './pushgateway-url.js';
import { dynatraceIngestUrl, readDynatraceToken } from './dynatrace-url.js';
import { groupingLabels } from '../naming/grouping-key.js';
import { isGroupingLabelName } from '../naming/prometheus.js';
import { INPUT_NAME } from '../naming/metric-name.js';
import { gateOptions } from './gate-options.js';
import { otlpConfig } from './otlp-config.js';
import { remoteWriteConfigs } from './remote-write-config.js';
import { readText as readTextFile, type ReadText } from './read-text.js';
import { presetForCommand } from '../presets/auto.js';

export interface ConfigResult {
  action: 'run' | 'help' | 'version' | 'preset-list';
  config: Config;
  /** Flags we do not understand or cannot use: nothing is pushed, the input still passes through. */
  usageErrors: string[];
  /** A backend's own settings are wrong: that backend is off, the others still push. */
  backendErrors: string[];
  /** Worth saying, not wrong. */
  warnings: string[];
}


const OPTIONS = {
  integration: { type: 'string' },
  prefix: { type: 'string' },
  label: { type: 'string', multiple: true },
  parsers: { type: 'string' },
  pattern: { type: 'string', multiple: true },
  'json-path': { type: 'string', multiple: true },
  rules: { type: 'string', multiple: true },
  preset: { type: 'string', multiple: true },
  explain: { type: 'boolean' },
  'max-series': { type: 'string' },
  'max-line-length': { type: 'string' },
  'parse-stderr': { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  'dry-run-file': { type: 'string' },
  pushgateway: { type: 'string' },
  job: { type: 'string' },
  grouping: { type: 'string', multiple: true },
  method: { type: 'string' },
  'dt-url': { type: 'string' },
  'dt-token-file': { type: 'string' },
  otlp: { type: 'string' },
  'remote-write': { type: 'string', multiple: true },
  'remote-write-token-file': { type: 'string' },
  timeout: { type: 'string' },
  deadline: { type: 'string' },
  header: { type: 'string', multiple: true },
  'ca-file': { type: 'string' },
  insecure: { type: 'boolean' },
  'fail-on-push-error': { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  'no-run-metrics': { type: 'boolean' },
  'flush-interval': { type: 'string' },
  // Quality gate (lib/slo/options.ts).
  slo: { type: 'string' },
  sli: { type: 'string' },
  'slo-history': { type: 'string' },
  'slo-history-window': { type: 'string' },
  'slo-report': { type: 'string' },
  'slo-fail-on-warning': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;



/** `k=v` → [k, v]; the value may contain `=`. */
function splitPair(text: string): [string, string] | undefined {
  const i = text.indexOf('=');
  if (i <= 0) return undefined;
  return [text.slice(0, i).trim(), text.slice(i + 1)];
}

function positiveInt(text: string | undefined, fallback: number, flag: string, errors: string[]): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    errors.push(`${flag} needs a whole number above 0, got "${text}"`);
    return fallback;
  }
  return n;
}

/** Node's timers hold at most 2^31-1 ms (about 24.8 days); a longer one fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function duration(text: string | undefined, fallback: number | undefined, flag: string, errors: string[]): number | undefined {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined) errors.push(`${flag} needs a duration such as 10, 10s, 500ms or 2m, got "${text}"`);
  else if (ms > MAX_TIMER_MS) errors.push(`${flag} ${text} is longer than the ${Math.floor(MAX_TIMER_MS / 86_400_000)} days a timer can wait`);
  else return ms;
  return fallback;
}

/**
 * Headers that frame or route the request: undici sets them, and one from --header would make
 * a request the server cannot read (RFC 9110 §7.6.1 connection-specific fields, RFC 9112 §6).
 */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'host', 'upgrade', 'te', 'trailer', 'expect']);

function parseHeader(text: string): [string, string] | string {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `--header needs "Name: value", got "${text.slice(0, 40)}"`;
  const value = text.slice(i + 1).trim();
  if (/[\r\n\0]/.test(value)) return `--header ${name}: the value must not hold a line break or NUL`;
  if (FRAMING_HEADERS.has(name.toLowerCase())) return `--header ${name}: is set by the HTTP client itself and cannot be given`;
  return [name, value];
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Splits argv at the first `--`: our options before it, the tool to run (wrap mode) after it. */
function splitCommand(argv: readonly string[]): { ours: string[]; command?: string[] } {
  const i = argv.indexOf('--');
  if (i === -1) return { ours: [...argv] };
  return { ours: argv.slice(0, i), command: argv.slice(i + 1) };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v;
}

export function parseConfig(argv: readonly string[], env: Env, readText: ReadText = readTextFile): ConfigResult {
  const usageErrors: string[] = [];
  const backendErrors: string[] = [];
  const warnings: string[] = [];
  const { ours, command } = splitCommand(argv);

  let values: Values;
  try {
    values = parseArgs({ args: ours, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // An unknown flag or a missing value: say which, then read what we can so the rest still
    // gets reported, but nothing is pushed (a typo like --dryrun must not push for real).
    usageErrors.push(describeParseError(err, Object.keys(OPTIONS)));
    values = parseLenient(ours).values;
  }

  if (command !== undefined && command.length === 0) usageErrors.push('nothing to run after "--" (wrap mode needs: -- TOOL [ARGS…])');

  // `--preset auto` (wrap mode): the preset named after the wrapped tool.
  const presets = (values.preset ?? []).map((p) => p.trim()).filter((p) => p !== 'list');
  const autoAt = presets.indexOf('auto');
  if (autoAt >= 0) {
    const picked = command !== undefined ? presetForCommand(command) : undefined;
    if (command === undefined) usageErrors.push('--preset auto only works in wrap mode (-- TOOL ARGS…): it picks the preset from the tool');
    else if (picked === undefined) usageErrors.push(`--preset auto: no preset for ${JSON.stringify(command.join(' ').slice(0, 80))} (--preset list shows them)`);
    else warnings.push(`--preset auto: using preset ${picked} for ${command[0]}`);
    presets.splice(autoAt, 1, ...(picked !== undefined ? [picked] : []));
  }
  // One preset names the integration unless --integration or INTEGRATION_NAME does.
  const integration = nonEmpty(values.integration) ?? nonEmpty(env.INTEGRATION_NAME) ?? (new Set(presets).size === 1 ? (presets[0] as string) : '');
  const keptn = {
    project: nonEmpty(env.KEPTN_PROJECT),
    stage: nonEmpty(env.KEPTN_STAGE),
    service: nonEmpty(env.KEPTN_SERVICE),
  };

  const labels: Record<string, string> = { ci_platform: 'keptn' };
  if (keptn.project) labels.keptn_project = keptn.project;
  if (keptn.service) labels.keptn_service = keptn.service;
  if (keptn.stage) labels.keptn_stage = keptn.stage;
  for (const text of values.label ?? []) {
    const pair = splitPair(text);
    if (!pair || !INPUT_NAME.test(pair[0])) usageErrors.push(`--label needs NAME=VALUE with a label name like region or app_tier, got "${text}"`);
    else labels[pair[0]] = pair[1];
  }

  // With a preset the preset's rules read the input; the default parsers only if --parsers asks
  // (a TAP diagnostic `duration_ms: 0.7` is not a metric of the run).
  let parsers: ParserName[] = values.preset !== undefined && values.preset.length > 0 ? [] : [...PARSER_NAMES];
  if (values.parsers !== undefined) {
    const names = values.parsers.split(',').map((s) => s.trim()).filter(Boolean);
    if (names.length === 1 && names[0] === 'none') parsers = [];
    else {
      const unknown = names.filter((n) => !(PARSER_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0 || names.length === 0) usageErrors.push(`--parsers takes a comma-separated list of ${PARSER_NAMES.join(', ')} (or none), got "${values.parsers}"`);
      else parsers = [...new Set(names as ParserName[])];
    }
  }

  const patterns: PatternRule[] = [];
  for (const text of values.pattern ?? []) {
    const rule = parsePatternFlag(text);
    // The parser's message already starts with `--pattern "…"`.
    if ('error' in rule) usageErrors.push(rule.error);
    else patterns.push(rule);
  }
  const jsonPaths: JsonPathRule[] = [];
  for (const text of values['json-path'] ?? []) {
    const rule = parseJsonPathFlag(text);
    if ('error' in rule) usageErrors.push(rule.error);
    else jsonPaths.push(rule);
  }

  const headers: [string, string][] = [];
  for (const text of values.header ?? []) {
    const header = parseHeader(text);
    if (typeof header === 'string') usageErrors.push(header);
    else headers.push(header);
  }

  const timeoutMs = duration(values.timeout, DEFAULTS.timeoutMs, '--timeout', usageErrors)!;
  const deadlineMs = duration(values.deadline, DEFAULTS.deadlineMs, '--deadline', usageErrors)!;
  const flushIntervalMs = duration(values['flush-interval'], undefined, '--flush-interval', usageErrors);

  let method: 'PUT' | 'POST' = 'PUT';
  if (values.method !== undefined) {
    const m = values.method.toUpperCase();
    if (m === 'PUT' || m === 'POST') method = m;
    else usageErrors.push(`--method takes put or post, got "${values.method}"`);
  }

  const grouping: [string, string][] = [];
  for (const text of values.grouping ?? []) {
    const pair = splitPair(text);
    if (!pair || !isGroupingLabelName(pair[0])) {
      usageErrors.push(`--grouping needs NAME=VALUE with a Prometheus label name, got "${text}"`);
    } else grouping.push(pair);
  }

  let pushgateway: PushgatewayConfig | undefined;
  const pgwText = nonEmpty(values.pushgateway) ?? nonEmpty(env.PROM_GATEWAY);
  if (pgwText !== undefined) {
    const parsed = pushgatewayUrl(pgwText);
    if ('error' in parsed) backendErrors.push(`pushgateway: ${parsed.error}`);
    else {
      const job = values.job ?? DEFAULTS.job;
      pushgateway = { url: parsed.url, username: parsed.username, password: parsed.password, job, method, grouping };
    }
  }

  let dynatrace: DynatraceConfig | undefined;
  const dtText = nonEmpty(values['dt-url']) ?? nonEmpty(env.DT_TENANT);
  if (dtText !== undefined) {
    const parsed = dynatraceIngestUrl(dtText);
    if ('error' in parsed) backendErrors.push(`dynatrace: ${parsed.error}`);
    else {
      const token = readDynatraceToken(env, values['dt-token-file'], parsed.oneAgent, readText);
      if (token.error !== undefined) backendErrors.push(`dynatrace: ${token.error}`);
      else {
        if (token.warning !== undefined) warnings.push(`dynatrace: ${token.warning}`);
        dynatrace = { url: parsed.url, token: token.token };
      }
    }
  } else if (values['dt-token-file'] !== undefined) {
    usageErrors.push('--dt-token-file given without --dt-url or DT_TENANT');
  }

  // OTLP and remote write: their own modules read their flags and environment.
  const otlp = otlpConfig(values.otlp, env);
  backendErrors.push(...otlp.errors);
  warnings.push(...otlp.warnings);
  const remote = remoteWriteConfigs(values['remote-write'] ?? [], values['remote-write-token-file'], env, readText);
  backendErrors.push(...remote.errors);
  warnings.push(...remote.warnings);

  const dryRun = values['dry-run'] === true || values['dry-run-file'] !== undefined;
  const dryRunFolder = values['dry-run-file'] !== undefined ? dirname(values['dry-run-file']) : undefined;
  if (dryRunFolder !== undefined && !isFolder(dryRunFolder)) usageErrors.push(`--dry-run-file ${values['dry-run-file']}: the folder ${dryRunFolder} does not exist`);
  if (pushgateway || dryRun) {
    // The grouping key as the Pushgateway will see it: refused here, before any input is read.
    try {
      groupingLabels({ job: values.job ?? DEFAULTS.job, integration, keptn, grouping });
    } catch (err) {
      usageErrors.push((err as Error).message);
    }
  }
  if (values['ca-file'] !== undefined) {
    try {
      readText(values['ca-file']);
    } catch (err) {
      usageErrors.push(`cannot read --ca-file ${values['ca-file']}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  const explain = values.explain === true;
  if ((dryRun || pushgateway || dynatrace || otlp.config || remote.configs.length > 0) && !explain && integration === '') {
    usageErrors.push('--integration NAME (or INTEGRATION_NAME) is required: it is part of every metric name, keptn_<integration>_<name>');
  }
  if (values.quiet && values.verbose) usageErrors.push('--quiet and --verbose contradict each other');
  if (values['parse-stderr'] && command === undefined) usageErrors.push('--parse-stderr only works in wrap mode (-- TOOL ARGS…)');

  // Quality gate: the flags here; the files are read and checked at the start of the run.
  const gate = gateOptions(values);
  usageErrors.push(...gate.errors);
  if (gate.options && integration === '') usageErrors.push('--slo needs --integration NAME (or INTEGRATION_NAME): the gate\'s series are keptn_<integration>_slo_score and _slo_result');

  const config: Config = {
    integration,
    prefix: values.prefix ?? DEFAULTS.prefix,
    labels,
    keptn,
    parsers,
    patterns,
    jsonPaths,
    ruleFiles: values.rules ?? [],
    presets,
    explain,
    maxSeries: positiveInt(values['max-series'], DEFAULTS.maxSeries, '--max-series', usageErrors),
    maxLineBytes: positiveInt(values['max-line-length'], DEFAULTS.maxLineBytes, '--max-line-length', usageErrors),
    parseStderr: values['parse-stderr'] === true,
    dryRun,
    dryRunFile: values['dry-run-file'],
    pushgatewayKey: { job: values.job ?? DEFAULTS.job, method, grouping },
    pushgateway,
    dynatrace,
    otlp: otlp.config,
    remoteWrite: remote.configs,
    http: { timeoutMs, deadlineMs, caFile: values['ca-file'], insecure: values.insecure === true, headers },
    failOnPushError: values['fail-on-push-error'] === true,
    verbosity: values.quiet ? 'quiet' : values.verbose ? 'verbose' : 'normal',
    runMetrics: values['no-run-metrics'] !== true,
    flushIntervalMs,
    command,
    ...(gate.options ? { gate: gate.options } : {}),
  };
  const action = values.help ? 'help' : values.version ? 'version' : values.preset?.some((p) => p.trim() === 'list') ? 'preset-list' : 'run';
  return { action, config, usageErrors, backendErrors, warnings };
}

type Values = ReturnType<typeof _parseStrictShape>['values'];

/**
 * After a strict parse failed: the same options, unknown ones and positionals ignored, and a
 * string option that came without its value (`--job` last) left out rather than read as `true`.
 */
function parseLenient(args: string[]): { values: Values } {
  const loose = parseArgs({ args, options: OPTIONS, strict: false, allowPositionals: true }).values as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const v = loose[name];
    if (spec.type === 'boolean') {
      if (v === true) kept[name] = true;
    } else if ('multiple' in spec && spec.multiple) {
      const list = (Array.isArray(v) ? v : []).filter((x): x is string => typeof x === 'string');
      if (list.length > 0) kept[name] = list;
    } else if (typeof v === 'string') kept[name] = v;
  }
  return { values: kept as Values };
}

// Only for its type: what a strict parse of OPTIONS returns.
function _parseStrictShape() {
  return parseArgs({ args: [], options: OPTIONS, strict: true, allowPositionals: false });
}
