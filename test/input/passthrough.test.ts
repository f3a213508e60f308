// passThrough: raw chunks to stdout unchanged; a stdout that breaks is said once and the source
// keeps flowing to whoever else reads it.

import t from 'tap';
import { PassThrough, Writable } from 'node:stream';
import { passThrough } from '../../lib/input/passthrough.js';

t.test('the bytes arrive as they were, and the destination is not ended', async (t) => {
  const source = new PassThrough();
  const got: Buffer[] = [];
  const dest = new Writable({ write: (c: Buffer, _e, done) => (got.push(c), done()) });
  passThrough(source, dest, () => t.fail('not broken'));
  source.write(Buffer.from([0x00, 0xff, 0x0a]));
  source.write('no newline');
  source.end();
  await new Promise((resolve) => source.on('end', resolve));
  t.same(Buffer.concat(got), Buffer.concat([Buffer.from([0x00, 0xff, 0x0a]), Buffer.from('no newline')]));
  t.equal(dest.writableEnded, false, 'end: false (the run ends stdout itself)');
});

t.test('a destination that fails: onBroken once, the source flows on to its other reader', async (t) => {
  const source = new PassThrough();
  const broken: string[] = [];
  const dest = new Writable({
    write(_c, _e, done) {
      const err: NodeJS.ErrnoException = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
      done(err);
    },
  });
  passThrough(source, dest, (err) => broken.push(err.code ?? ''));
  const parsed: string[] = [];
  source.on('data', (c: Buffer) => parsed.push(c.toString()));
  source.write('one\n');
  await new Promise((resolve) => setImmediate(resolve));
  source.write('two\n');
  dest.emit('error', Object.assign(new Error('again'), { code: 'EPIPE' }));
  source.end('three\n');
  await new Promise((resolve) => source.on('end', resolve));
  t.same(broken, ['EPIPE'], 'said once');
  t.equal(parsed.join(''), 'one\ntwo\nthree\n', 'the parser still gets everything');
});

t.test('a destination that never drains and then fails: the paused source is resumed', async (t) => {
  const source = new PassThrough({ highWaterMark: 16 });
  let fail: (() => void) | undefined;
  const dest = new Writable({
    highWaterMark: 16,
    write(_c, _e, done) {
      fail ??= () => done(Object.assign(new Error('write EIO'), { code: 'EIO' }));
    },
  });
  const broken: string[] = [];
  passThrough(source, dest, (err) => broken.push(err.code ?? ''));
  let read = 0;
  source.on('data', (c: Buffer) => (read += c.length));
  const big = Buffer.alloc(64 * 1024, 0x61);
  source.write(big);
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(source.isPaused() || read < big.length, 'backpressure: the source waits for the destination');
  fail?.();
  source.end();
  await new Promise((resolve) => source.on('end', resolve));
  t.same(broken, ['EIO']);
  t.equal(read, big.length, 'every byte still reached the other reader');
});
