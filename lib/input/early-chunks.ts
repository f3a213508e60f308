// The input that arrives before the extractor exists (lib/cli/run/inputs.ts): it passes through to
// stdout at once, and a copy waits here for the lines. The copy is bounded: a fast tool and a
// slow start (a rule file near its cap) must not hold gigabytes. Past the bound the copy stops at
// a line boundary, and lines resume at the first whole line after the extractor arrives, so no
// line is ever made of two pieces (a number that was not in the input). What was not parsed is said.

/** How much input waits for the extractor at most: seconds of a fast tool's output. */
export const EARLY_MAX_BYTES = 64 * 1024 * 1024;

const NEWLINE = 0x0a;

export class EarlyChunks {
  #queue: Buffer[] | undefined = [];
  #sink: ((chunk: Buffer, owned: boolean) => boolean | void) | undefined;
  #bytes = 0;
  #full = false;
  /** Bytes passed through but not handed to the lines. */
  #skipped = 0;
  /** After the bound: the lines resume after the next newline (unless the last byte skipped was one). */
  #toNewline = false;
  readonly #max: number;

  constructor(maxBytes = EARLY_MAX_BYTES) {
    this.#max = maxBytes;
  }

  /** Bytes not handed to the lines (0 unless the bound was reached). */
  get skipped(): number {
    return this.#skipped;
  }

  /**
   * True when the queue kept `chunk` itself: its buffer must then not be refilled (the input's
   * relay reads into a new one, lib/input/relay.ts). A chunk that fills at least half of its
   * buffer is kept so; a smaller one is copied, so that a trickle of small reads does not hold
   * a whole buffer each. Copying into new memory was most of what the queue cost: 60 MiB queued
   * while --preset auto loaded took about 0.27 s to copy on the 2-core machine.
   */
  push(chunk: Buffer): boolean {
    if (this.#sink) return this.#toSink(chunk);
    else if (this.#full) this.#skip(chunk);
    else if (this.#bytes + chunk.length > this.#max) this.#fill(chunk);
    else {
      const keep = 2 * chunk.length >= chunk.buffer.byteLength;
      this.#queue!.push(keep ? chunk : Buffer.from(chunk));
      this.#bytes += chunk.length;
      return keep;
    }
    return false;
  }

  /**
   * Hands what waited to `sink`, and everything from now on; returns the bytes that were not kept.
   * `owned`: the chunk is this queue's own (a copy, or a buffer the input gave up), which nothing
   * changes later, so a sink may keep it without copying it again; later chunks are the
   * stream's, which may reuse its buffer, unless the sink returns true (it kept the chunk: the
   * input reads into a new buffer).
   */
  connect(sink: (chunk: Buffer, owned: boolean) => boolean | void): number {
    for (const chunk of this.#queue ?? []) sink(chunk, true);
    this.#queue = undefined;
    this.#sink = sink;
    return this.#skipped;
  }

  #toSink(chunk: Buffer): boolean {
    if (this.#toNewline) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        this.#skipped += chunk.length;
        return false;
      }
      this.#skipped += nl + 1;
      this.#toNewline = false;
      chunk = chunk.subarray(nl + 1);
      if (chunk.length === 0) return false;
    }
    return this.#sink!(chunk, false) === true;
  }

  #skip(chunk: Buffer): void {
    this.#skipped += chunk.length;
    if (chunk.length > 0) this.#toNewline = chunk[chunk.length - 1] !== NEWLINE;
  }

  /** The bound is reached: the queue is cut after its last newline, and this chunk is skipped. */
  #fill(chunk: Buffer): void {
    this.#full = true;
    const queue = this.#queue!;
    while (queue.length > 0) {
      const last = queue[queue.length - 1] as Buffer;
      const nl = last.lastIndexOf(NEWLINE);
      if (nl >= 0) {
        this.#skipped += last.length - (nl + 1);
        queue[queue.length - 1] = last.subarray(0, nl + 1);
        break;
      }
      this.#skipped += last.length;
      queue.pop();
    }
    this.#skip(chunk);
  }
}
