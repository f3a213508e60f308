// The inputs of filter mode by kind of standard input: a regular file (fs.read), a FIFO (a socket
// over the descriptor), a directory (said, nothing read), and a stream handed over as it is.
// Each passes every byte to dest unchanged and each chunk to onChunk.

import t from 'tap';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { stdinInput, streamInput, type Input } from '../../lib/input/sources.js';

const dir = mkdtempSync(join(tmpdir(), 'jes-sources-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** The bytes 0..255 repeated: 3 MiB, more than one read of any kind. */
const DATA = Buffer.alloc(3 * 1024 * 1024 + 7, 0).map((_, i) => i % 251);

function collect() {
  const out: Buffer[] = [];
  const seen: Buffer[] = [];
  const errors: string[] = [];
  const dest = new Writable({
    highWaterMark: 64 * 1024,
    write: (c: Buffer, _e, done) => (out.push(Buffer.from(c)), done()),
  });
  const opts = {
    dest,
    // The bytes are valid only during the call: copied.
    onChunk: (c: Buffer) => void seen.push(Buffer.from(c)),
    onBroken: () => errors.push('broken'),
    onError: (err: Error) => errors.push(err.message),
  };
  return { opts, out: () => Buffer.concat(out), seen: () => Buffer.concat(seen), errors };
}

/** done, within 30 s. */
async function ended(input: Input): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 30_000)));
  const r = await Promise.race([input.done.then(() => true), late]);
  clearTimeout(timer);
  return r;
}

const noStream = (): Readable => {
  throw new Error('the stream must not be asked for');
};

t.test('a regular file: every byte, in order, to dest and to onChunk', async (t) => {
  const path = join(dir, 'input.bin');
  writeFileSync(path, DATA);
  const fd = openSync(path, 'r');
  t.teardown(() => closeSync(fd));
  const c = collect();
  const input = stdinInput({ fd, stream: noStream }, c.opts);
  t.equal(await ended(input), true);
  await new Promise((resolve) => setImmediate(resolve));
  t.ok(c.out().equals(DATA), 'dest got the file');
  t.ok(c.seen().equals(DATA), 'onChunk got the file');
  t.same(c.errors, []);
});

t.test(
  'a regular file read from where its offset was (the shell read a part first), and behind a slow dest',
  async (t) => {
    const path = join(dir, 'offset.bin');
    writeFileSync(path, DATA);
    const fd = openSync(path, 'r');
    t.teardown(() => closeSync(fd));
    const skip = 1000;
    readSync(fd, Buffer.alloc(skip), 0, skip, null);
    const out: Buffer[] = [];
    const seen: Buffer[] = [];
    let writes = 0;
    let kept = 0;
    // Every write called back a little later: the reads wait for a free buffer, one read ahead.
    const dest = new Writable({
      highWaterMark: 64 * 1024,
      write: (c: Buffer, _e, done) => {
        out.push(Buffer.from(c));
        writes++;
        setTimeout(done, 2);
      },
    });
    const input = stdinInput(
      { fd, stream: noStream },
      {
        dest,
        // The second chunk is kept (as the early queue keeps one): the relay reads into a new buffer.
        onChunk: (c: Buffer) => {
          seen.push(Buffer.from(c));
          return seen.length === 2 && ++kept === 1;
        },
        onBroken: () => t.fail('broken'),
        onError: (err: Error) => t.fail(err.message),
      },
    );
    t.equal(await ended(input), true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.ok(Buffer.concat(out).equals(DATA.subarray(skip)), 'dest got the rest of the file, in order');
    t.ok(Buffer.concat(seen).equals(DATA.subarray(skip)), 'onChunk got the rest of the file, in order');
    t.ok(writes >= 3, `${writes} writes`);
  },
);

t.test('an empty file ends at once', async (t) => {
  const path = join(dir, 'empty');
  writeFileSync(path, '');
  const fd = openSync(path, 'r');
  t.teardown(() => closeSync(fd));
  const c = collect();
  t.equal(await ended(stdinInput({ fd, stream: noStream }, c.opts)), true);
  t.equal(c.out().length, 0);
});

t.test('a FIFO: read through a socket until the writer closes', async (t) => {
  const path = join(dir, 'fifo');
  execFileSync('mkfifo', [path]);
  // Non-blocking open of the read end, then the write end (which a reader now lets open).
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, 'w');
  const c = collect();
  const input = stdinInput({ fd, stream: noStream }, c.opts);
  const part = DATA.subarray(0, 256 * 1024);
  let at = 0;
  // The pipe holds 64 KiB: write in pieces as the reader takes them.
  while (at < part.length) {
    try {
      at += writeSync(writer, part, at, Math.min(16 * 1024, part.length - at));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  closeSync(writer);
  t.equal(await ended(input), true);
  t.ok(c.out().equals(part), 'dest got every byte');
  t.ok(c.seen().equals(part), 'onChunk got every byte');
  t.same(c.errors, []);
});

t.test('a directory: said on onError, nothing read, done at once', async (t) => {
  const fd = openSync(dir, 'r');
  t.teardown(() => closeSync(fd));
  const c = collect();
  t.equal(await ended(stdinInput({ fd, stream: noStream }, c.opts)), true);
  t.same(c.errors, ['stdin is a directory, not a file or a pipe: nothing to read']);
});

t.test('a stream handed over: read as a stream; stop() ends it, what was read is kept', async (t) => {
  const stream = new PassThrough();
  const c = collect();
  const input = stdinInput(stream, c.opts);
  stream.write('a=1\n');
  for (let i = 0; i < 1000 && c.seen().length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
  input.stop();
  t.equal(await ended(input), true);
  stream.write('b=2\n');
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.equal(c.seen().toString(), 'a=1\n', 'nothing after stop()');
  t.equal(c.out().toString(), 'a=1\n');
  stream.destroy();
});

t.test('streamInput: a read error is reported and ends the input', async (t) => {
  const stream = new Readable({
    read() {
      this.destroy(new Error('EIO: i/o error, read'));
    },
  });
  const c = collect();
  t.equal(await ended(streamInput(stream, c.opts)), true);
  t.same(c.errors, ['EIO: i/o error, read']);
});
