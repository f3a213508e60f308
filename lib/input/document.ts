// --json-path needs the whole input as one document (pretty-printed JSON such as infracost's).
// It is kept only when --json-path is given, and only up to a limit, so memory stays bounded.

export const DOCUMENT_LIMIT = 32 * 1024 * 1024;

export class DocumentCollector {
  #chunks: Buffer[] = [];
  #bytes = 0;
  overflow = false;

  constructor(readonly limit: number = DOCUMENT_LIMIT) {}

  add(chunk: Buffer): void {
    if (this.overflow) return;
    if (this.#bytes + chunk.length > this.limit) {
      this.overflow = true;
      this.#chunks = [];
      return;
    }
    // Copied: a stream may hand out a buffer it reuses.
    this.#chunks.push(Buffer.from(chunk));
    this.#bytes += chunk.length;
  }

  text(): string {
    return Buffer.concat(this.#chunks, this.#bytes).toString('utf8');
  }
}
