// Wires the stages and owns shutdown: source → passthrough to stdout and, in parallel,
// → line splitter → parsers → series store; at the end (EOF, signal) → backends → report.

import { parseConfig, type Env } from './config/args.js';
import { HELP } from './config/help.js';
import { VERSION } from './version.js';
import { Reporter, summaryLine } from './report.js';
import { SeriesStore } from './series.js';
import { Extractor } from './extract.js';
import { LineSplitter } from './lines.js';
import { passThrough } from './passthrough.js';
import type { ToolRun, ToolExit } from './source/child.js';
import { DocumentCollector } from './source/document.js';
import { WordPrecheck } from './rules/word-gate.js';
import { stdinInput, streamInput, type Input, type InputOptions } from './source/input.js';
import type { BackendOutcome } from './backends/backend.js';
import { ConfiguredBackends } from './backends/configured.js';

const SIGNAL_STATUS: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };
/** How long the tool's output is still read after it exited (a background child may hold the pipe). */
const DRAIN_GRACE_MS = 3000;

/** One run of the program: argv and env in, the exit status out. */
export async function run(argv: readonly string[], env: Env): Promise<number> {
  const started = Date.now();
  const parsed = parseConfig(argv, env);
  const { config } = parsed;
  if (parsed.action === 'help' || parsed.action === 'version') {
    await drained(process.stdout, parsed.action === 'help' ? HELP : `${VERSION}\n`);
    return 0;
  }
  if (parsed.action === 'preset-list') {
    const { presetList } = await import('./presets/catalog.js');
    await drained(process.stdout, await presetList());
    return 0;
  }

  // stderr can go away too (`2>&1 | head -1`): then there is nobody to tell, and no reason to crash.
  let stderrGone = false;
  process.stderr.on('error', () => (stderrGone = true));
  const reporter = new Reporter({
    verbosity: config.verbosity,
    write: (t) => {
      if (!stderrGone) process.stderr.write(t);
    },
  });
  reporter.addSecret(config.dynatrace?.token);
  reporter.addSecret(env.DT_API_TOKEN?.trim());
  reporter.addSecret(config.pushgateway?.password);
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) addUrlSecrets(reporter, env[name]);
  for (const e of parsed.usageErrors) reporter.error(e);
  for (const e of parsed.backendErrors) reporter.error(e);
  for (const w of parsed.warnings) reporter.warn(w);
  // Rule files are read here, not in parseConfig: YAML is loaded only when one is given.
  if (config.ruleFiles.length > 0) {
    const { loadRuleFiles } = await import('./rules/load.js');
    const { readFileSync } = await import('node:fs');
    const loaded = await loadRuleFiles(config.ruleFiles, (p) => readFileSync(p, 'utf8'));
    for (const e of loaded.errors) reporter.error(e);
    parsed.usageErrors.push(...loaded.errors);
    config.ruleSets = loaded.sets;
  }
  // Built-in presets: the same rule files, embedded; loaded (and YAML with them) only when named.
  if (config.presets.length > 0) {
    const { loadPresets } = await import('./presets/catalog.js');
    const loaded = await loadPresets(config.presets);
    for (const e of loaded.errors) reporter.error(e);
    parsed.usageErrors.push(...loaded.errors);
    config.ruleSets = [...loaded.sets, ...(config.ruleSets ?? [])];
  }
  const usable = parsed.usageErrors.length === 0;
  if (!usable) reporter.error('nothing will be pushed; the input is still passed through (exit status 2)');
  if (usable && config.http.insecure) reporter.warn('--insecure: TLS certificates are not verified');

  const store = new SeriesStore(config.maxSeries);
  const extractor = new Extractor(config, store, reporter);
  const precheck = extractor.precheck();
  const splitter = new LineSplitter({
    maxLineBytes: config.maxLineBytes,
    precheck,
    // The WebAssembly scanner applies the default parsers' gate only, not the rules' words.
    wasm: !(precheck instanceof WordPrecheck),
    // The number now: --pattern rules name the line later, after more lines were read.
    onLine: (text) => {
      const n = splitter.lines;
      extractor.line(text, () => `line ${n}`);
    },
  });

  const document = extractor.documentRules.length > 0 ? new DocumentCollector() : undefined;
  let stdoutBroken = false;
  const inputOptions: InputOptions = {
    dest: process.stdout,
    onChunk: (chunk) => {
      splitter.push(chunk);
      document?.add(chunk);
    },
    onBroken: (err) => {
      stdoutBroken = true;
      reporter.verbose(`stdout closed early (${err.code ?? err.message}); still reading the input to the end`);
    },
    onError: (err) => reporter.error(`reading input failed: ${err.message}`),
  };

  // The source: our stdin, or the tool's stdout (and stderr) in wrap mode.
  let tool: ToolRun | undefined;
  let forwardSignal: (tool: ToolRun, sig: NodeJS.Signals) => void = () => undefined;
  let input: Input;
  if (config.command !== undefined && config.command.length > 0) {
    // Loaded here only: filter mode never pays for child_process (about 4 ms of every start).
    const child = await import('./source/child.js');
    forwardSignal = child.forwardSignal;
    tool = child.runTool(config.command);
    input = streamInput(tool.stdout, inputOptions);
  } else input = stdinInput(inputOptions);
  const ended: Promise<unknown>[] = [input.done];

  let stderrSplitter: LineSplitter | undefined;
  if (tool) {
    if (config.parseStderr) {
      const stderrPrecheck = extractor.precheck();
      const lines = new LineSplitter({
        maxLineBytes: config.maxLineBytes,
        precheck: stderrPrecheck,
        wasm: !(stderrPrecheck instanceof WordPrecheck),
        onLine: (text) => {
          const n = lines.lines;
          extractor.line(text, () => `stderr line ${n}`);
        },
      });
      stderrSplitter = lines;
      const stderrInput = streamInput(tool.stderr, {
        dest: process.stderr,
        onChunk: (chunk) => lines.push(chunk),
        onBroken: () => undefined,
        onError: (err) => reporter.error(`reading the tool's stderr failed: ${err.message}`),
      });
      ended.push(stderrInput.done);
    } else passThrough(tool.stderr, process.stderr, () => undefined);
  }

  // Signals: stop reading (filter mode) or forward to the tool and keep draining it (wrap mode).
  let signal: NodeJS.Signals | undefined;
  let stopReading: () => void = () => undefined;
  const inputDone = new Promise<void>((resolve) => {
    stopReading = resolve;
    void Promise.all(ended).then(() => resolve());
  });
  const onSignal = (sig: NodeJS.Signals): void => {
    if (signal !== undefined) {
      // A second signal: the user insists. Leave now, but not with the numbers unsaid.
      reporter.error(`${sig} again: exiting without pushing`);
      extractor.drain(); // the lines the --pattern rules have not matched yet (bounded by their budget)
      printCollected(reporter, store);
      process.exit(SIGNAL_STATUS[sig] ?? 1);
    }
    signal = sig;
    reporter.info(`${sig}: ${tool ? 'forwarded to the tool' : 'stopped reading'}; pushing what was collected`);
    if (tool) forwardSignal(tool, sig);
    else {
      input.stop();
      stopReading();
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // --explain sends nothing: no backend is even set up.
  const backends = usable && !config.explain ? new ConfiguredBackends(config, reporter) : undefined;
  let flushing: Promise<unknown> | undefined;
  const flushTimer =
    backends && config.flushIntervalMs !== undefined && !config.dryRun
      ? setInterval(() => {
          if (flushing) return;
          flushing = backends.pushAll(store.list(), false).finally(() => (flushing = undefined));
        }, config.flushIntervalMs)
      : undefined;

  let toolExit: ToolExit | undefined;
  if (tool) {
    toolExit = await tool.done;
    if (toolExit.spawnError) reporter.error(`cannot run ${config.command![0]}: ${toolExit.spawnError.code ?? toolExit.spawnError.message}`);
  }
  if (tool && !(await settlesWithin(inputDone, DRAIN_GRACE_MS))) {
    reporter.warn(`the tool exited but its output stayed open for ${DRAIN_GRACE_MS / 1000}s (a background process holding it?); stopped reading`);
    tool.stdout.destroy();
    tool.stderr.destroy();
    stopReading();
  }
  await inputDone;
  if (flushTimer) clearInterval(flushTimer);
  // After a signal in filter mode the last line may be cut short: it is not parsed.
  if (signal === undefined || tool) {
    splitter.end();
    stderrSplitter?.end();
  }
  // Lines the --pattern rules have not seen yet (they are matched a turn of the event loop later).
  extractor.drain();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // A second signal during the push leaves at once rather than waiting for the deadline.
  const onLateSignal = (sig: NodeJS.Signals): void => {
    reporter.error(`${sig}: exiting without waiting for the push`);
    printCollected(reporter, store);
    process.exit(SIGNAL_STATUS[sig] ?? 1);
  };
  process.once('SIGINT', onLateSignal);
  process.once('SIGTERM', onLateSignal);

  if (document) {
    if (document.overflow) extractor.problem(`document rules: the input is over ${document.limit} bytes; it was not parsed as a JSON or XML document`);
    else await extractor.documents(document.text());
  }
  if (tool && toolExit && config.runMetrics) extractor.addSamples(runSamples(toolExit, started));
  extractor.finish();

  const series = store.list();
  let outcomes: BackendOutcome[] = [];
  if (backends) {
    // --deadline counts from the end of input and covers a periodic push still in flight:
    // awaiting that one and then giving the final push a fresh deadline took up to twice as long.
    const deadlineAt = Date.now() + config.http.deadlineMs;
    if (flushing) await flushing;
    // A failed wrap-mode run merges (POST) instead of replacing (PUT): the last success's
    // timestamp stays in the group, as the Pushgateway batch-job pattern wants.
    const merge = toolExit !== undefined && toolExit.status !== 0 && config.runMetrics;
    outcomes = await backends.pushAll(series, true, merge, deadlineAt);
    await backends.close();
  }

  reporter.info(
    summaryLine({
      lines: splitter.lines + (stderrSplitter?.lines ?? 0),
      overlong: splitter.overlong + (stderrSplitter?.overlong ?? 0),
      metrics: extractor.metricsFound,
      series: store.size,
      dropped: store.dropped,
      droppedExamples: store.droppedExamples,
      unusable: extractor.problems,
      outcomes,
      noBackend: usable && !config.explain && !backends?.any,
    }),
  );
  if (usable && backends && !backends.any) {
    reporter.warn('no backend configured (--pushgateway/PROM_GATEWAY, --dt-url/DT_TENANT, or --dry-run): the metrics were not sent');
  }
  reporter.flushWithheld();
  process.off('SIGINT', onLateSignal);
  process.off('SIGTERM', onLateSignal);

  // stdout may be a file or a slow pipe: let it drain before the exit.
  if (!stdoutBroken) await drained(process.stdout, '');
  const pushFailed = outcomes.some((o) => !o.ok);
  if (toolExit && toolExit.status !== 0) return toolExit.status;
  if (signal !== undefined && !tool) return SIGNAL_STATUS[signal] ?? 1;
  if (!usable || parsed.backendErrors.length > 0 || backends?.setupFailed) return 2;
  if (pushFailed && config.failOnPushError) return 3;
  return 0;
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([work.then(() => true), late]);
  clearTimeout(timer);
  return settled;
}

/** A proxy URL's password (and user) are secrets too, should a message ever quote the URL. */
function addUrlSecrets(reporter: Reporter, text: string | undefined): void {
  if (!text) return;
  try {
    const url = new URL(text);
    for (const part of [url.password, url.username]) {
      reporter.addSecret(part);
      reporter.addSecret(decodeURIComponent(part));
    }
  } catch {
    // not a URL: undici will say so when it is used
  }
}

/** When leaving without a push: the values, one series a line, so they are not lost. */
function printCollected(reporter: Reporter, store: SeriesStore): void {
  const lines = store.list().map((s) => {
    const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
    return `${s.name}{${labels.join(',')}} ${s.value}`;
  });
  if (lines.length > 0) reporter.block(`not pushed (${lines.length} series):`, lines.join('\n'));
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
function runSamples(exit: ToolExit, started: number) {
  const samples = [
    { name: 'exit_code', value: exit.status, labels: {} },
    { name: 'duration_seconds', value: (Date.now() - started) / 1000, labels: {} },
  ];
  if (exit.status === 0) samples.push({ name: 'last_success_timestamp_seconds', value: Math.floor(Date.now() / 1000), labels: {} });
  return samples;
}

