// A strict Dynatrace Metrics API v2 ingest emulator on 127.0.0.1 for tests.
//
//   const dt = await startDtEmulator({ token: 'dt0c01.ABC.SECRET' });
//   POST `${dt.url}/api/v2/metrics/ingest` (also /e/<id>/api/v2/metrics/ingest; the OneAgent
//   form `${dt.url}/metrics/ingest` needs no token)
//   dt.ingested   // every accepted line, parsed back: key, unescaped dimensions, value
//   dt.requests   // every request with the status it got
//   dt.setFaults({ status: 503, times: 2 }, …)   // for the reliability tests
//   await dt.close()
//
// Rules (see test/support/dt-line-validator.ts for the line level):
// - Authorization `Api-Token <token>`: missing or wrong → 401; `opts.tokenWithoutScope` → 403.
// - Content-Type must be text/plain → 415 otherwise.
// - Body over 1,000,000 bytes → 413. Over 1,000 lines → 413 as well: the whole request is
//   refused (the reference says "keep to 1000"; refusing it all makes a client that
//   oversteps fail loudly in tests instead of half-succeeding).
// - Each line validated on its own; valid lines of a 400 are ingested, like the real service.
// - Answers: 202 `{"linesOk":n,"linesInvalid":0,"error":null,"warnings":null}`; 400 with
//   `linesOk`, `linesInvalid` and `error.invalidLines` (1-based, the first ten only, message
//   "N invalid lines" or "First 10 errors reported"); the OneAgent endpoint answers with
//   `linesValid` as its docs show; errors as `{"error":{"code":…,"message":…}}`.

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { listenOnLoopback } from './loopback.js';
import { validateDtLine, type DtPayload } from './dt-line-validator.js';

export const MAX_REQUEST_BYTES = 1_000_000;
export const MAX_REQUEST_LINES = 1_000;
const INGEST_PATH = /^(?:\/e\/[^/]+)?\/api\/v2\/metrics\/ingest$/;
const ONEAGENT_PATH = '/metrics/ingest';

export interface DtRecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The status the emulator answered (0 for a reset or hanging connection). */
  status: number;
  response: string;
}

export interface IngestedLine {
  key: string;
  dimensions: Record<string, string>;
  value: number;
  payload: DtPayload;
  timestamp?: number;
  /** The line as it arrived. */
  raw: string;
}

export type DtFault =
  /** Answer `status` (with an optional Retry-After and body) instead of processing. */
  | { status: number; retryAfter?: string; body?: string; times?: number }
  /** Destroy the connection without an answer. */
  | { reset: true; times?: number }
  /** Never answer (until close()). */
  | { hang: true; times?: number };

export interface DtEmulatorOptions {
  /** The valid token; default 'dt0c01.EMULATOR.SECRET'. */
  token?: string;
  /** A token that authenticates but lacks the metrics.ingest scope (→ 403). */
  tokenWithoutScope?: string;
  /** Clock for the timestamp window. */
  now?: () => number;
  faults?: DtFault[];
  /** A lower body limit, as a proxy or gateway in front of the API may have (nginx: 1 MiB by default, often less). */
  maxRequestBytes?: number;
}

export interface DtEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly token: string;
  readonly requests: DtRecordedRequest[];
  readonly ingested: IngestedLine[];
  /** Replaces the fault queue; each fault answers its `times` (default 1) next requests. */
  setFaults(...faults: DtFault[]): void;
  close(): Promise<void>;
}

export const DEFAULT_EMULATOR_TOKEN =
  'dt0c01.EMULATOR0PUBLIC0PART000.EMULATORSECRET0000000000000000000000000000000000000000000000000';

export async function startDtEmulator(opts: DtEmulatorOptions = {}): Promise<DtEmulator> {
  const token = opts.token ?? DEFAULT_EMULATOR_TOKEN;
  const now = opts.now ?? Date.now;
  const requests: DtRecordedRequest[] = [];
  const ingested: IngestedLine[] = [];
  let faults: Array<DtFault & { left: number }> = [];
  const setFaults = (...list: DtFault[]): void => {
    faults = list.map((f) => ({ ...f, left: f.times ?? 1 }));
  };
  setFaults(...(opts.faults ?? []));

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const record: DtRecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: body.toString('utf8'),
        status: 0,
        response: '',
      };
      requests.push(record);
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        record.status = status;
        record.response = text;
        res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
        res.end(text);
      };

      const fault = faults[0];
      if (fault) {
        fault.left--;
        if (fault.left <= 0) faults.shift();
        if ('reset' in fault) {
          req.socket.destroy();
          return;
        }
        if ('hang' in fault) return;
        const headers: Record<string, string> =
          fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {};
        send(fault.status, fault.body ?? envelope(fault.status, `emulated fault ${fault.status}`), headers);
        return;
      }
      handle(req, body, send);
    });
  });

  const handle = (req: IncomingMessage, body: Buffer, send: (status: number, payload: unknown) => void): void => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const oneAgent = path === ONEAGENT_PATH;
    if (!oneAgent && !INGEST_PATH.test(path)) return send(404, envelope(404, `Not found: ${path}`));
    if (req.method !== 'POST') return send(405, envelope(405, `Method ${req.method ?? ''} not allowed`));
    if (!oneAgent) {
      const auth = req.headers.authorization;
      if (auth === undefined) return send(401, envelope(401, 'Missing authorization parameter.'));
      const m = /^Api-Token (.+)$/.exec(auth);
      if (!m) return send(401, envelope(401, 'Authentication failed: unsupported authorization scheme.'));
      if (opts.tokenWithoutScope !== undefined && m[1] === opts.tokenWithoutScope) {
        return send(403, envelope(403, 'Token is missing required scope. Use one of: metrics.ingest'));
      }
      if (m[1] !== token) return send(401, envelope(401, 'Token Authentication failed'));
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^text\/plain\s*(;|$)/i.test(contentType)) {
      return send(415, envelope(415, `Unsupported content type '${contentType}', expected text/plain`));
    }
    const maxBytes = Math.min(MAX_REQUEST_BYTES, opts.maxRequestBytes ?? MAX_REQUEST_BYTES);
    if (body.length > maxBytes) {
      return send(413, envelope(413, `Payload too large: ${body.length} bytes > ${maxBytes}`));
    }
    const text = body.toString('utf8');
    if (text.length === 0) return send(400, envelope(400, 'Empty request body'));
    const lines = text.split('\n');
    if (lines.length > MAX_REQUEST_LINES) {
      return send(413, envelope(413, `Too many lines in one request: ${lines.length} > ${MAX_REQUEST_LINES}`));
    }

    let ok = 0;
    const invalid: Array<{ line: number; error: string }> = [];
    lines.forEach((raw, i) => {
      const verdict = validateDtLine(raw, { now: now() });
      if (!verdict.ok) {
        invalid.push({ line: i + 1, error: verdict.error });
        return;
      }
      ok++;
      if ('line' in verdict) {
        const { key, dimensions, value, payload, timestamp } = verdict.line;
        const entry: IngestedLine = { key, dimensions, value, payload, raw };
        if (timestamp !== undefined) entry.timestamp = timestamp;
        ingested.push(entry);
      }
    });

    const okField = oneAgent ? 'linesValid' : 'linesOk';
    if (invalid.length === 0) return send(202, { [okField]: ok, linesInvalid: 0, error: null, warnings: null });
    send(400, {
      [okField]: ok,
      linesInvalid: invalid.length,
      error: {
        code: 400,
        message: invalid.length > 10 ? 'First 10 errors reported' : `${invalid.length} invalid lines`,
        invalidLines: invalid.slice(0, 10),
      },
      warnings: null,
    });
  };

  const listening = await listenOnLoopback(server);
  const { port } = listening;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    requests,
    ingested,
    setFaults,
    close: listening.close,
  };
}

function envelope(code: number, message: string): { error: { code: number; message: string } } {
  return { error: { code, message } };
}
