// The end of a run: process.exit() throws away whatever a pipe has not taken yet. stderr and
// stdout into a pipe are written asynchronously once the pipe is full (64 KiB on Linux), so a
// --dry-run into `| less`, or the tool's last output in wrap mode, was cut at exit. Each
// stream is given an empty write; its callback comes once everything before it was handed to
// the OS. Bounded: a reader that never reads must not hold the job past the deadline.

import type { Writable } from 'node:stream';

/** Resolves once each stream has handed its pending bytes to the OS, or at `until` (epoch ms). True when all did. */
export async function drainOutputs(streams: readonly Writable[], until: number): Promise<boolean> {
  const all = Promise.all(streams.map(drained)).then(() => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, until - Date.now()));
  });
  const done = await Promise.race([all, late]);
  clearTimeout(timer);
  return done;
}

/** Resolves when what was written before is out; a stream that failed or closed has nothing more to give. */
function drained(stream: Writable): Promise<void> {
  if (stream.destroyed || stream.errored || stream.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('error', () => resolve());
    stream.once('close', () => resolve());
    stream.write('', () => resolve());
  });
}

/** How long an exit that was not planned (a second signal, an internal error) still waits for stderr. */
export const EXIT_DRAIN_MS = 2000;

let decided: number | undefined;

/** The status an exitAfterDrain() already decided on: the run's own end, if sooner, must not replace it. */
export function decidedExitStatus(): number | undefined {
  return decided;
}

/** exit(status) (process.exit, from the entry) once stderr has taken what was written to it (at most EXIT_DRAIN_MS). */
export async function exitAfterDrain(status: number, stderr: Writable, exit: (status: number) => void): Promise<void> {
  decided ??= status;
  await drainOutputs([stderr], Date.now() + EXIT_DRAIN_MS);
  exit(decided);
}
