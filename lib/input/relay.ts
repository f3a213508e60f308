// The pass-through for filter mode, on a few buffers that are reused. Node's process.stdin
// hands every read over in a fresh 64 KiB buffer, and the kernel must fault in the new pages
// during each read: measured here, 95 µs per read from a pipe into fresh memory against 23 µs
// into a warm buffer, which made a bare `stdin.pipe(stdout)` 4× slower than `cat | cat`.
// A buffer goes back to the pool once stdout has taken its bytes (the write's callback), so a
// slow reader downstream holds at most `count` buffers and then pauses the reads.

import type { Writable } from 'node:stream';

export const RELAY_BUFFER_BYTES = 64 * 1024;
export const RELAY_BUFFERS = 8;

export interface RelayOptions {
  dest: Writable;
  /**
   * Gets each chunk after it was handed to dest; the bytes are only valid during the call, unless
   * it returns true: then the chunk's buffer is the callee's, and the relay reads into a new one.
   */
  onChunk: (chunk: Buffer) => boolean | void;
  /** Called once when dest refuses more bytes (EPIPE: `| head -1`); reading goes on. */
  onBroken: (err: NodeJS.ErrnoException) => void;
  bufferBytes?: number;
  count?: number;
}

export class Relay {
  readonly #opts: RelayOptions;
  readonly #size: number;
  readonly #count: number;
  #free: Buffer[] = [];
  #inFlight = 0;
  #broken = false;
  /** Bumped when dest breaks: callbacks of writes from before are ignored, their buffers dropped. */
  #epoch = 0;
  #onFree: (() => void) | undefined;

  constructor(opts: RelayOptions) {
    this.#opts = opts;
    this.#size = opts.bufferBytes ?? RELAY_BUFFER_BYTES;
    this.#count = opts.count ?? RELAY_BUFFERS;
    // Later write errors on a broken pipe must not crash the process either.
    opts.dest.on('error', (err: NodeJS.ErrnoException) => this.#break(err));
  }

  /** A buffer to read into. There is always one: the pool holds `count` in flight plus one. */
  take(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.#size);
  }

  /** Returns a buffer that was taken but not filled (end of input). */
  giveBack(buf: Buffer): void {
    this.#free.push(buf);
  }

  /** Passes buf[0, n) on, stdout first. False when `count` buffers are in flight: pause reading. */
  pass(buf: Buffer, n: number): boolean {
    const chunk = buf.subarray(0, n);
    // Set before the write's callback can run (it runs on a later turn).
    let kept = false;
    const broken = this.#broken;
    if (!broken) {
      this.#inFlight++;
      const epoch = this.#epoch;
      this.#opts.dest.write(chunk, () => {
        if (epoch === this.#epoch) this.#written(kept ? undefined : buf);
      });
    }
    kept = this.#opts.onChunk(chunk) === true;
    if (broken && !kept) this.#free.push(buf);
    return this.#inFlight < this.#count;
  }

  /** Calls `resume` once a buffer is back (right away if one is). */
  whenFree(resume: () => void): void {
    if (this.#inFlight < this.#count) resume();
    else this.#onFree = resume;
  }

  /** `buf` is undefined when onChunk kept it. */
  #written(buf: Buffer | undefined): void {
    this.#inFlight--;
    if (buf !== undefined) this.#free.push(buf);
    this.#resume();
  }

  #resume(): void {
    const resume = this.#onFree;
    this.#onFree = undefined;
    resume?.();
  }

  #break(err: NodeJS.ErrnoException): void {
    if (this.#broken) return;
    this.#broken = true;
    // Whether or not a dead stream still calls back, reading must not wait for it.
    this.#epoch++;
    this.#inFlight = 0;
    this.#opts.onBroken(err);
    this.#resume();
  }
}
