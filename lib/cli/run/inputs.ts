// Opens the run's inputs: our stdin (filter mode) or the tool's stdout and stderr (wrap mode),
// each passed through to our stdout/stderr and split into lines for the extractor, and the
// document that --json-path reads at the end.

import type { Config, Env } from '../config.js';
import type { Extractor } from '../../extract/extractor.js';
import { LineSplitter } from '../../input/lines.js';
import type { Reporter } from '../../report/report.js';
import { forwardSignal, runTool, type ToolExit, type ToolRun } from '../../input/child.js';
import { AUTO_DOCUMENT_LIMIT, DOCUMENT_LIMIT, DocumentCollector } from '../../input/document.js';
import { stdinInput, streamInput, type Input, type StdinSource } from '../../input/sources.js';
import { passThrough } from '../../input/passthrough.js';
import { stdoutFailureLosesOutput, stdoutFailureMessage } from '../../input/stdout-failure.js';
import { EARLY_MAX_BYTES, EarlyChunks } from '../../input/early-chunks.js';
import type { EndingSignal } from './signals.js';
import type { Readable, Writable } from 'node:stream';

/** The run's own streams (the process's, handed over by the entry). */
export interface Streams {
  /** Filter mode's input. */
  stdin: StdinSource | Readable;
  stdout: Writable;
  stderr: Writable;
}

/** How long the tool's output is still read after it exited (a background child may hold the pipe). */
const DRAIN_GRACE_MS = 3000;

export interface Inputs {
  /** Wrap mode's tool. */
  readonly tool: ToolRun | undefined;
  readonly document: DocumentCollector | undefined;
  /** Lines read (stdout and, with --parse-stderr, the tool's stderr). */
  lines(): number;
  overlong(): number;
  /** Whether a write to stdout failed (the reader went away); the input was still read. */
  stdoutBroken(): boolean;
  /** Whether stdout failed in a way that lost output (ENOSPC, EIO: exit 74), not a reader gone. */
  stdoutLost(): boolean;
  /** The first signal: stop reading (filter mode) or forward it to the tool (wrap mode). */
  interrupt(sig: EndingSignal): void;
  /** Resolves at the end of input (and the tool's exit, in wrap mode) with the tool's exit. */
  finished(): Promise<ToolExit | undefined>;
  /** The final line without `\n` is parsed, unless a signal cut the input short in filter mode. */
  endLines(interrupted: boolean): void;
}

/** The inputs, started before the extractor exists (lib/cli/run.ts opens them first): their lines wait in `connect`. */
export interface StartedInputs {
  /** Hands the lines read so far, and from now on, to the extractor; reports what happened meanwhile. */
  connect(extractor: Extractor, reporter: Reporter): Inputs;
}

/**
 * Starts reading the input (filter mode) or the tool (wrap mode) now, passing it through to stdout
 * from the first byte: nothing waits for the rules, presets, backends or gate to load (issue 29).
 */
// The object it returns is the other steps' view of the inputs, its methods sharing one closure.
export function startInputs(config: Config, env: Env, io: Streams): StartedInputs {
  const stdoutChunks = new EarlyChunks();
  const stderrChunks =
    config.parseStderr && config.command !== undefined && config.command.length > 0 ? new EarlyChunks() : undefined;
  // Until connect(), what there is to say waits for the reporter.
  const later = new LaterReports();
  const say = (report: (r: Reporter) => void): void => later.say(report);
  const stdout = { broken: false, lost: false };
  const opts = passOptions(io.stdout, stdoutChunks, stdout, say);

  const { tool, forward, input, ended } = openSource(config, io, stderrChunks, opts, say);

  let stopReading: () => void = () => undefined;
  const inputDone = new Promise<void>((resolve) => {
    stopReading = resolve;
    void Promise.all(ended).then(() => resolve());
  });

  return {
    connect(extractor, reporter) {
      later.connect(reporter);
      const document = extractor.wantsDocument
        ? new DocumentCollector(extractor.documentOnlyForAuto ? AUTO_DOCUMENT_LIMIT : DOCUMENT_LIMIT)
        : undefined;
      const stdoutLines = linesOf(config, extractor, 'line');
      const skipped = stdoutChunks.connect((chunk, owned) => {
        stdoutLines.push(chunk);
        // True: the document kept the chunk itself, and the input reads into a new buffer.
        return document?.add(chunk, owned) === true;
      });
      if (skipped > 0) reportSkipped(reporter, 'input', skipped);
      const stderrLines = stderrChunks ? linesOf(config, extractor, 'stderr line') : undefined;
      const stderrSkipped = stderrLines ? (stderrChunks?.connect((chunk) => stderrLines.push(chunk)) ?? 0) : 0;
      if (stderrSkipped > 0) reportSkipped(reporter, "the tool's stderr", stderrSkipped);
      return {
        tool,
        document,
        lines: () => stdoutLines.lines + (stderrLines?.lines ?? 0),
        overlong: () => stdoutLines.overlong + (stderrLines?.overlong ?? 0),
        stdoutBroken: () => stdout.broken,
        stdoutLost: () => stdout.lost,
        interrupt(sig) {
          if (tool) forward(sig);
          else {
            input.stop();
            stopReading();
          }
        },
        async finished() {
          if (!tool) {
            await inputDone;
            return undefined;
          }
          return toolFinished(tool, { command: config.command ?? [], env, reporter, inputDone, stopReading });
        },
        endLines(interrupted) {
          if (interrupted && !tool) return;
          stdoutLines.end();
          stderrLines?.end();
        },
      };
    },
  };
}

/** How the input passes to stdout: every chunk also kept for the lines; a broken stdout said and noted in `state`. */
function passOptions(
  dest: Writable,
  chunks: EarlyChunks,
  state: { broken: boolean; lost: boolean },
  say: (report: (r: Reporter) => void) => void,
): Parameters<typeof stdinInput>[1] {
  return {
    dest,
    onChunk: (chunk: Buffer) => chunks.push(chunk),
    onBroken: (err: NodeJS.ErrnoException) => {
      state.broken = true;
      // A reader gone (`| head -1`) is said under -v only; a full disk or EIO lost the output (exit 74).
      state.lost = stdoutFailureLosesOutput(err);
      say((r) => (state.lost ? r.error(stdoutFailureMessage(err)) : r.verbose(stdoutFailureMessage(err))));
    },
    onError: (err: Error) => say((r) => r.error(`reading input failed: ${err.message}`)),
  };
}

/** What there is to say before the reporter exists: kept, and said once it does. */
class LaterReports {
  #pending: ((r: Reporter) => void)[] = [];
  #reporter: Reporter | undefined;

  say(report: (r: Reporter) => void): void {
    if (this.#reporter) report(this.#reporter);
    else this.#pending.push(report);
  }

  connect(reporter: Reporter): void {
    this.#reporter = reporter;
    for (const report of this.#pending.splice(0)) report(reporter);
  }
}

/** The input opened: the tool started (wrap mode) or stdin read (filter mode), passed through by `opts`. */
function openSource(
  config: Config,
  io: Streams,
  stderrChunks: EarlyChunks | undefined,
  opts: Parameters<typeof stdinInput>[1],
  say: (report: (r: Reporter) => void) => void,
): { tool: ToolRun | undefined; forward: (sig: EndingSignal) => void; input: Input; ended: Promise<unknown>[] } {
  if (config.command !== undefined && config.command.length > 0) {
    const wrapped = openTool(config.command, config, io.stderr, stderrChunks, say);
    const input = streamInput(wrapped.tool.stdout, opts);
    return {
      tool: wrapped.tool,
      forward: wrapped.forward,
      input,
      ended: [...(wrapped.stderrDone ? [wrapped.stderrDone] : []), input.done],
    };
  }
  const input = stdinInput(io.stdin, opts);
  return { tool: undefined, forward: () => undefined, input, ended: [input.done] };
}

/** Input passed through while the rules loaded, but more than was kept for them (lib/input/early-chunks.ts). */
function reportSkipped(reporter: Reporter, what: string, bytes: number): void {
  reporter.warn(
    `${what}: ${bytes} bytes (and the rest of their last line) passed through while the rules loaded were not parsed (over the ${EARLY_MAX_BYTES / 1048576} MiB kept for them); the lines after them were`,
  );
}

/** The line splitter of one stream, each line handed to the extractor with its number (`where`: `line`, `stderr line`). */
function linesOf(config: Config, extractor: Extractor, where: string): LineSplitter {
  const lines = new LineSplitter({
    maxLineBytes: config.maxLineBytes,
    precheck: extractor.precheck(),
    tail: extractor.lineTail(where),
    // The number now: --pattern rules name the line later, after more lines were read.
    onLine: (text) => {
      const n = lines.lines;
      extractor.line(text, () => `${where} ${n}`);
    },
  });
  return lines;
}

/** Wrap mode's end: the tool's exit, and its output read to the end (or given up on after DRAIN_GRACE_MS). */
async function toolFinished(
  tool: ToolRun,
  o: { command: readonly string[]; env: Env; reporter: Reporter; inputDone: Promise<void>; stopReading: () => void },
): Promise<ToolExit> {
  const exit = await tool.done;
  if (exit.spawnError) {
    const { describeSpawnError } = await import('../../input/child.js');
    o.reporter.error(describeSpawnError(o.command, exit.spawnError, o.env));
  }
  if (!(await settlesWithin(o.inputDone, DRAIN_GRACE_MS))) {
    o.reporter.warn(
      `the tool exited but its output stayed open for ${DRAIN_GRACE_MS / 1000}s (a background process holding it?); stopped reading`,
    );
    tool.stdout.destroy();
    tool.stderr.destroy();
    o.stopReading();
  }
  await o.inputDone;
  return exit;
}

interface OpenedTool {
  tool: ToolRun;
  forward: (sig: EndingSignal) => void;
  /** The end of the tool's stderr. */
  stderrDone?: Promise<void>;
}

/** Wrap mode: starts the tool; its stderr goes to ours, and (with --parse-stderr) to `stderrChunks`. */
function openTool(
  command: readonly string[],
  config: Config,
  stderr: Writable,
  stderrChunks: EarlyChunks | undefined,
  say: (report: (r: Reporter) => void) => void,
): OpenedTool {
  const tool = runTool(command);
  const forward = (sig: EndingSignal): void => forwardSignal(tool, sig);
  if (!config.parseStderr || stderrChunks === undefined) {
    passThrough(tool.stderr, stderr, () => undefined);
    // Its last bytes must reach our stderr before we exit, as its stdout's do.
    return { tool, forward, stderrDone: new Promise((resolve) => tool.stderr.once('close', () => resolve())) };
  }
  const stderrInput = streamInput(tool.stderr, {
    dest: stderr,
    onChunk: (chunk) => stderrChunks.push(chunk),
    onBroken: () => undefined,
    onError: (err) => say((r) => r.error(`reading the tool's stderr failed: ${err.message}`)),
  });
  return { tool, forward, stderrDone: stderrInput.done };
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([work.then(() => true), late]);
  clearTimeout(timer);
  return settled;
}
