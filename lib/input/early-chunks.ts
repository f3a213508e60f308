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
  #sink: ((chunk: Buffer, owned: boolean) => void) | undefined;
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

  push(chunk: Buffer): void {
    if (this.#sink) this.#toSink(chunk);
    else if (this.#full) this.#skip(chunk);
    else if (this.#bytes + chunk.length > this.#max) this.#fill(chunk);
    else {
      this.#queue!.push(Buffer.from(chunk));
      this.#bytes += chunk.length;
    }
  }

  /**
   * Hands what waited to `sink`, and everything from now on; returns the bytes that were not kept.
   * `owned`: the chunk is this queue's own copy, which nothing changes later, so a sink may keep it
   * without copying it again; later chunks are the stream's, which may reuse its buffer.
   */
  connect(sink: (chunk: Buffer, owned: boolean) => void): number {
    for (const chunk of this.#queue ?? []) sink(chunk, true);
    this.#queue = undefined;
    this.#sink = sink;
    return this.#skipped;
  }

  #toSink(chunk: Buffer): void {
    if (this.#toNewline) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl < 0) {
        this.#skipped += chunk.length;
        return;
      }
      this.#skipped += nl + 1;
      this.#toNewline = false;
      chunk = chunk.subarray(nl + 1);
      if (chunk.length === 0) return;
    }
    this.#sink!(chunk, false);
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
