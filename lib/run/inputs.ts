// Opens the run's inputs: our stdin (filter mode) or the tool's stdout and stderr (wrap mode),
// each passed through to our stdout/stderr and split into lines for the extractor, and the
// document that --json-path reads at the end.

import type { Config, Env } from '../config/config.js';
import type { Extractor } from '../extract.js';
import { LineSplitter } from '../lines.js';
import type { Reporter } from '../report.js';
import type { ToolExit, ToolRun } from '../source/child.js';
import { DocumentCollector } from '../source/document.js';
import { stdinInput, streamInput, type Input, type StdinSource } from '../source/input.js';
import { passThrough } from '../source/passthrough.js';
import { stdoutFailureLosesOutput, stdoutFailureMessage } from '../source/stdout-failure.js';
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

/**
 * What filter mode reads before the rules are compiled is kept, up to this many bytes, and read
 * for metrics once they are (a rule file near its cap takes seconds to compile, and the
 * passthrough does not wait for it). More than this: the bytes past it are passed through but
 * not read for metrics, and a warning says how many.
 */
export const EARLY_INPUT_LIMIT = 16 * 1024 * 1024;

// Longer than most: the object it returns is the other steps' view of the inputs, its methods sharing one closure.
export async function openInputs(config: Config, extractorReady: Promise<Extractor>, reporter: Reporter, env: Env, io: Streams): Promise<Inputs> {
  // Wrap mode starts the tool once the rules are ready; filter mode passes its input through at once.
  const wrap = config.command !== undefined && config.command.length > 0;
  const early = wrap ? undefined : new EarlyInput(reporter);
  let stdoutLines: LineSplitter | undefined;
  let document: DocumentCollector | undefined;
  const attach = (extractor: Extractor): void => {
    const lines: LineSplitter = new LineSplitter({
      maxLineBytes: config.maxLineBytes,
      precheck: extractor.precheck(),
      // The number now: --pattern rules name the line later, after more lines were read.
      onLine: (text) => {
        const n = lines.lines;
        extractor.line(text, () => `line ${n}`);
      },
    });
    document = extractor.wantsDocument ? new DocumentCollector() : undefined;
    early?.replay(lines, document);
    stdoutLines = lines;
  };
  const attached = extractorReady.then(attach);
  if (wrap) await attached;
  let broken = false;
  let lost = false;
  const opts = {
    dest: io.stdout,
    onChunk: (chunk: Buffer) => {
      if (stdoutLines === undefined) return early?.add(chunk);
      if (early?.skipping(chunk, stdoutLines, document)) return;
      stdoutLines.push(chunk);
      document?.add(chunk);
    },
    onBroken: (err: NodeJS.ErrnoException) => {
      broken = true;
      // A reader gone (`| head -1`) is said under -v only; a full disk or EIO lost the output (exit 74).
      lost = stdoutFailureLosesOutput(err);
      if (lost) reporter.error(stdoutFailureMessage(err));
      else reporter.verbose(stdoutFailureMessage(err));
    },
    onError: (err: Error) => reporter.error(`reading input failed: ${err.message}`),
  };
  const ended: Promise<unknown>[] = [];
  let tool: ToolRun | undefined;
  let forward: (sig: EndingSignal) => void = () => undefined;
  let stderrLines: LineSplitter | undefined;
  let input: Input;
  if (wrap) {
    const wrapped = await openTool(config.command ?? [], config, await extractorReady, reporter, io.stderr);
    ({ tool, forward, stderrLines } = wrapped);
    input = streamInput(wrapped.tool.stdout, opts);
    if (wrapped.stderrDone) ended.push(wrapped.stderrDone);
  } else input = stdinInput(io.stdin, opts);
  ended.push(input.done);

  let stopReading: () => void = () => undefined;
  const inputDone = new Promise<void>((resolve) => {
    stopReading = resolve;
    void Promise.all(ended).then(() => resolve());
  });

  return {
    tool,
    get document() {
      return document;
    },
    lines: () => (stdoutLines?.lines ?? 0) + (stderrLines?.lines ?? 0),
    overlong: () => (stdoutLines?.overlong ?? 0) + (stderrLines?.overlong ?? 0),
    stdoutBroken: () => broken,
    stdoutLost: () => lost,
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
      const exit = await tool.done;
      if (exit.spawnError) {
        const { describeSpawnError } = await import('../source/child.js');
        reporter.error(describeSpawnError(config.command!, exit.spawnError, env));
      }
      if (!(await settlesWithin(inputDone, DRAIN_GRACE_MS))) {
        reporter.warn(`the tool exited but its output stayed open for ${DRAIN_GRACE_MS / 1000}s (a background process holding it?); stopped reading`);
        tool.stdout.destroy();
        tool.stderr.destroy();
        stopReading();
      }
      await inputDone;
      return exit;
    },
    endLines(interrupted) {
      if (interrupted && !tool) return;
      stdoutLines?.end();
      stderrLines?.end();
    },
  };
}

interface OpenedTool {
  tool: ToolRun;
  forward: (sig: EndingSignal) => void;
  /** With --parse-stderr, the tool's stderr lines; the end of its stderr either way. */
  stderrLines?: LineSplitter;
  stderrDone?: Promise<void>;
}

/** Wrap mode: starts the tool; its stderr goes to ours, and is parsed with --parse-stderr. */
async function openTool(command: readonly string[], config: Config, extractor: Extractor, reporter: Reporter, stderr: Writable): Promise<OpenedTool> {
  // Loaded here only: filter mode never pays for child_process (about 4 ms of every start).
  const child = await import('../source/child.js');
  const tool = child.runTool(command);
  const forward = (sig: EndingSignal): void => child.forwardSignal(tool, sig);
  if (!config.parseStderr) {
    passThrough(tool.stderr, stderr, () => undefined);
    // Its last bytes must reach our stderr before we exit, as its stdout's do.
    return { tool, forward, stderrDone: new Promise((resolve) => tool.stderr.once('close', () => resolve())) };
  }
  const stderrLines = new LineSplitter({
    maxLineBytes: config.maxLineBytes,
    precheck: extractor.precheck(),
    onLine: (text) => {
      const n = stderrLines.lines;
      extractor.line(text, () => `stderr line ${n}`);
    },
  });
  const stderrInput = streamInput(tool.stderr, {
    dest: stderr,
    onChunk: (chunk) => stderrLines.push(chunk),
    onBroken: () => undefined,
    onError: (err) => reporter.error(`reading the tool's stderr failed: ${err.message}`),
  });
  return { tool, forward, stderrLines, stderrDone: stderrInput.done };
}

async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = await Promise.race([work.then(() => true), late]);
  clearTimeout(timer);
  return settled;
}

/**
 * Filter mode's input read before the rules were compiled: kept (copied: the relay reuses its
 * buffers) up to EARLY_INPUT_LIMIT, then handed to the lines and the document once they exist.
 * Past the limit, the kept part ends at its last whole line and the input is read again from
 * the first line that starts after the gap; the document, incomplete, is not parsed.
 */
class EarlyInput {
  #chunks: Buffer[] = [];
  #bytes = 0;
  /** Bytes passed through but not read for metrics. */
  #skipped = 0;
  #full = false;
  #skippingLine = false;

  constructor(private readonly reporter: Reporter) {}

  add(chunk: Buffer): void {
    if (!this.#full && this.#bytes + chunk.length <= EARLY_INPUT_LIMIT) {
      this.#chunks.push(Buffer.from(chunk));
      this.#bytes += chunk.length;
      return;
    }
    this.#full = true;
    this.#skipped += chunk.length;
  }

  replay(lines: LineSplitter, document: DocumentCollector | undefined): void {
    let kept = Buffer.concat(this.#chunks, this.#bytes);
    this.#chunks = [];
    if (this.#full) {
      // The partial last line joins nothing: the bytes after it were not kept.
      const end = kept.lastIndexOf(10) + 1;
      this.#skipped += kept.length - end;
      kept = kept.subarray(0, end);
      this.#skippingLine = true;
      if (document) document.overflow = true;
    }
    if (kept.length > 0) {
      lines.push(kept);
      document?.add(kept);
    }
    if (this.#full) {
      this.reporter.warn(
        `more than ${EARLY_INPUT_LIMIT} bytes came while the rules were compiled: ${this.#skipped} of them were passed through but not read for metrics`,
      );
    }
  }

  /** After a gap: drops the bytes up to the next line's start; true when nothing of the chunk is left. */
  skipping(chunk: Buffer, lines: LineSplitter, document: DocumentCollector | undefined): boolean {
    if (!this.#skippingLine) return false;
    const nl = chunk.indexOf(10);
    if (nl < 0) return true;
    this.#skippingLine = false;
    const rest = chunk.subarray(nl + 1);
    if (rest.length > 0) {
      lines.push(rest);
      document?.add(rest);
    }
    return true;
  }
}
