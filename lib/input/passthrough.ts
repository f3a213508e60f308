// Raw chunks → stdout, unchanged and at once (no waiting for a newline). pipe() gives the
// backpressure: a slow reader downstream pauses the source. A reader that goes away early
// (`| head -1`, EPIPE) only unpipes stdout: the source keeps flowing to the parser.

import type { Readable, Writable } from 'node:stream';

/** Pipes source to dest; `onBroken` is called once when dest refuses more bytes. */
export function passThrough(source: Readable, dest: Writable, onBroken: (err: NodeJS.ErrnoException) => void): void {
  let broken = false;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (broken) return;
    broken = true;
    // pipe() unpipes on a destination error; make sure of it, and un-pause the source
    // if it was waiting for a 'drain' that will never come.
    source.unpipe(dest);
    if (source.isPaused()) source.resume();
    onBroken(err);
  };
  // Keep the listener for good: later write errors on a broken pipe must not crash the process.
  dest.on('error', onError);
  source.pipe(dest, { end: false });
}
