// run() takes its streams and its signal source (lib/cli/run.ts): the whole program in this process,
// nothing read from or written to the test process's own stdin, stdout or stderr.

import t from 'tap';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { run } from '../../lib/cli/run.js';
import { VERSION } from '../../lib/version.js';
import { runInProcess } from '../support/in-process.js';

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

class FakeSignals extends EventEmitter {
  exited: number[] = [];
  exit(status: number): void {
    this.exited.push(status);
  }
}

t.test('the input passes through to the stdout it was given; messages and the dry run go to its stderr', async (t) => {
  const r = await runInProcess(['--integration', 'io', '--dry-run'], { input: 'a=1\nb=2\n' });
  t.equal(r.status, 0);
  t.equal(r.stdout.toString(), 'a=1\nb=2\n');
  t.match(r.stderr, /# pushgateway: PUT \S+\n/);
  t.match(r.stderr, /keptn_io_a\{[^}]*\} 1\n/);
  t.match(r.stderr, /2 lines read/);
});

t.test('--version is written to the stdout run() was given', async (t) => {
  const stdout = collector();
  const stderr = collector();
  const status = await run({
    argv: ['--version'],
    env: {},
    stdin: new PassThrough(),
    stdout: stdout.stream,
    stderr: stderr.stream,
  });
  t.equal(status, 0);
  t.equal(stdout.text(), `${VERSION}\n`);
  t.equal(stderr.text(), '');
});

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * A dry run of `a=1` whose input never ends, with a fake signal source: started, and waited for
 * (2 s at most) until the line passed through and run() listens for `signal`. The input passes
 * through from the first moment, before run() is set up, so both are waited for.
 */
async function runWaitingForSignal(signal: 'SIGTERM' | 'SIGQUIT') {
  const signals = new FakeSignals();
  const stdin = new PassThrough();
  const stdout = collector();
  const stderr = collector();
  const running = run({
    argv: ['--integration', 'sig', '--dry-run'],
    env: {},
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    signals,
  });
  stdin.write('a=1\n');
  for (let i = 0; i < 400 && (!stdout.text().includes('a=1\n') || signals.listenerCount(signal) === 0); i++)
    await tick();
  return { signals, stdin, stderr, running };
}

t.test('a signal from the source it was given stops the reading; the run still reports what it read', async (t) => {
  // The input never ends: only the signal can end the run.
  const { signals, stderr, running } = await runWaitingForSignal('SIGTERM');
  t.equal(signals.listenerCount('SIGTERM'), 1, 'run() listens on the source');
  signals.emit('SIGTERM', 'SIGTERM');
  t.equal(await running, 143, '128 + SIGTERM');
  t.match(stderr.text(), /SIGTERM: stopped reading; pushing what was collected/);
  t.match(stderr.text(), /keptn_sig_a[{,][^\n]*1\n/, 'the dry run shows what was read');
  t.same(signals.exited, [], 'one signal does not leave at once');
  t.equal(
    signals.listenerCount('SIGTERM') + signals.listenerCount('SIGQUIT'),
    0,
    'the listeners are removed at the end',
  );
});

t.test('a second signal leaves through the source, after the numbers reached stderr', async (t) => {
  // A Pushgateway that is never answered would hold the push; the second signal leaves instead.
  const { signals, stdin, stderr, running } = await runWaitingForSignal('SIGQUIT');
  signals.emit('SIGQUIT', 'SIGQUIT');
  for (let i = 0; i < 2000 && signals.exited.length === 0; i++) await tick();
  t.same(signals.exited, [131], '128 + SIGQUIT');
  t.match(stderr.text(), /SIGQUIT: exiting without waiting for the push/);
  t.match(stderr.text(), /keptn_sig_a\{[^}]*\} 1/);
  stdin.end();
  await running;
});
