// Files the run writes at the end (--metrics-report, --slo-junit): checked at the start, so that a
// path that cannot work is a usage error (exit 2) before any input is read, and opened so that
// nothing can make the end of the run wait.
//
// A FIFO is refused: open(2) for writing blocks until a reader opens the other end (fifo(7)),
// and at the end of a CI job nobody will. O_NONBLOCK makes such an open fail with ENXIO instead
// of waiting, which covers a FIFO put there after the check.

import { closeSync, constants, openSync, statSync, writeSync, accessSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

/** What the check needs from the file system (tests pass their own). */
export interface OutputFs {
  stat(path: string): Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice'> | undefined;
  writableFolder(path: string): boolean;
}

const realFs: OutputFs = {
  stat(path) {
    try {
      return statSync(path);
    } catch {
      return undefined;
    }
  },
  writableFolder(path) {
    try {
      accessSync(path, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  },
};

/** Why `--flag path` cannot be written, or undefined when it can (as far as can be known now). */
export function outputFileProblem(flag: string, path: string, fs: OutputFs = realFs): string | undefined {
  if (path.trim() === '') return `${flag} needs a file name`;
  const existing = fs.stat(path);
  if (existing) {
    if (existing.isDirectory()) return `${flag} ${path}: is a folder`;
    if (existing.isFIFO()) return `${flag} ${path}: is a FIFO (writing would wait for a reader); give a regular file`;
    if (existing.isSocket()) return `${flag} ${path}: is a socket; give a regular file`;
    // A regular file, or a character device such as /dev/null: writing either does not wait.
    if (!existing.isFile() && !existing.isCharacterDevice()) return `${flag} ${path}: is not a regular file`;
  }
  const folder = dirname(path);
  const parent = fs.stat(folder);
  if (!parent) return `${flag} ${path}: the folder ${folder} does not exist`;
  if (!parent.isDirectory()) return `${flag} ${path}: ${folder} is not a folder`;
  if (!existing && !fs.writableFolder(folder)) return `${flag} ${path}: the folder ${folder} is not writable`;
  return undefined;
}

/** Writes `text` to `path` (created or truncated) without ever waiting for a reader; throws on failure. */
export function writeOutputFile(path: string, text: string): void {
  const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NONBLOCK, 0o644);
  try {
    const bytes = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  } finally {
    closeSync(fd);
  }
}
