// Files named by flags (--rules, --slo, --sli, --ca-file, the token files), read at startup,
// and the files written at the end (--dry-run-file, --metrics-report, the gate's reports,
// $GITHUB_STEP_SUMMARY, GITHUB_OUTPUT: checked at the start by outputFileProblem). Every one is opened
// non-blocking, so a FIFO nobody writes (or reads) neither blocks the open nor the read or
// write; a regular file over the cap is refused by its size before a byte is read, anything
// else (a FIFO, /dev/zero) is read to at most the cap and for at most `waitMs`.

import {
  accessSync,
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { dirname } from 'node:path';

export interface ReadLimits {
  /** More than this many bytes is an error (EFBIG), not a truncation. */
  maxBytes: number;
  /** How long a pipe or FIFO whose writer has not written yet is waited for (EAGAIN). */
  waitMs: number;
}

/** The bounds of a file named by a flag when its reader gives none: a CA bundle is ~200 KiB. */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxBytes: 8 * 1024 * 1024, waitMs: 1000 };

/** A token file: a token is about 100 bytes; a far bigger file is not a token file. */
export const TOKEN_FILE_LIMITS: ReadLimits = { maxBytes: 16 * 1024, waitMs: 1000 };

/** Rule files (--rules) and the gate's SLO and SLI files: 1 MiB is thousands of rules. */
export const SPEC_FILE_LIMITS: ReadLimits = { maxBytes: 1024 * 1024, waitMs: 1000 };

/** `readText(path)` reads a file within DEFAULT_READ_LIMITS, or within the limits given. */
export type ReadText = (path: string, limits?: ReadLimits) => string;

export const readText: ReadText = (path, limits) => readBoundedText(path, limits ?? DEFAULT_READ_LIMITS);

function fail(code: string, message: string): never {
  throw Object.assign(new Error(message), { code });
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One short phrase for a read or write error: the limit's own message, else the fs code. */
export function fileProblem(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EFBIG' || e.code === 'EAGAIN' || e.code === 'EISDIR') return e.message;
  if (e.code === 'ENXIO') return 'ENXIO (a FIFO nobody is reading)';
  return e.code ?? e.message;
}

/**
 * The file's text, read without blocking: EOF ends it (a FIFO without a writer reads as empty
 * at once), EAGAIN (a writer that has not written yet) is retried every 10 ms for `waitMs`,
 * then thrown; more than `maxBytes` throws EFBIG (a regular file by its size, before reading).
 * Errors carry `code` like fs errors.
 */
export function readBoundedText(path: string, limits: ReadLimits): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) fail('EISDIR', `${path} is a directory`);
    if (stat.isFile() && stat.size > limits.maxBytes) fail('EFBIG', `${path} is larger than ${limits.maxBytes} bytes`);
    const buf = Buffer.alloc(
      stat.isFile() ? Math.min(limits.maxBytes, stat.size) + 1 : Math.min(limits.maxBytes + 1, 64 * 1024),
    );
    return readAll(fd, path, limits, buf);
  } finally {
    closeSync(fd);
  }
}

function readAll(fd: number, path: string, limits: ReadLimits, first: Buffer): string {
  let buf = first;
  const until = Date.now() + limits.waitMs;
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      const bigger = Buffer.alloc(Math.min(limits.maxBytes + 1, buf.length * 2));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
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
}

/** How long a file written at the end of a run may take (a FIFO whose reader does not read). */
export const WRITE_WAIT_MS = 2000;

/**
 * Writes (or appends) `text` without blocking: a FIFO nobody reads fails at the open (ENXIO),
 * one whose reader stops reading fails after `waitMs` (EAGAIN); /dev/full fails with ENOSPC.
 * Waits between tries without blocking the event loop, so a signal still ends the run.
 */
export async function writeBoundedText(
  path: string,
  text: string,
  o: { append: boolean; waitMs?: number },
): Promise<void> {
  const flags =
    constants.O_WRONLY |
    constants.O_CREAT |
    constants.O_NONBLOCK |
    constants.O_NOCTTY |
    (o.append ? constants.O_APPEND : constants.O_TRUNC);
  const fd = openSync(path, flags, 0o666);
  try {
    if (fstatSync(fd).isDirectory()) fail('EISDIR', `${path} is a directory`);
    const buf = Buffer.from(text, 'utf8');
    const until = Date.now() + (o.waitMs ?? WRITE_WAIT_MS);
    let n = 0;
    while (n < buf.length) {
      try {
        n += writeSync(fd, buf, n, buf.length - n);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        if (Date.now() >= until) fail('EAGAIN', `${path} took nothing for ${o.waitMs ?? WRITE_WAIT_MS} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** What the check of an output file needs from the file system (tests pass their own). */
export interface OutputFs {
  stat(
    path: string,
  ): Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'rdev'> | undefined;
  writable(path: string): boolean;
  /** The device number of /dev/null. */
  nullDevice(): number | undefined;
}

const realFs: OutputFs = {
  stat(path) {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  },
  writable(path) {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
  nullDevice() {
    try {
      return statSync('/dev/null').rdev;
    } catch {
      return undefined;
    }
  },
};

/**
 * The one rule for every file the run writes (--dry-run-file, --metrics-report, --slo-report,
 * --slo-junit, --slo-markdown, $GITHUB_STEP_SUMMARY, the action's GITHUB_OUTPUT): why `path`
 * cannot be written, or undefined when it can (as far as can be known before the run). A regular
 * file (or a new one in a writable folder) and /dev/null (output discarded) are fine; a folder, a
 * FIFO (open(2) for writing waits for a reader, fifo(7)), a socket, another device (/dev/full
 * fails every write) and a missing or read-only folder are not. The write itself is
 * writeBoundedText's: it never waits, whatever appears at the path later.
 */
export function outputFileProblem(flag: string, path: string, fs: OutputFs = realFs): string | undefined {
  if (path.trim() === '') return `${flag} needs a file name`;
  const existing = fs.stat(path);
  if (existing) {
    if (existing.isDirectory()) return `${flag} ${path}: is a folder`;
    if (existing.isFIFO()) return `${flag} ${path}: is a FIFO (writing would wait for a reader); give a regular file`;
    if (existing.isSocket()) return `${flag} ${path}: is a socket; give a regular file`;
    if (existing.isCharacterDevice()) {
      if (existing.rdev === fs.nullDevice()) return undefined;
      return `${flag} ${path}: is a device; give a regular file (or /dev/null to discard it)`;
    }
    if (!existing.isFile()) return `${flag} ${path}: is not a regular file`;
    if (!fs.writable(path)) return `${flag} ${path}: cannot be written`;
    return undefined;
  }
  const folder = dirname(path);
  const parent = fs.stat(folder);
  if (!parent) return `${flag} ${path}: the folder ${folder} does not exist`;
  if (!parent.isDirectory()) return `${flag} ${path}: ${folder} is not a folder`;
  if (!fs.writable(folder)) return `${flag} ${path}: the folder ${folder} is not writable`;
  return undefined;
}
