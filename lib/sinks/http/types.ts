// The HTTP layer's types and its one error, apart from the undici-based client (lib/sinks/http/client.ts),
// so that code which only names them (the backends' request builders, --dry-run) does not
// load undici at startup.

export interface HttpRequest {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  url: URL;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Epoch ms after which no attempt is started and a running one is aborted (--deadline). */
  deadlineAt?: number;
  /** Which statuses are tried again; isRetryableStatus (408, 429, 5xx) by default. */
  retryStatus?: (status: number) => boolean;
  /** Most of the answer's body kept (default MAX_RESPONSE_BODY_BYTES); the gate's history reads want more. */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** The same body as bytes (a protobuf answer, e.g. OTLP's partial success). */
  bytes?: Uint8Array;
  /** How many attempts it took (1 = no retry). */
  attempts: number;
}

/** The request could not get an answer at all: connection refused, reset, timed out, deadline. */
export class HttpFailure extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'HttpFailure';
  }
}

export interface HttpClient {
  /**
   * Sends the request. Retries connection errors, timeouts, 408, 429 and 5xx; returns the
   * final response whatever its status; throws HttpFailure when no answer came in time.
   */
  request(req: HttpRequest): Promise<HttpResponse>;
  /** Closes idle keep-alive sockets so the process can exit at once. */
  close(): Promise<void>;
  /** Loads the HTTP code (undici) now, before the first request needs it; sends nothing, never throws. */
  prepare?(): Promise<void>;
}

export interface HttpClientOptions {
  /** Per-attempt timeout (--timeout). */
  timeoutMs: number;
  /** PEM file of extra CA certificates (--ca-file); NODE_EXTRA_CA_CERTS is honoured by Node itself. */
  caFile?: string;
  /** Skip TLS verification (--insecure). */
  insecure?: boolean;
  /** `jes-metrics-pipe/<version>`. */
  userAgent: string;
  /** Headers added to every request (--header). */
  headers?: ReadonlyArray<readonly [string, string]>;
  /** For --verbose per-request lines; secrets are redacted by the reporter. */
  reporter?: import('../../report/report.js').Reporter;
  /** Backoff tuning; tests make it fast. */
  retry?: { baseMs?: number; maxMs?: number; maxAttempts?: number };
  /** Where proxy variables and NODE_EXTRA_CA_CERTS are read from; process.env by default (tests). */
  env?: Readonly<Record<string, string | undefined>>;
}
