// The relay: filter mode's pass-through on reused buffers. A buffer must never be refilled
// while stdout still holds it, the reads must pause when every buffer is out, and a reader
// that goes away must neither stop the parsing nor leave the reads waiting for ever.
import t, { type Test } from 'tap';
import { Writable } from 'node:stream';
import { Relay } from '../../lib/input/relay.js';
import { LineSplitter } from '../../lib/input/lines.js';
import { Precheck } from '../../lib/extract/parsers/precheck.js';
import { seededBytes } from '../support/seeded.js';

/** A stdout that takes each write after `delayMs` (0: at once), optionally failing from write `failAt` on. */
function slowDest(delayMs: number, failAt = Infinity): { dest: Writable; got: Buffer[]; writes: () => number } {
  const got: Buffer[] = [];
  let writes = 0;
  const dest = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _enc, cb) {
      writes++;
      if (writes >= failAt) {
        const err: NodeJS.ErrnoException = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
        setImmediate(() => cb(err));
        return;
      }
      // Copied on arrival, as the kernel does: what matters is that the bytes are intact then.
      const copy = Buffer.from(chunk);
      const done = () => {
        got.push(copy);
        cb();
      };
      if (delayMs > 0) setTimeout(done, delayMs);
      else setImmediate(done);
    },
  });
  return { dest, got, writes: () => writes };
}

/** Reads `input` through the relay in `readBytes` pieces, as a socket would, pausing when told. */
async function pump(relay: Relay, input: Buffer, readBytes: number, taken: Set<Buffer>): Promise<number> {
  let pauses = 0;
  for (let pos = 0; pos < input.length;) {
    const buf = relay.take();
    taken.add(buf);
    const n = Math.min(readBytes, buf.length, input.length - pos);
    input.copy(buf, 0, pos, pos + n);
    pos += n;
    if (!relay.pass(buf, n)) {
      pauses++;
      await new Promise<void>((resolve) => relay.whenFree(resolve));
    }
  }
  return pauses;
}

t.test('a slow stdout: every byte arrives intact and in order, at most count+1 buffers exist', async (t) => {
  const input = seededBytes(3 * 1024 * 1024, 7);
  const { dest, got } = slowDest(1);
  const chunks: Buffer[] = [];
  const relay = new Relay({
    dest,
    onChunk: (c) => void chunks.push(Buffer.from(c)),
    onBroken: () => t.fail('not broken'),
    bufferBytes: 64 * 1024,
    count: 4,
  });
  const taken = new Set<Buffer>();
  const pauses = await pump(relay, input, 50_000, taken);
  await new Promise<void>((resolve) => dest.end(resolve));
  t.ok(Buffer.concat(got).equals(input), 'stdout got the input byte for byte');
  t.ok(Buffer.concat(chunks).equals(input), 'the parsers got the input byte for byte');
  t.ok(pauses > 0, `the reads paused for the slow reader (${pauses} times)`);
  t.ok(taken.size <= 5, `${taken.size} buffers for ${got.length} chunks`);
});

/** `input` through a relay of two 16 KiB buffers into a fast stdout, checked whole there; the buffers taken. */
async function fastRun(t: Test, input: Buffer, onChunk: (c: Buffer) => boolean | void): Promise<Set<Buffer>> {
  const { dest, got } = slowDest(0);
  const relay = new Relay({ dest, onChunk, onBroken: () => t.fail('not broken'), bufferBytes: 16 * 1024, count: 2 });
  const taken = new Set<Buffer>();
  await pump(relay, input, 16 * 1024, taken);
  await new Promise<void>((resolve) => dest.end(resolve));
  t.ok(Buffer.concat(got).equals(input), 'stdout got the input byte for byte');
  return taken;
}

t.test('a fast stdout: buffers are reused, never refilled while held', async (t) => {
  const input = seededBytes(1024 * 1024, 8);
  const taken = await fastRun(t, input, () => undefined);
  t.ok(taken.size <= 3, `${taken.size} buffers for 64 chunks`);
});

t.test('a chunk onChunk keeps (true) is never refilled: the relay reads into a new buffer', async (t) => {
  // Every other chunk is kept, with a copy of what it held when it was handed over.
  const kept: Array<[Buffer, Buffer]> = [];
  let chunks = 0;
  const taken = await fastRun(t, seededBytes(256 * 1024, 9), (c) => {
    if (chunks++ % 2 === 1) return false;
    kept.push([c, Buffer.from(c)]);
    return true;
  });
  t.equal(kept.length, 8, 'half of the 16 chunks kept');
  t.ok(
    kept.every(([c, copy]) => c.equals(copy)),
    'each kept chunk still holds the bytes it was handed over with',
  );
  t.ok(taken.size >= 8, `${taken.size} buffers: a new one for each kept`);
});

t.test('stdout breaks (EPIPE): reported once, the parsers still get everything, no wait for ever', async (t) => {
  const input = seededBytes(512 * 1024, 9);
  const { dest } = slowDest(0, 3);
  const chunks: Buffer[] = [];
  const broken: string[] = [];
  const relay = new Relay({
    dest,
    onChunk: (c) => void chunks.push(Buffer.from(c)),
    onBroken: (e) => broken.push(e.code ?? ''),
    bufferBytes: 8 * 1024,
    count: 2,
  });
  await pump(relay, input, 8 * 1024, new Set());
  t.same(broken, ['EPIPE'], 'onBroken once');
  t.ok(Buffer.concat(chunks).equals(input), 'the parsers got the input byte for byte');
});

t.test('lines from reused buffers are the lines of the input (the splitter and pre-check caches)', async (t) => {
  const text = Array.from({ length: 4000 }, (_, i) =>
    i % 7 === 0
      ? `{"name":"m${i % 5}","value":${i}}`
      : i % 5 === 0
        ? `{"level":"info","value":${i}}`
        : i % 3 === 0
          ? `cost_${i % 4}=${i}`
          : `log line ${i} "value" here`,
  ).join('\n');
  const input = Buffer.from(`${text}\n`);
  const collect = (feed: (splitter: LineSplitter) => Promise<void>) => {
    const lines: string[] = [];
    const splitter = new LineSplitter({
      maxLineBytes: 1 << 20,
      precheck: new Precheck({ kv: true, json: true, prom: true }),
      onLine: (l) => lines.push(l),
    });
    return feed(splitter).then(() => {
      splitter.end();
      return lines;
    });
  };
  const fresh = await collect(async (s) => {
    for (let pos = 0; pos < input.length; pos += 1000) s.push(Buffer.from(input.subarray(pos, pos + 1000)));
  });
  const reused = await collect(async (s) => {
    const { dest } = slowDest(0);
    const relay = new Relay({
      dest,
      onChunk: (c) => s.push(c),
      onBroken: () => undefined,
      bufferBytes: 1000,
      count: 1,
    });
    await pump(relay, input, 1000, new Set());
  });
  t.ok(fresh.length > 1000, `${fresh.length} candidate lines`);
  t.same(reused, fresh, 'the same candidate lines, in the same order');
});
