// --json-path needs the whole input as one document (pretty-printed JSON such as infracost's).
// It is kept only when --json-path is given, and only up to a limit, so memory stays bounded.

export const DOCUMENT_LIMIT = 32 * 1024 * 1024;

export class DocumentCollector {
  #chunks: Buffer[] = [];
  #bytes = 0;
  overflow = false;

  constructor(readonly limit: number = DOCUMENT_LIMIT) {}

  /**
   * `owned`: the caller's own copy, which nothing changes later (lib/input/early-chunks.ts), kept
   * as it is; otherwise copied, as a stream may hand out a buffer it reuses. A copy is not cheap:
   * the input that waited for the rules is often all of it (a file, a fast tool), and copying
   * 32 MiB into new memory took a third of a second on a 2-core machine.
   */
  add(chunk: Buffer, owned = false): void {
    if (this.overflow) return;
    if (this.#bytes + chunk.length > this.limit) {
      this.overflow = true;
      this.#chunks = [];
      return;
    }
    this.#chunks.push(owned ? chunk : Buffer.from(chunk));
    this.#bytes += chunk.length;
  }

  text(): string {
    return Buffer.concat(this.#chunks, this.#bytes).toString('utf8');
  }
}
