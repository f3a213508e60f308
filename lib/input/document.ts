// --json-path needs the whole input as one document (pretty-printed JSON such as infracost's).
// It is kept only when --json-path is given, and only up to a limit, so memory stays bounded.

export const DOCUMENT_LIMIT = 32 * 1024 * 1024;

/**
 * When only --preset auto's own presets want the document (docs/presets.md, "What it reads").
 * Keeping the input as a document costs memory its reads cannot reuse: on the bench's 256 MiB
 * mixed log, keeping 32 MiB of a log that is no document was a tenth of --preset auto's time
 * (bench/RESULTS.md); a report that is larger is read by its named preset.
 */
export const AUTO_DOCUMENT_LIMIT = 8 * 1024 * 1024;

export class DocumentCollector {
  #chunks: Buffer[] = [];
  #bytes = 0;
  overflow = false;

  constructor(readonly limit: number = DOCUMENT_LIMIT) {}

  /**
   * `owned`: the caller's own copy, which nothing changes later (lib/input/early-chunks.ts), kept
   * as it is. Otherwise a chunk that fills at least half of its buffer is kept itself, and true
   * returned: the input must then read into a new buffer (lib/input/relay.ts); a smaller one is
   * copied. A copy is not cheap: copying 32 MiB into new memory took a third of a second on a
   * 2-core machine, reading into new memory about a third of that.
   */
  add(chunk: Buffer, owned = false): boolean {
    if (this.overflow) return false;
    if (this.#bytes + chunk.length > this.limit) {
      this.overflow = true;
      this.#chunks = [];
      return false;
    }
    const keep = !owned && 2 * chunk.length >= chunk.buffer.byteLength;
    this.#chunks.push(owned || keep ? chunk : Buffer.from(chunk));
    this.#bytes += chunk.length;
    return keep;
  }

  text(): string {
    return Buffer.concat(this.#chunks, this.#bytes).toString('utf8');
  }
}
