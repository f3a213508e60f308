// A stdout that refuses bytes: a reader gone (EPIPE) is a normal end; anything else lost output.

import t from 'tap';
import {
  STDOUT_FAILED_STATUS,
  stdoutFailureLosesOutput,
  stdoutFailureMessage,
} from '../../lib/input/stdout-failure.js';

const err = (code: string | undefined, message = 'boom'): NodeJS.ErrnoException =>
  Object.assign(new Error(message), code === undefined ? {} : { code });

t.test('a reader that went away loses nothing', async (t) => {
  for (const code of ['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED']) {
    t.equal(stdoutFailureLosesOutput(err(code)), false, code);
    t.equal(stdoutFailureMessage(err(code)), `stdout closed early (${code}); still reading the input to the end`);
  }
});

t.test('a full disk, an I/O error or an unknown error lost the output: exit 74', async (t) => {
  t.equal(STDOUT_FAILED_STATUS, 74);
  for (const code of ['ENOSPC', 'EIO', 'EBADF']) {
    t.equal(stdoutFailureLosesOutput(err(code)), true, code);
    t.match(
      stdoutFailureMessage(err(code)),
      new RegExp(`^writing to stdout failed \\(${code}\\): .*exit status 74\\)$`),
    );
  }
  t.equal(stdoutFailureLosesOutput(err(undefined)), true);
  t.match(stdoutFailureMessage(err(undefined, 'odd')), /^writing to stdout failed \(odd\)/, 'no code: the message');
});
