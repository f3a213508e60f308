// stdout that refuses our bytes. A reader that went away (`| head -1`: EPIPE) is a normal end
// of a pipeline: said under --verbose only, the exit status untouched. Anything else (ENOSPC on
// a full disk or /dev/full, EIO on a lost terminal) lost the tool's output: said once, as an
// error, and the exit status is 74 (EX_IOERR in sysexits.h, "an error occurred doing I/O").

/** The exit status of a run whose stdout failed (other than a reader that went away). */
export const STDOUT_FAILED_STATUS = 74;

const READER_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']);

/** True when the error means the output was lost rather than no longer wanted. */
export function stdoutFailureLosesOutput(err: NodeJS.ErrnoException): boolean {
  return !READER_GONE.has(err.code ?? '');
}

/** The one message for a failed stdout. */
export function stdoutFailureMessage(err: NodeJS.ErrnoException): string {
  const what = err.code ?? err.message;
  if (!stdoutFailureLosesOutput(err)) return `stdout closed early (${what}); still reading the input to the end`;
  return `writing to stdout failed (${what}): the rest of the output is lost; still reading the input to the end and pushing (exit status ${STDOUT_FAILED_STATUS})`;
}
