// Files named by flags, read at startup. A CA bundle is read whole. A credentials file
// (--dt-token-file) is read bounded: opened non-blocking, so a FIFO nobody writes neither
// blocks the open nor the read (the passthrough has not started yet), and at most `maxBytes`,
// so `/dev/zero` or a mistaken log file cannot fill the memory.

import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

export interface ReadLimits {
  /** More than this many bytes is an error (EFBIG), not a truncation. */
  maxBytes: number;
  /** How long a pipe or FIFO whose writer has not written yet is waited for (EAGAIN). */
  waitMs: number;
}

/** `readText(path)` reads a whole file; with limits, it reads a bounded one (see readBoundedText). */
export type ReadText = (path: string, limits?: ReadLimits) => string;

export const readText: ReadText = (path, limits) => (limits ? readBoundedText(path, limits) : readFileSync(path, 'utf8'));

function fail(code: string, message: string): never {
  throw Object.assign(new Error(message), { code });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * The file's text, read without blocking: EOF ends it (a FIFO without a writer reads as empty
 * at once), EAGAIN (a writer that has not written yet) is retried every 10 ms for `waitMs`,
 * then thrown; more than `maxBytes` throws EFBIG. Errors carry `code` like fs errors.
 */
export function readBoundedText(path: string, limits: ReadLimits): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    if (fstatSync(fd).isDirectory()) fail('EISDIR', `${path} is a directory`);
    const buf = Buffer.alloc(limits.maxBytes + 1);
    const until = Date.now() + limits.waitMs;
    let n = 0;
    for (;;) {
      let got: number;
      try {
        got = readSync(fd, buf, n, buf.length - n, null);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        if (Date.now() >= until) fail('EAGAIN', `nothing to read from ${path} within ${limits.waitMs} ms`);
        sleepSync(10);
        continue;
      }
      if (got === 0) return buf.toString('utf8', 0, n);
      n += got;
      if (n > limits.maxBytes) fail('EFBIG', `${path} is larger than ${limits.maxBytes} bytes`);
    }
  } finally {
    closeSync(fd);
  }
}
