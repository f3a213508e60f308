// A node:http server that answers each request as a test script says, and remembers every request.
//
//   const server = await startFaultServer([{ status: 503 }, { status: 200, body: 'ok' }]);
//   ... request server.url ...
//   server.requests  // [{ method, url, headers, body }, …]
//   await server.close();  // also destroys open (hanging, keep-alive) sockets
//
// Actions are taken from the queue in order, one per request; when the queue is empty, `fallback`
// (default: 200, empty body) answers. `server.script(...)` appends more actions.

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { listenOnLoopback } from './loopback.js';

export type FaultAction =
  /** Answer with this status, headers and body (after `delayMs`, if given). */
  | { status: number; headers?: Record<string, string | string[]>; body?: string; delayMs?: number }
  /** Destroy the socket without answering (the client sees ECONNRESET / socket hang up). */
  | { reset: true }
  /** Never answer (the socket stays open until the client gives up or the server closes). */
  | { hang: true }
  /** Send status and headers, then never finish the body. */
  | { hangBody: true; status?: number };

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body's bytes (protobuf, compressed bodies). */
  raw: Buffer;
  /** Date.now() when the request arrived, to measure the waits between attempts. */
  at: number;
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  script(...actions: FaultAction[]): void;
  close(): Promise<void>;
}

export async function startFaultServer(
  actions: FaultAction[] = [],
  fallback: FaultAction = { status: 200 },
): Promise<FaultServer> {
  const queue = [...actions];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        raw: Buffer.concat(chunks),
        at: Date.now(),
      });
      act(queue.shift() ?? fallback, req, res, timers);
    });
  });
  const listening = await listenOnLoopback(server);
  const { port } = listening;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    script: (...more) => queue.push(...more),
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      return listening.close();
    },
  };
}

function act(action: FaultAction, req: IncomingMessage, res: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  if ('reset' in action) {
    req.socket.destroy();
    return;
  }
  if ('hang' in action) return;
  if ('hangBody' in action) {
    res.writeHead(action.status ?? 200, { 'content-type': 'text/plain' });
    res.write('partial');
    return;
  }
  const answer = (): void => {
    res.writeHead(action.status, action.headers ?? {});
    res.end(action.body ?? '');
  };
  if (!action.delayMs) return answer();
  // Tracked so close() can cancel it: a pending answer must not keep the test process alive.
  const timer = setTimeout(() => {
    timers.delete(timer);
    if (!res.destroyed) answer();
  }, action.delayMs);
  timers.add(timer);
}
