// Flags + environment → one validated Config. Nothing here stops the passthrough: every
// problem becomes a message, and the run decides what still works (docs/reference/exit-status.md).

import { parseArgs } from 'node:util';
import {
  DEFAULTS,
  type Config,
  type DynatraceConfig,
  type Env,
  type PushgatewayConfig,
  type PushgatewayKey,
} from './config.js';
import { PARSER_NAMES, type ParserName } from '../extract/parsers/default-parsers.js';
import { parseDuration } from './duration.js';
import { describeParseError } from './parse-errors.js';
import { parsePatternFlag, type PatternRule } from '../extract/parsers/pattern.js';
import { parseJsonPathFlag, type JsonPathRule } from '../extract/parsers/json-path.js';
import { pushgatewayUrl } from '../sinks/pushgateway/settings.js';
import { dynatraceIngestUrl, readDynatraceToken } from '../sinks/dynatrace/settings.js';
import { groupingLabels } from '../sinks/pushgateway/grouping-key.js';
import { isGroupingLabelName } from '../store/prometheus-names.js';
import { INPUT_NAME } from '../store/metric-name.js';
import { gateOptions } from '../gate/options.js';
import { BRANCH_LABEL, branchContext } from '../gate/branch.js';
import { otlpConfig } from '../sinks/otlp/settings.js';
import { remoteWriteConfigs } from '../sinks/remote-write/settings.js';
import { fileProblem, outputFileProblem, readText as readTextFile, type ReadText } from '../files.js';
import { presetForCommand } from '../extract/presets/auto.js';
import { boundEnvValue, ciContextFromFlags, cutWarning } from './ci-context.js';
import { ALL_NAMES, canonicalArgs, parseArgsOptions, type FlagValues } from './flags.js';

export interface ConfigResult {
  action: 'run' | 'help' | 'help-short' | 'version' | 'preset-list' | 'ci-list';
  config: Config;
  /** Flags we do not understand or cannot use: nothing is pushed, the input still passes through. */
  usageErrors: string[];
  /** A backend's own settings are wrong: that backend is off, the others still push. */
  backendErrors: string[];
  /** Worth saying, not wrong. */
  warnings: string[];
}

const OPTIONS = parseArgsOptions();

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

function duration(
  text: string | undefined,
  fallback: number | undefined,
  flag: string,
  errors: string[],
): number | undefined {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined) errors.push(`${flag} needs a duration such as 10, 10s, 500ms or 2m, got "${text}"`);
  else if (ms > MAX_TIMER_MS)
    errors.push(`${flag} ${text} is longer than the ${Math.floor(MAX_TIMER_MS / 86_400_000)} days a timer can wait`);
  else return ms;
  return fallback;
}

/**
 * Headers that frame or route the request: undici sets them, and one from --header would make
 * a request the server cannot read (RFC 9110 §7.6.1 connection-specific fields, RFC 9112 §6).
 */
const FRAMING_HEADERS = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'host',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);

function parseHeader(text: string): [string, string] | string {
  const i = text.indexOf(':');
  const name = i > 0 ? text.slice(0, i).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return `--header needs "Name: value", got "${text.slice(0, 40)}"`;
  const value = text.slice(i + 1).trim();
  if (/[\r\n\0]/.test(value)) return `--header ${name}: the value must not hold a line break or NUL`;
  if (FRAMING_HEADERS.has(name.toLowerCase()))
    return `--header ${name}: is set by the HTTP client itself and cannot be given`;
  return [name, value];
}

/** `--header` and the backends' own `--<backend>-header`: each 'Name: value', checked alike. */
function headersOf(texts: readonly string[] | undefined, problems: Problems): [string, string][] {
  const headers: [string, string][] = [];
  for (const text of texts ?? []) {
    const header = parseHeader(text);
    if (typeof header === 'string') problems.usage.push(header);
    else headers.push(header);
  }
  return headers;
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

/** What the flags and the environment had to say, by how much it stops. */
interface Problems {
  /** Nothing is pushed (exit 2). */
  usage: string[];
  /** One backend is off (exit 2), the others push. */
  backend: string[];
  warnings: string[];
}

/** OTLP and remote write: their own modules read their flags and environment. */
function otlpAndRemoteWriteOf(values: FlagValues, env: Env, readText: ReadText, problems: Problems) {
  const otlp = otlpConfig(values.otlp, env, headersOf(values['otlp-header'], problems));
  problems.backend.push(...otlp.errors);
  problems.warnings.push(...otlp.warnings);
  const remote = remoteWriteConfigs(
    values['remote-write'] ?? [],
    values['remote-write-token-file'],
    env,
    readText,
    headersOf(values['remote-write-header'], problems),
  );
  problems.backend.push(...remote.errors);
  problems.warnings.push(...remote.warnings);
  if (values['otlp-header'] && !otlp.config && otlp.errors.length === 0)
    problems.usage.push('--otlp-header given without --otlp or OTEL_EXPORTER_OTLP_ENDPOINT');
  if (values['remote-write-header'] && !values['remote-write'])
    problems.usage.push('--remote-write-header given without --remote-write');
  return { otlp, remote };
}

function verbosityOf(values: FlagValues): Config['verbosity'] {
  if (values.quiet) return 'quiet';
  return values.verbose ? 'verbose' : 'normal';
}

/** The caps on series and line length, and whether stderr is read too. */
function inputLimitsOf(
  values: FlagValues,
  problems: Problems,
): Pick<Config, 'maxSeries' | 'maxLineBytes' | 'parseStderr'> {
  return {
    maxSeries: positiveInt(values['max-series'], DEFAULTS.maxSeries, '--max-series', problems.usage),
    maxLineBytes: positiveInt(values['max-line-length'], DEFAULTS.maxLineBytes, '--max-line-length', problems.usage),
    parseStderr: values['parse-stderr'] === true,
  };
}

/** Push failures, verbosity and the run's own metrics. */
function runBehaviourOf(values: FlagValues): Pick<Config, 'failOnPushError' | 'verbosity' | 'runMetrics'> {
  return {
    failOnPushError: values['fail-on-push-error'] === true,
    verbosity: verbosityOf(values),
    runMetrics: values['no-run-metrics'] !== true,
  };
}

/** Whether the run sends anything (or shows what it would send). */
function sendsAnywhere(
  dryRun: boolean,
  pushgateway: Config['pushgateway'],
  dynatrace: Config['dynatrace'],
  otlp: Config['otlp'],
  remoteWrite: Config['remoteWrite'],
): boolean {
  return dryRun || pushgateway !== undefined || dynatrace !== undefined || otlp !== undefined || remoteWrite.length > 0;
}

export function parseConfig(argv: readonly string[], env: Env, readText: ReadText = readTextFile): ConfigResult {
  const problems: Problems = { usage: [], backend: [], warnings: [] };
  const { ours, command } = splitCommand(argv);
  const values = readFlags(canonicalArgs(ours), problems);
  if (command !== undefined && command.length === 0)
    problems.usage.push('nothing to run after "--" (wrap mode needs: -- TOOL [ARGS…])');

  const presets = resolvePresets(values, command, problems);
  // --preset auto in filter mode: every preset is tried on the input.
  const autoPresets = command === undefined && (values.preset ?? []).some((p) => p.trim() === 'auto');
  const naming = namingOf(values, env, autoPresets ? ['auto', ...presets] : presets, problems);
  const extraction = extractionOf(values, problems, autoPresets);
  const http = httpOf(values, problems);
  const pgw = pushgatewayOf(values, env, problems);
  const dynatrace = dynatraceOf(values, env, readText, problems);
  const { otlp, remote } = otlpAndRemoteWriteOf(values, env, readText, problems);
  // Quality gate: the flags here; the files are read and checked at the start of the run.
  const gate = gateOptions(values);
  problems.usage.push(...gate.errors);

  const dryRun = values['dry-run'] === true || values['dry-run-file'] !== undefined;
  const explain = values.explain === true;
  const sends = sendsAnywhere(dryRun, pgw.pushgateway, dynatrace, otlp.config, remote.configs);
  checkTogether(
    values,
    {
      command,
      naming,
      key: pgw.key,
      pushgatewayOn: pgw.pushgateway !== undefined,
      dryRun,
      sends: sends && !explain,
      gate: gate.options !== undefined,
    },
    readText,
    problems,
  );

  const config: Config = {
    ...naming,
    prefix: values.prefix ?? DEFAULTS.prefix,
    ...extraction,
    ruleFiles: values.rules ?? [],
    presets,
    ...(autoPresets ? { autoPresets } : {}),
    explain,
    ...inputLimitsOf(values, problems),
    dryRun,
    dryRunFile: values['dry-run-file'],
    ...(values['metrics-report'] !== undefined ? { metricsReport: values['metrics-report'] } : {}),
    pushgatewayKey: pgw.key,
    pushgateway: pgw.pushgateway,
    dynatrace,
    otlp: otlp.config,
    remoteWrite: remote.configs,
    http: http.http,
    ...runBehaviourOf(values),
    flushIntervalMs: http.flushIntervalMs,
    command,
    ...(gate.options ? { gate: gate.options } : {}),
  };
  const action = actionOf(values, ours);
  return { action, config, usageErrors: problems.usage, backendErrors: problems.backend, warnings: problems.warnings };
}

/** --help, -h, --version, --list-presets, --show-ci-context (and their older spellings), or a run. */
function actionOf(values: Values, args: readonly string[]): ConfigResult['action'] {
  if (values.help) return args.includes('--help') ? 'help' : 'help-short';
  if (values.version) return 'version';
  if (values['list-presets'] || values.preset?.some((p) => p.trim() === 'list')) return 'preset-list';
  if (values['show-ci-context'] || values['ci-context']?.trim() === 'list') return 'ci-list';
  return 'run';
}

/** The flags, strictly; after an unknown flag or a missing value, what can still be read. */
function readFlags(args: string[], problems: Problems): Values {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }).values as Values;
  } catch (err) {
    // Say which, then read what we can so the rest still gets reported, but nothing is pushed
    // (a typo like --dryrun must not push for real).
    problems.usage.push(describeParseError(err, ALL_NAMES));
    return parseLenient(args).values;
  }
}

/** --preset, with `auto` (wrap mode) replaced by the preset named after the wrapped tool. */
function resolvePresets(values: Values, command: string[] | undefined, problems: Problems): string[] {
  const presets = (values.preset ?? []).map((p) => p.trim()).filter((p) => p !== 'list');
  const autoAt = presets.indexOf('auto');
  if (autoAt < 0) return presets;
  // Filter mode: chosen by content at the end of input (Config.autoPresets).
  if (command === undefined) return presets.filter((p) => p !== 'auto');
  const picked = presetForCommand(command);
  if (picked === undefined)
    problems.usage.push(
      `--preset auto: no preset for ${JSON.stringify(command.join(' ').slice(0, 80))} (--preset list shows them)`,
    );
  else problems.warnings.push(`--preset auto: using preset ${picked} for ${command[0]}`);
  presets.splice(autoAt, 1, ...(picked !== undefined ? [picked] : []));
  return presets;
}

type Naming = Pick<Config, 'integration' | 'namesPerPreset' | 'keptn' | 'labels' | 'ciGrouping' | 'baselineBranch'>;

/** The integration, the Keptn context, the CI context and the labels every metric gets. */
function namingOf(values: Values, env: Env, presets: readonly string[], problems: Problems): Naming {
  // One preset names the integration unless --integration or INTEGRATION_NAME does.
  // Several presets: the run's integration is their names joined by `_`, and each preset's
  // series keep that preset's name (namesPerPreset).
  const given = nonEmpty(values.integration) ?? nonEmpty(env.INTEGRATION_NAME);
  const distinct = [...new Set(presets)];
  const integration = given ?? distinct.join('_');
  // `auto` (filter mode) names the run `auto`; the presets it chooses keep their own names.
  // Bounded like the CI context's values (lib/cli/ci-context.ts), said once.
  const cut: string[] = [];
  const fromEnv = (name: string, label: string): string | undefined => {
    const v = nonEmpty(env[name]);
    if (v === undefined) return undefined;
    const bounded = boundEnvValue(v);
    if (bounded.cut) cut.push(label);
    return bounded.value;
  };
  const keptn = {
    project: fromEnv('KEPTN_PROJECT', 'keptn_project'),
    stage: fromEnv('KEPTN_STAGE', 'keptn_stage'),
    service: fromEnv('KEPTN_SERVICE', 'keptn_service'),
  };
  problems.warnings.push(...cutWarning(cut));
  // CI context (lib/cli/ci-context.ts): inside Keptn or a plain shell only ci_platform="keptn".
  const ci = ciContextFromFlags(env, values['ci-context'], values['label-from-env'] ?? []);
  problems.usage.push(...ci.errors);
  problems.warnings.push(...ci.warnings);
  const labels: Record<string, string> = { ci_platform: ci.platform };
  if (keptn.project) labels.keptn_project = keptn.project;
  if (keptn.service) labels.keptn_service = keptn.service;
  if (keptn.stage) labels.keptn_stage = keptn.stage;
  for (const [name, value] of ci.parts) labels[name] = value;
  // The branch (lib/gate/branch.ts): a label and the last CI grouping-key part, unless a
  // --label-from-env already names ci_branch.
  const branch = branchContext(
    env,
    { branch: values.branch, baselineBranch: values['baseline-branch'] },
    ci.mode !== 'none',
  );
  problems.warnings.push(...branch.warnings);
  const parts: Array<readonly [string, string]> = [...ci.parts];
  if (branch.branch !== undefined && !parts.some(([name]) => name === BRANCH_LABEL)) {
    labels[BRANCH_LABEL] = branch.branch;
    parts.push([BRANCH_LABEL, branch.branch]);
  }
  for (const text of values.label ?? []) {
    const pair = splitPair(text);
    if (!pair || !INPUT_NAME.test(pair[0]))
      problems.usage.push(`--label needs NAME=VALUE with a label name like region or app_tier, got "${text}"`);
    else labels[pair[0]] = pair[1];
  }
  // A --label of a CI part's name sets its grouping-key value too (the label and the key agree).
  const ciGrouping = parts.map(([name]) => [name, labels[name] as string] as const);
  return {
    integration,
    ...(given === undefined && (distinct.length > 1 || distinct[0] === 'auto') ? { namesPerPreset: true } : {}),
    keptn,
    labels,
    ciGrouping,
    ...(branch.baselineBranch !== undefined ? { baselineBranch: branch.baselineBranch } : {}),
  };
}

/** The default parsers and the command line's rules (--pattern, --json-path). */
function extractionOf(
  values: Values,
  problems: Problems,
  autoPresets: boolean,
): Pick<Config, 'parsers' | 'patterns' | 'jsonPaths'> {
  // With a preset the preset's rules read the input; the default parsers only if --parsers asks
  // (a TAP diagnostic `duration_ms: 0.7` is not a metric of the run).
  // --preset auto alone in filter mode keeps them: when no preset is chosen they read the input as without it.
  const onlyAuto = autoPresets && values.preset !== undefined && values.preset.every((p) => p.trim() === 'auto');
  let parsers: ParserName[] =
    values.preset !== undefined && values.preset.length > 0 && !onlyAuto ? [] : [...PARSER_NAMES];
  if (values.parsers !== undefined) {
    const names = values.parsers
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (names.length === 1 && names[0] === 'none') parsers = [];
    else {
      const unknown = names.filter((n) => !(PARSER_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0 || names.length === 0)
        problems.usage.push(
          `--parsers takes a comma-separated list of ${PARSER_NAMES.join(', ')} (or none), got "${values.parsers}"`,
        );
      else parsers = [...new Set(names as ParserName[])];
    }
  }
  const patterns: PatternRule[] = [];
  for (const text of values.pattern ?? []) {
    const rule = parsePatternFlag(text);
    // The parser's message already starts with `--pattern "…"`.
    if ('error' in rule) problems.usage.push(rule.error);
    else patterns.push(rule);
  }
  const jsonPaths: JsonPathRule[] = [];
  for (const text of values['json-path'] ?? []) {
    const rule = parseJsonPathFlag(text);
    if ('error' in rule) problems.usage.push(rule.error);
    else jsonPaths.push(rule);
  }
  return { parsers, patterns, jsonPaths };
}

/** Timeouts, the deadline, extra headers and TLS: the same for every backend. */
function httpOf(values: Values, problems: Problems): { http: Config['http']; flushIntervalMs: number | undefined } {
  const headers = headersOf(values.header, problems);
  const timeoutMs = duration(values.timeout, DEFAULTS.timeoutMs, '--timeout', problems.usage)!;
  const deadlineMs = duration(values.deadline, DEFAULTS.deadlineMs, '--deadline', problems.usage)!;
  const flushIntervalMs = duration(values['flush-interval'], undefined, '--flush-interval', problems.usage);
  return {
    http: { timeoutMs, deadlineMs, caFile: values['ca-file'], insecure: values.insecure === true, headers },
    flushIntervalMs,
  };
}

/** --job, --method, --grouping (also for --dry-run), and the Pushgateway when one is named. */
function pushgatewayOf(
  values: Values,
  env: Env,
  problems: Problems,
): { key: PushgatewayKey; pushgateway?: PushgatewayConfig } {
  let method: 'PUT' | 'POST' = 'PUT';
  const methodText = values['pushgateway-method'];
  if (methodText !== undefined) {
    const m = methodText.toUpperCase();
    if (m === 'PUT' || m === 'POST') method = m;
    else problems.usage.push(`--method takes put or post, got "${methodText}"`);
  }
  const grouping: [string, string][] = [];
  for (const text of values['pushgateway-grouping'] ?? []) {
    const pair = splitPair(text);
    if (!pair || !isGroupingLabelName(pair[0]))
      problems.usage.push(`--grouping needs NAME=VALUE with a Prometheus label name, got "${text}"`);
    else grouping.push(pair);
  }
  const key: PushgatewayKey = { job: values['pushgateway-job'] ?? DEFAULTS.job, method, grouping };
  const text = nonEmpty(values.pushgateway) ?? nonEmpty(env.PROM_GATEWAY);
  const headers = headersOf(values['pushgateway-header'], problems);
  if (text === undefined) {
    if (headers.length > 0) problems.usage.push('--pushgateway-header given without --pushgateway or PROM_GATEWAY');
    return { key };
  }
  const parsed = pushgatewayUrl(text);
  if ('error' in parsed) {
    problems.backend.push(`pushgateway: ${parsed.error}`);
    return { key };
  }
  const pushgateway: PushgatewayConfig = {
    url: parsed.url,
    username: parsed.username,
    password: parsed.password,
    ...key,
  };
  return { key, pushgateway: headers.length > 0 ? { ...pushgateway, headers } : pushgateway };
}

/** The Dynatrace endpoint and its token, when one is named. */
function dynatraceOf(values: Values, env: Env, readText: ReadText, problems: Problems): DynatraceConfig | undefined {
  const text = nonEmpty(values.dynatrace) ?? nonEmpty(env.DT_TENANT);
  const headers = headersOf(values['dynatrace-header'], problems);
  if (text === undefined) {
    if (values['dynatrace-token-file'] !== undefined)
      problems.usage.push('--dt-token-file given without --dt-url or DT_TENANT');
    if (headers.length > 0) problems.usage.push('--dynatrace-header given without --dynatrace or DT_TENANT');
    return undefined;
  }
  const parsed = dynatraceIngestUrl(text);
  if ('error' in parsed) {
    problems.backend.push(`dynatrace: ${parsed.error}`);
    return undefined;
  }
  const token = readDynatraceToken(env, values['dynatrace-token-file'], parsed.oneAgent, readText);
  if (token.error !== undefined) {
    problems.backend.push(`dynatrace: ${token.error}`);
    return undefined;
  }
  if (token.warning !== undefined) problems.warnings.push(`dynatrace: ${token.warning}`);
  return { url: parsed.url, token: token.token, ...(headers.length > 0 ? { headers } : {}) };
}

interface Together {
  command: string[] | undefined;
  naming: Naming;
  key: PushgatewayKey;
  pushgatewayOn: boolean;
  dryRun: boolean;
  /** Something will be sent or printed (not --explain). */
  sends: boolean;
  gate: boolean;
}

/** What only fails in combination, found now rather than at the end of the input. */
function checkTogether(values: Values, c: Together, readText: ReadText, problems: Problems): void {
  // Every file the run writes, by one rule (lib/files.ts): a path that cannot be written is
  // refused now, before the input, not found out at the end.
  for (const flag of ['dry-run-file', 'metrics-report', 'slo-report', 'slo-junit', 'slo-markdown'] as const) {
    const path = values[flag];
    const problem = path === undefined ? undefined : outputFileProblem(`--${flag}`, path);
    if (problem !== undefined) problems.usage.push(problem);
  }
  if (c.pushgatewayOn || c.dryRun) {
    // The grouping key as the Pushgateway will see it: refused here, before any input is read.
    try {
      groupingLabels({
        job: c.key.job,
        integration: c.naming.integration,
        keptn: c.naming.keptn,
        ci: c.naming.ciGrouping,
        grouping: c.key.grouping,
      });
    } catch (err) {
      problems.usage.push((err as Error).message);
    }
  }
  if (values['ca-file'] !== undefined) {
    try {
      // A FIFO nobody writes reads as empty at once (lib/files.ts): no certificate is an error.
      if (readText(values['ca-file']).trim() === '')
        problems.usage.push(`--ca-file ${values['ca-file']} is empty (or a FIFO nobody has opened for writing)`);
    } catch (err) {
      problems.usage.push(`cannot read --ca-file ${values['ca-file']}: ${fileProblem(err)}`);
    }
  }
  if (c.sends && c.naming.integration === '') {
    problems.usage.push(
      '--integration NAME (or INTEGRATION_NAME) is required: it is part of every metric name, keptn_<integration>_<name>',
    );
  }
  if (values.quiet && values.verbose) problems.usage.push('--quiet and --verbose contradict each other');
  if (values['parse-stderr'] && c.command === undefined)
    problems.usage.push('--parse-stderr only works in wrap mode (-- TOOL ARGS…)');
  if (c.gate && c.naming.integration === '') {
    problems.usage.push(
      "--slo needs --integration NAME (or INTEGRATION_NAME): the gate's series are keptn_<integration>_slo_score and _slo_result",
    );
  }
}

type Values = FlagValues;

/**
 * After a strict parse failed: the same options, unknown ones and positionals ignored, and a
 * string option that came without its value (`--job` last) left out rather than read as `true`.
 */
function parseLenient(args: string[]): { values: Values } {
  const loose = parseArgs({ args, options: OPTIONS, strict: false, allowPositionals: true }).values as Record<
    string,
    unknown
  >;
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
