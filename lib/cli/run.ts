// One run, in the order the data flows: the configuration, the inputs (passed through to stdout
// and split into lines for the extractor), the signals, the collection at the end of input, the
// push, the summary, the exit status.

import { parseConfig, type ConfigResult } from './args.js';
import type { Config, Env } from './config.js';
import { VERSION } from '../version.js';
import { Reporter, summaryLine } from '../report/report.js';
import { maskConfigLabels, registerSecrets } from './run/secrets.js';
import { SeriesStore, type Series } from '../store/series.js';
import { Extractor } from '../extract/extractor.js';
import type { Sample } from '../extract/parsers/sample.js';
import type { BackendOutcome } from '../sinks/backend.js';
import { ConfiguredBackends } from '../sinks/registry.js';
import { startInputs, type Inputs, type Streams } from './run/inputs.js';
import { discardEarlyTool, type ToolExit } from '../input/child.js';
import { AUTO_DOCUMENT_LIMIT, DOCUMENT_LIMIT } from '../input/document.js';
import { SignalWatch, type SignalSource } from './run/signals.js';
import { exitStatus, SIGNAL_STATUS } from './run/exit-status.js';
import { startFlushing } from './run/flush.js';
import { drainOutputs, EXIT_DRAIN_MS, exitAfterDrain } from './run/exit-drain.js';
import type { Gate } from '../gate/gate.js';
import { Timings } from './run/timings.js';
import type { Writable } from 'node:stream';
import type { Evaluation, GateResult } from '../gate/evaluate.js';
import type { SloSpec } from '../gate/slo-file.js';

/** What a run came to, for a caller that reports it elsewhere (the GitHub Action's outputs, lib/cli/github-action.ts). */
export interface RunResult {
  status: number;
  /** Series extracted (the gate's result series not counted). */
  series: number;
  /** Every backend accepted everything (false for a dry run, or with no backend). */
  pushed: boolean;
  /** `backend: summary` of each backend that did not accept everything (secrets masked). */
  pushFailures: string[];
  gate?: { result: GateResult; score: number; evaluation: Evaluation; spec: SloSpec };
}

/**
 * What a run gets: its arguments, its environment and its streams. The entry (bin/) hands over
 * the process's own (stdin as fd 0, the process as the signal source); a test hands over its
 * streams and runs the whole program in process. Nothing under lib/ reaches for process.std*.
 */
export interface RunOptions extends Streams {
  argv: readonly string[];
  env: Env;
  /** SIGINT, SIGTERM, SIGHUP, SIGQUIT, and how to leave at once; no signal is watched without one. */
  signals?: SignalSource;
  /** Gets what the run came to, at its end. */
  onResult?: (result: RunResult) => void;
}

/** One run of the program: argv, env and the streams in, the exit status out (and, to `onResult`, what it came to). */
export async function run(opts: RunOptions): Promise<number> {
  const { argv, env, onResult } = opts;
  const started = Date.now();
  const timings = new Timings();
  const parsed = parseConfig(argv, env);
  if (parsed.action !== 'run') return printAndLeave(parsed.action, env, opts.stdout);
  const { config } = parsed;
  // The input is read (and the tool runs) from here on; the rules, presets and gate load beside it.
  const early = startInputs(config, env, opts);
  const { reporter, stderrGone } = openReporter(parsed, env, opts.stderr);
  // Quality gate (--slo): its files are read and checked now, before any input; earlier results are requested.
  const gate = config.gate ? await startQualityGate(config, parsed, reporter, env) : undefined;
  await loadRules(config, parsed);
  reportConfig(reporter, parsed);
  const usable = parsed.usageErrors.length === 0;

  const store = new SeriesStore(config.maxSeries);
  const extractor = new Extractor(config, store, reporter);
  const inputs = early.connect(extractor, reporter);
  let inputEnded = false;
  const signals = watchSignals(opts, { inputs, extractor, reporter, store }, () => inputEnded);
  const { backends, flusher } = startBackends(config, usable, reporter, env, opts, store);

  timings.end('setup');
  const toolExit = await inputs.finished();
  inputEnded = true;
  timings.end('input');
  // stdout and stderr get until the deadline (counted from here, as the push's) to take our bytes.
  const drainUntil = Date.now() + config.http.deadlineMs;
  const flushing = flusher?.stop();
  await endOfInput(config, inputs, extractor, toolExit, started, signals.received !== undefined);

  // The gate is evaluated before the push, so its result series go with the metrics.
  const gateOutcome = gate && usable ? await gate.evaluate(store.list()) : undefined;
  timings.end('collect');
  // A failed wrap-mode run merges (POST) instead of replacing (PUT): the last success's
  // timestamp stays in the group, as the Pushgateway batch-job pattern wants.
  const outcomes = await pushAtEnd(backends, gateOutcome?.series ?? store.list(), {
    merge: toolExit !== undefined && toolExit.status !== 0 && config.runMetrics,
    flushing,
    deadlineMs: config.http.deadlineMs,
  });
  timings.end('push');
  const gateResult = gate && gateOutcome ? { spec: gate.spec, evaluation: gateOutcome.evaluation } : undefined;
  if (usable) await writeReports(config, gateOutcome?.series ?? store.list(), gateResult, started, reporter);

  const status = exitStatus({
    toolStatus: toolExit?.status,
    signal: signals.received,
    stdoutLost: inputs.stdoutLost(),
    configError: !usable || parsed.backendErrors.length > 0 || backends?.setupFailed === true,
    gateStatus: gateOutcome?.status ?? 0,
    pushFailed: outcomes.some((o) => !o.ok),
    failOnPushError: config.failOnPushError,
  });
  reporter.verbose(timings.describe());
  reportEnd(reporter, {
    inputs,
    extractor,
    store,
    outcomes,
    noBackend: usable && backends?.none === true,
    gateSummary: gateOutcome?.summary,
    toolSummary: toolSummaryOf(config.command, toolExit, status),
  });
  onResult?.(resultOf(status, store.size, config.dryRun, outcomes, gateResult, reporter));
  signals.stop();
  await drainAtExit(opts, inputs, stderrGone, drainUntil);
  return status;
}

/** What the run came to, for `onResult`. */
function resultOf(
  status: number,
  series: number,
  dryRun: boolean,
  outcomes: readonly BackendOutcome[],
  gate: { spec: SloSpec; evaluation: Evaluation } | undefined,
  reporter: Reporter,
): RunResult {
  return {
    status,
    series,
    pushed: !dryRun && outcomes.length > 0 && outcomes.every((o) => o.ok),
    pushFailures: outcomes.filter((o) => !o.ok).map((o) => reporter.redact(`${o.backend}: ${o.summary}`)),
    ...(gate ? { gate: { result: gate.evaluation.result, score: gate.evaluation.score, ...gate } } : {}),
  };
}

/** The CI reports (--metrics-report, --slo-junit): written whatever the push did (lib/cli/run/ci-reports.ts). */
async function writeReports(
  config: Config,
  series: readonly Series[],
  gate: { spec: SloSpec; evaluation: Evaluation } | undefined,
  started: number,
  reporter: Reporter,
): Promise<void> {
  if (config.metricsReport === undefined && config.gate?.junitFile === undefined) return;
  const { writeCiReports } = await import('./run/ci-reports.js');
  await writeCiReports({ config, series, ...(gate ? { gate } : {}), started, reporter });
}

/** Wrap mode's last line about the tool: how it ended, and the run's exit status. */
function toolSummaryOf(command: Config['command'], toolExit: ToolExit | undefined, status: number): string | undefined {
  if (toolExit === undefined) return undefined;
  const toolName = command?.[0] || '""';
  if (toolExit.spawnError) return `${toolName} could not be started (${toolExit.status}), exit status ${status}`;
  return `${toolName} exited ${toolExit.status}${toolExit.signal ? ` (${toolExit.signal})` : ''}, exit status ${status}`;
}

/** --help, -h, --version, --list-presets, --show-ci-context: print, and that is the run. */
async function printAndLeave(
  action: Exclude<ConfigResult['action'], 'run'>,
  env: Env,
  stdout: Writable,
): Promise<number> {
  if (action === 'ci-list') {
    const { ciContext, describeCiContext } = await import('./ci-context.js');
    await drained(stdout, describeCiContext(env, ciContext(env, 'auto', [])));
    return 0;
  }
  discardEarlyTool();
  if (action === 'preset-list') {
    const { presetList } = await import('../extract/presets/catalog.js');
    await drained(stdout, await presetList());
  } else if (action === 'version') await drained(stdout, `${VERSION}\n`);
  else {
    const { fullHelp, shortHelp } = await import('./help.js');
    await drained(stdout, action === 'help' ? fullHelp() : shortHelp());
  }
  return 0;
}

/** The input has ended: its last lines are read and matched, and the run's own series collected. */
async function endOfInput(
  config: Config,
  inputs: Inputs,
  extractor: Extractor,
  toolExit: ToolExit | undefined,
  started: number,
  signalled: boolean,
): Promise<void> {
  inputs.endLines(signalled);
  // Lines the --pattern rules have not matched yet (they are matched in batches, lib/extract/rules/safe-regex.ts).
  extractor.drain(signalled);
  await collectAtEnd(config, inputs, extractor, toolExit, started);
}

/** stdout and stderr may be slow pipes: process.exit() would drop what they have not taken yet. */
async function drainAtExit(
  opts: RunOptions,
  inputs: Inputs,
  stderrGone: () => boolean,
  drainUntil: number,
): Promise<void> {
  const outputs = [...(inputs.stdoutBroken() ? [] : [opts.stdout]), ...(stderrGone() ? [] : [opts.stderr])];
  await drainOutputs(outputs, Math.max(drainUntil, Date.now() + EXIT_DRAIN_MS));
}

/** The backends (none with --explain or a usage error), preparing now, and the periodic push if asked for. */
function startBackends(
  config: Config,
  usable: boolean,
  reporter: Reporter,
  env: Env,
  opts: RunOptions,
  store: SeriesStore,
): { backends: ConfiguredBackends | undefined; flusher: ReturnType<typeof startFlushing> | undefined } {
  // --explain sends nothing: no backend is even set up.
  const backends =
    usable && !config.explain
      ? new ConfiguredBackends(config, reporter, env, (text) => opts.stderr.write(text))
      : undefined;
  // What the push needs is loaded while the input comes, not after it ends.
  backends?.prepare();
  const flusher =
    backends && config.flushIntervalMs !== undefined && !config.dryRun
      ? startFlushing(backends, store, config.flushIntervalMs)
      : undefined;
  return { backends, flusher };
}

/**
 * The push at the end of input. --deadline counts from here and covers a periodic push still in
 * flight: awaiting that one and then giving the final push a fresh deadline took up to twice as long.
 */
async function pushAtEnd(
  backends: ConfiguredBackends | undefined,
  series: readonly Series[],
  o: { merge: boolean; flushing: Promise<unknown> | undefined; deadlineMs: number },
): Promise<BackendOutcome[]> {
  if (!backends) return [];
  const deadlineAt = Date.now() + o.deadlineMs;
  await o.flushing;
  const outcomes = await backends.pushAll(series, { final: true, merge: o.merge, deadlineAt });
  await backends.close();
  return outcomes;
}

/** The reporter on stderr, with every secret registered; stderrGone() once stderr's reader went away. */
function openReporter(
  parsed: ConfigResult,
  env: Env,
  stderr: Writable,
): { reporter: Reporter; stderrGone: () => boolean } {
  const { config } = parsed;
  // stderr can go away too (`2>&1 | head -1`): then there is nobody to tell, and no reason to crash.
  let stderrGone = false;
  stderr.on('error', () => (stderrGone = true));
  const reporter = new Reporter({
    verbosity: config.verbosity,
    write: (t) => {
      if (!stderrGone) stderr.write(t);
    },
  });
  registerSecrets(reporter, config, env);
  const masked = maskConfigLabels(config, reporter);
  if (masked.length > 0)
    reporter.warn(`a credential reached the label or grouping-key part ${masked.join(', ')}: sent as ***`);
  return { reporter, stderrGone: () => stderrGone };
}

/** What the configuration had to say, once the gate's files were checked too. */
function reportConfig(reporter: Reporter, parsed: ConfigResult): void {
  const { config } = parsed;
  for (const e of parsed.usageErrors) reporter.error(e);
  for (const e of parsed.backendErrors) reporter.error(e);
  for (const w of parsed.warnings) reporter.warn(w);
  if (parsed.usageErrors.length > 0)
    reporter.error('nothing will be pushed; the input is still passed through (exit status 2)');
  else if (config.http.insecure) reporter.warn('--insecure: TLS certificates are not verified');
}

/**
 * Rule files (--rules) and built-in presets (--preset, the same format, embedded): read here,
 * not in parseConfig, so YAML is loaded only when one is named. A bad file is a usage error.
 */
async function loadRules(config: Config, parsed: ConfigResult): Promise<void> {
  if (config.ruleFiles.length > 0) {
    const { loadRuleFiles } = await import('../extract/rules/load.js');
    const { readText, SPEC_FILE_LIMITS } = await import('../files.js');
    const loaded = await loadRuleFiles(config.ruleFiles, (p) => readText(p, SPEC_FILE_LIMITS));
    parsed.usageErrors.push(...loaded.errors);
    config.ruleSets = loaded.sets;
  }
  if (config.presets.length > 0 || config.autoPresets) {
    const { loadPresets, presetNames } = await import('../extract/presets/catalog.js');
    const loaded = await loadPresets(config.presets, config.namesPerPreset === true);
    parsed.usageErrors.push(...loaded.errors);
    if (config.autoPresets) {
      // --preset auto (filter mode): every other preset reads the input; their marks choose.
      const others = await loadPresets(
        presetNames().filter((n) => !config.presets.includes(n)),
        config.namesPerPreset === true,
      );
      parsed.usageErrors.push(...others.errors);
      loaded.sets.push(...others.sets.map((set) => ({ ...set, auto: true })));
    }
    config.ruleSets = [...loaded.sets, ...(config.ruleSets ?? [])];
  }
}

/** Loaded only with --slo. A file that is wrong is a usage error, found before any input is read. */
async function startQualityGate(
  config: Config,
  parsed: ConfigResult,
  reporter: Reporter,
  env: Env,
): Promise<Gate | undefined> {
  if (!config.gate) return undefined;
  const { startRunGate } = await import('../gate/io.js');
  const started = await startRunGate({ ...config, gate: config.gate }, reporter, env);
  if ('errors' in started) {
    parsed.usageErrors.push(...started.errors);
    return undefined;
  }
  return started;
}

/** At the end of input: the --json-path document, wrap mode's run metrics, the problem count. */
async function collectAtEnd(
  config: Config,
  inputs: Inputs,
  extractor: Extractor,
  toolExit: ToolExit | undefined,
  started: number,
): Promise<void> {
  const { document } = inputs;
  if (document) {
    if (document.overflow)
      extractor.problem(
        `document rules: the input is over ${document.limit} bytes; it was not parsed as a JSON or XML document` +
          (document.limit === AUTO_DOCUMENT_LIMIT
            ? ` (--preset auto keeps up to ${AUTO_DOCUMENT_LIMIT} bytes as a document; a named --preset, up to ${DOCUMENT_LIMIT})`
            : ''),
      );
    else await extractor.documents(document.text());
  }
  if (toolExit && config.runMetrics) extractor.addSamples(runSamples(toolExit, started));
  extractor.finish();
}

interface RunEnd {
  inputs: Inputs;
  extractor: Extractor;
  store: SeriesStore;
  outcomes: readonly BackendOutcome[];
  noBackend: boolean;
  /** The quality gate's part of the summary line (--slo). */
  gateSummary: string | undefined;
  /** Wrap mode: what the tool returned and what we return, the summary's last part. */
  toolSummary: string | undefined;
}

/** The summary line and what goes with it. */
function reportEnd(reporter: Reporter, end: RunEnd): void {
  const { inputs, extractor, store } = end;
  if (end.noBackend) {
    reporter.warn(
      'no backend configured (--pushgateway/PROM_GATEWAY, --dt-url/DT_TENANT, --otlp/OTEL_EXPORTER_OTLP_ENDPOINT, --remote-write, or --dry-run): the metrics were not sent',
    );
  }
  // Last, and never withheld by the stderr budget.
  reporter.summary(
    summaryLine({
      lines: inputs.lines(),
      overlong: inputs.overlong(),
      metrics: extractor.metricsFound,
      series: store.size,
      dropped: store.dropped,
      droppedExamples: store.droppedExamples,
      unusable: extractor.problems,
      outcomes: end.outcomes,
      noBackend: end.noBackend,
    }) +
      (end.gateSummary !== undefined ? `; ${end.gateSummary}` : '') +
      (end.toolSummary !== undefined ? `; ${end.toolSummary}` : ''),
  );
}

interface RunParts {
  inputs: Inputs;
  extractor: Extractor;
  reporter: Reporter;
  store: SeriesStore;
}

/** The first signal ends the input (or waits for the push, if the input has ended); a second one leaves. */
function watchSignals(opts: RunOptions, parts: RunParts, inputEnded: () => boolean): SignalWatch {
  const { inputs, extractor, reporter, store } = parts;
  const source = opts.signals;
  return new SignalWatch(source, {
    first: (sig) => {
      if (inputEnded()) reporter.info(`${sig}: finishing the push first (a second signal leaves at once)`);
      else {
        reporter.info(
          `${sig}: ${inputs.tool ? 'forwarded to the tool' : 'stopped reading'}; pushing what was collected`,
        );
        inputs.interrupt(sig);
      }
    },
    leave: (sig) => {
      extractor.drain(true); // the lines the rules have not matched yet (bounded by their time budget)
      // leave() runs only for a signal, so there is a source to leave through.
      leaveNow(sig, reporter, store, (status) => void exitAfterDrain(status, opts.stderr, (s) => source?.exit(s)));
    },
  });
}

/** A second signal (or SIGQUIT): leave now, but not with the numbers unsaid (they reach a slow stderr first). */
function leaveNow(sig: NodeJS.Signals, reporter: Reporter, store: SeriesStore, leave: (status: number) => void): void {
  reporter.error(`${sig}: exiting without waiting for the push`);
  const lines = store.list().map((s) => {
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return `${s.name}{${labels.join(',')}} ${s.value}`;
  });
  if (lines.length > 0) reporter.block(`not pushed (${lines.length} series):`, lines.join('\n'));
  leave(SIGNAL_STATUS[sig] ?? 1);
}

/** Writes `text` and resolves once it (and all before it) is handed to the OS. */
function drained(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    // A reader gone (`--help | head -1`) is not our error.
    stream.once('error', () => resolve());
    stream.write(text, () => resolve());
  });
}

/** Wrap mode records the run itself (the Pushgateway batch-job pattern). */
function runSamples(exit: ToolExit, started: number): Sample[] {
  const samples: Sample[] = [
    { name: 'exit_code', value: exit.status, labels: {} },
    { name: 'duration_seconds', value: (Date.now() - started) / 1000, labels: {} },
  ];
  if (exit.status === 0)
    samples.push({ name: 'last_success_timestamp_seconds', value: Math.floor(Date.now() / 1000), labels: {} });
  return samples;
}
