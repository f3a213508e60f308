// The whole program in this process: run() from lib/cli/run.ts with streams of the test's own, as
// bin/jes-metrics-pipe.ts runs it with the process's. No process start, no pipe: what is about a
// process (signals, pipes, the exit, the bundle) is tested by spawning the CLI (test/support/cli.ts).

import { Readable, Writable } from 'node:stream';
import { run } from '../../lib/cli/run.js';

export interface InProcessResult {
  /** run()'s status, as the entry would exit with it; 70 when run() threw (the entry's "internal error"). */
  status: number;
  stdout: Buffer;
  stderr: string;
}

export interface InProcessOptions {
  /** The input, or its pieces: each piece reaches the program as a read of its own. */
  input?: Buffer | string | readonly Buffer[];
  env?: Record<string, string>;
}

/** Runs the program on `args` with `input` on its stdin; collects stdout and stderr. */
export async function runInProcess(args: readonly string[], opts: InProcessOptions = {}): Promise<InProcessResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const collect = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer | string, _encoding, done) {
        // A copy: the bytes handed to write() are the writer's to reuse.
        into.push(Buffer.from(chunk));
        done();
      },
    });
  const stdout = collect(out);
  const stderr = collect(err);
  let status: number;
  try {
    status = await run({ argv: args, env: { ...opts.env }, stdin: readableOf(opts.input), stdout, stderr });
  } catch (e) {
    stderr.write(`jes-metrics-pipe: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    status = 70;
  }
  return { status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') };
}

/**
 * A stdin that delivers each piece as one read: a flowing Readable hands out one buffered
 * chunk per 'data' event (Node's stream internals: "only flow one buffer at a time").
 */
export function readableOf(input: InProcessOptions['input']): Readable {
  const pieces =
    input === undefined
      ? []
      : Array.isArray(input)
        ? (input as readonly Buffer[])
        : [Buffer.from(input as Buffer | string)];
  let next = 0;
  return new Readable({
    read() {
      // One piece per read() call, so pieces never merge in the buffer.
      while (next < pieces.length && pieces[next]!.length === 0) next++;
      if (next < pieces.length) this.push(pieces[next++]);
      else this.push(null);
    },
  });
}

/** `input` cut at `cuts` (sorted offsets inside it). */
export function piecesOf(input: Buffer, cuts: readonly number[]): Buffer[] {
  const pieces: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, input.length]) {
    pieces.push(input.subarray(from, cut));
    from = cut;
  }
  return pieces;
}
