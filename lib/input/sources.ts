// The sources of bytes, each with its pass-through to our stdout. Filter mode reads fd 0:
// a pipe or socket through a net.Socket (epoll, never a blocking read on the thread pool,
// which would make the process hang at exit when a signal came while the upstream was quiet),
// a regular file (`< file`) with fs.read (a file read never waits for a writer); both into the
// relay's reused buffers. Anything else (a terminal, a character device) and the tool's output
// in wrap mode go through Node's streams, whose every read is a fresh buffer (see reclaim.ts).

import { fstatSync, read } from 'node:fs';
import type net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { passThrough } from './passthrough.js';
import { bufferReclaimer } from './reclaim.js';
import { Relay } from './relay.js';

const FILE_READ_BYTES = 1024 * 1024;
const FILE_READS_IN_FLIGHT = 4;

export interface Input {
  /** Resolves at the end of input, after a read error, or after stop(). */
  readonly done: Promise<void>;
  /** Stops reading (a signal); what was read is kept. */
  stop(): void;
}

export interface InputOptions {
  dest: Writable;
  /**
   * Gets each chunk after it was handed to dest; the bytes are only valid during the call, unless
   * it returns true: the chunk is then the callee's (a relayed input reads into a new buffer).
   */
  onChunk: (chunk: Buffer) => boolean | void;
  /** Called once when dest refuses more bytes (EPIPE); reading goes on. */
  onBroken: (err: NodeJS.ErrnoException) => void;
  onError: (err: Error) => void;
}

/**
 * Filter mode's standard input as the entry hands it over: a file descriptor, and the Node
 * stream over it for the kinds a descriptor read does not serve (a terminal). `stream` is called
 * only then: process.stdin is created on first use, and costs a start that does not need it.
 */
export interface StdinSource {
  fd: number;
  stream: () => Readable;
}

/** Filter mode: a descriptor, read the fastest way its kind allows; a stream (tests, embedders) as a stream. */
export function stdinInput(source: StdinSource | Readable, opts: InputOptions): Input {
  if (!isStdinSource(source)) return streamInput(source, opts);
  const kind = fdKind(source.fd);
  if (kind === 'directory') {
    // `< somedir`: reads fail with EISDIR, which Node's stdin would end on in silence.
    opts.onError(new Error('stdin is a directory, not a file or a pipe: nothing to read'));
    return { done: Promise.resolve(), stop: () => undefined };
  }
  if (kind === 'stream') return socketInput(source.fd, opts);
  if (kind === 'file') return fileInput(source.fd, opts);
  return streamInput(source.stream(), opts);
}

function isStdinSource(source: StdinSource | Readable): source is StdinSource {
  // A Readable pipes; the descriptor form is a plain object (no node:stream import needed to tell).
  return typeof (source as Partial<Readable>).pipe !== 'function';
}

function fdKind(fd: number): 'stream' | 'file' | 'directory' | 'other' {
  try {
    const st = fstatSync(fd);
    if (st.isFIFO() || st.isSocket()) return 'stream';
    if (st.isFile()) return 'file';
    if (st.isDirectory()) return 'directory';
  } catch {
    // closed or odd: Node's own stdin knows what to do
  }
  return 'other';
}

/** An Input over a stream: done at its end, close or error (reported); `halt` stops the reading. */
function inputOf(stream: Readable, onError: (err: Error) => void, halt: () => void): Input {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  stream.once('end', finish);
  stream.once('close', finish);
  stream.once('error', (err) => {
    onError(err);
    finish();
  });
  return {
    done,
    stop: () => {
      halt();
      finish();
    },
  };
}

function socketInput(fd: number, opts: InputOptions): Input {
  const relay = new Relay(opts);
  // onread: libuv reads straight into the buffer `buffer()` returned last; the callback must
  // be done with it on return. Returning false stops the reads until resume().
  const options: net.SocketConstructorOpts & { onread: net.OnReadOpts } = {
    fd,
    readable: true,
    writable: false,
    onread: {
      buffer: () => relay.take(),
      callback: (n: number, buf: Uint8Array) => {
        if (relay.pass(buf as Buffer, n)) return true;
        relay.whenFree(() => socket.resume());
        return false;
      },
    },
  };
  // Node reads `onread` in the constructor too (since 12.x); @types/node lists it only for connect().
  // node:net (and the streams under it) only now: `< file` needs none of it (about 3 ms, docs/decisions/start-up.md).
  const socket = new (process.getBuiltinModule('node:net').Socket)(options);
  return inputOf(socket, opts.onError, () => socket.pause());
}

function fileInput(fd: number, opts: InputOptions): Input {
  // Bigger reads than a pipe's 64 KiB: each fs.read is a round trip to the thread pool
  // (100 MiB from a file: 0.63 s with 64 KiB reads, 0.50 s with 1 MiB, docs/decisions/stdin-relay.md).
  // One read ahead: the next chunk is read on the thread pool while this one is passed on and its
  // lines are read (one at a time, so the file's own offset orders them). Waiting for each read
  // was a sixth of a 256 MiB run from a file (docs/decisions/stdin-relay.md).
  const relay = new Relay({ ...opts, bufferBytes: FILE_READ_BYTES, count: FILE_READS_IN_FLIGHT });
  let stopped = false;
  const readInto = (buf: Buffer): Promise<number> => {
    const bytes = new Promise<number>((resolve, reject) =>
      read(fd, buf, 0, buf.length, null, (err, n) => (err ? reject(err) : resolve(n))),
    );
    // Awaited later, after the chunk before it was passed on: not an unhandled rejection meanwhile.
    bytes.catch(() => undefined);
    return bytes;
  };
  const pump = async (): Promise<void> => {
    let buf = relay.take();
    let next = readInto(buf);
    for (;;) {
      const n = await next;
      if (n === 0 || stopped) {
        relay.giveBack(buf);
        return;
      }
      await new Promise<void>((resolve) => relay.whenFree(resolve));
      if (stopped) return;
      const full = buf;
      buf = relay.take();
      next = readInto(buf);
      relay.pass(full, n);
    }
  };
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  pump().then(finish, (err: Error) => {
    opts.onError(err);
    finish();
  });
  return {
    done,
    stop: () => {
      stopped = true;
      finish();
    },
  };
}

/** A Node stream as the source: stdin on a terminal or handed over as a stream, the tool's stdout or stderr. */
export function streamInput(stream: Readable, opts: InputOptions): Input {
  passThrough(stream, opts.dest, opts.onBroken);
  const reclaim = bufferReclaimer();
  stream.on('data', (chunk: Buffer) => {
    opts.onChunk(chunk);
    reclaim(chunk.length);
  });
  return inputOf(stream, opts.onError, () => {
    stream.unpipe();
    stream.pause();
  });
}
