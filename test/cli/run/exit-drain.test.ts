// The end of a run: each output stream is given the time to hand its bytes over (bounded), and an
// unplanned exit keeps the first status decided.

import t from 'tap';
import { Writable } from 'node:stream';
import { decidedExitStatus, drainOutputs, exitAfterDrain } from '../../../lib/cli/run/exit-drain.js';

/** A stream whose writes complete only when release() is called (a pipe nobody reads). */
function heldStream() {
  const pending: Array<() => void> = [];
  const stream = new Writable({
    write(_chunk, _enc, done) {
      pending.push(() => done());
    },
  });
  return { stream, release: () => pending.splice(0).forEach((f) => f()) };
}

t.test('streams that take their bytes: true, at once', async (t) => {
  const out: Buffer[] = [];
  const a = new Writable({ write: (c: Buffer, _e, done) => (out.push(c), done()) });
  a.write('x');
  const started = Date.now();
  t.equal(await drainOutputs([a, new Writable({ write: (_c, _e, done) => done() })], Date.now() + 10_000), true);
  t.ok(Date.now() - started < 5000);
  t.equal(Buffer.concat(out).toString(), 'x', 'the empty write adds nothing');
});

t.test('a stream that never takes its bytes: false at the bound', async (t) => {
  const held = heldStream();
  held.stream.write('waiting');
  const started = Date.now();
  t.equal(await drainOutputs([held.stream], Date.now() + 200), false);
  t.ok(Date.now() - started >= 150, 'waited until the bound');
  held.release();
  held.stream.destroy();
});

t.test('a stream that takes its bytes later: true once it did', async (t) => {
  const held = heldStream();
  held.stream.write('later');
  const timer = setTimeout(() => {
    held.release();
    held.release();
  }, 50);
  t.teardown(() => clearTimeout(timer));
  t.equal(await drainOutputs([held.stream], Date.now() + 10_000), true);
});

t.test('a stream destroyed, ended or failing has nothing more to give', async (t) => {
  const destroyed = new Writable({ write: (_c, _e, done) => done() });
  destroyed.destroy();
  const ended = new Writable({ write: (_c, _e, done) => done() });
  ended.end();
  const failing = new Writable({ write: (_c, _e, done) => done(new Error('EIO')) });
  failing.on('error', () => undefined);
  t.equal(await drainOutputs([destroyed, ended, failing], Date.now() + 10_000), true);
});

t.test('exitAfterDrain: exits after stderr drained, and keeps the first decided status', async (t) => {
  t.equal(decidedExitStatus(), undefined);
  const written: string[] = [];
  const stderr = new Writable({ write: (c: Buffer, _e, done) => (written.push(c.toString()), done()) });
  stderr.write('last words\n');
  const exits: number[] = [];
  await exitAfterDrain(131, stderr, (s) => exits.push(s));
  t.same(exits, [131]);
  t.equal(decidedExitStatus(), 131);
  await exitAfterDrain(70, stderr, (s) => exits.push(s));
  t.same(exits, [131, 131], 'a later exit leaves with the status decided first');
  t.equal(written.join(''), 'last words\n', 'the empty writes add nothing');
});
