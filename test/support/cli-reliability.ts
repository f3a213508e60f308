// Support for the CLI-level reliability tests (test/integration/cli-*.test.ts):
//
// - startFlakyFront(target, faults): a reverse proxy on 127.0.0.1 in front of a REAL backend
//   (a Pushgateway, the Dynatrace emulator). Its first requests get the scripted faults (a
//   status with Retry-After, a reset, a hang); the others are forwarded, so "the retry landed"
//   is asserted at the real backend. Every request is logged with its arrival time, which is
//   how the waits between attempts are measured.
// - liveCli(args, env): the built CLI with stdin kept open, to write lines, wait for output,
//   send signals and end input at the right moments.
// - startPushgatewayAt(port): a real Pushgateway on a given port (to bring one back after a kill).

import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createNetServer } from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { runCli, type CliResult } from './cli.js';
import { listenOnLoopback } from './loopback.js';
import { PUSHGATEWAY_BIN } from './pushgateway.js';
import { startProcess, waitUntilReady, type ServerProcess } from './process.js';

/** A Dynatrace token of the real shape: dt0c01.<24 public>.<64 secret>. */
export const DT_TOKEN_PUBLIC = 'ABCDEFGHIJKLMNOPQRSTUVWX';
export const DT_TOKEN_SECRET = 'S3CR3TPART0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR';
export const DT_TOKEN = `dt0c01.${DT_TOKEN_PUBLIC}.${DT_TOKEN_SECRET}`;

export type FrontFault = { status: number; retryAfter?: string; body?: string } | { reset: true } | { hang: true };

export interface FrontRequest {
  method: string;
  url: string;
  body: string;
  /** Date.now() when the whole request had arrived. */
  at: number;
  /** What the front did: the fault's status, 'reset', 'hang', or 'forwarded <status>'. */
  outcome: string;
}

export interface FlakyFront {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly requests: FrontRequest[];
  /** Appends faults; `always` makes the front answer every later request with this fault. */
  script(...faults: FrontFault[]): void;
  always(fault: FrontFault | undefined): void;
  close(): Promise<void>;
}

export async function startFlakyFront(target: string, faults: FrontFault[] = []): Promise<FlakyFront> {
  const queue = [...faults];
  let forever: FrontFault | undefined;
  const requests: FrontRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const record: FrontRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        body: body.toString('utf8'),
        at: Date.now(),
        outcome: '',
      };
      requests.push(record);
      const fault = queue.shift() ?? forever;
      if (fault && 'reset' in fault) {
        record.outcome = 'reset';
        req.socket.destroy();
        return;
      }
      if (fault && 'hang' in fault) {
        record.outcome = 'hang';
        return;
      }
      if (fault) {
        record.outcome = String(fault.status);
        res.writeHead(fault.status, fault.retryAfter !== undefined ? { 'retry-after': fault.retryAfter } : {});
        res.end(fault.body ?? `fault ${fault.status}`);
        return;
      }
      const headers = { ...req.headers };
      delete headers.host;
      const upstream = httpRequest(`${target}${req.url ?? '/'}`, { method: req.method, headers }, (up) => {
        record.outcome = `forwarded ${up.statusCode ?? 0}`;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      upstream.on('error', (err) => {
        record.outcome = `upstream failed: ${err.message}`;
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end('upstream failed');
      });
      upstream.end(body);
    });
  });
  const listening = await listenOnLoopback(server);
  return {
    url: listening.url,
    requests,
    script: (...more) => queue.push(...more),
    always: (fault) => (forever = fault),
    close: listening.close,
  };
}

/** A port nothing listens on (bound, then released): connections to it are refused. */
export async function closedPort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface LiveCli {
  child: ChildProcess;
  /** Resolves with the result when the CLI has exited. */
  done: Promise<CliResult>;
  /** Everything the CLI wrote to stdout / stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout (or stderr) so far satisfies `test`; rejects when the CLI exits first. */
  waitForStdout(text: string): Promise<void>;
  waitForStderr(pattern: RegExp): Promise<void>;
  write(text: string): void;
  end(text?: string): void;
  /** Date.now() when the CLI exited (undefined while it runs). */
  exitedAt(): number | undefined;
}

/** The built CLI with its stdin left open. Register `kill` in a teardown: `t.teardown(cli.kill)`. */
export function liveCli(args: readonly string[], env: Record<string, string> = {}): LiveCli & { kill(): void } {
  let child: ChildProcess | undefined;
  let out = '';
  let err = '';
  let exitedAt: number | undefined;
  const waiters: Array<() => void> = [];
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };
  const done = runCli(args, {
    env,
    onSpawn: (c) => {
      child = c;
      c.stdout!.on('data', (b: Buffer) => {
        out += b.toString('utf8');
        notify();
      });
      c.stderr!.on('data', (b: Buffer) => {
        err += b.toString('utf8');
        notify();
      });
      c.on('exit', () => {
        exitedAt = Date.now();
        notify();
      });
    },
  });
  const waitFor = (test: () => boolean, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (test()) {
          waiters.splice(waiters.indexOf(check), 1);
          resolve();
        } else if (exitedAt !== undefined) {
          waiters.splice(waiters.indexOf(check), 1);
          reject(new Error(`the CLI exited before ${what}; stderr:\n${err}`));
        }
      };
      waiters.push(check);
      check();
    });
  const c = child as ChildProcess | undefined;
  if (!c) throw new Error('runCli did not call onSpawn synchronously');
  return {
    child: c,
    done,
    stdout: () => out,
    stderr: () => err,
    waitForStdout: (text) => waitFor(() => out.includes(text), `stdout showed ${JSON.stringify(text)}`),
    waitForStderr: (pattern) => waitFor(() => pattern.test(err), `stderr matched ${pattern}`),
    write: (text) => c.stdin!.write(text),
    end: (text) => (text === undefined ? c.stdin!.end() : c.stdin!.end(text)),
    exitedAt: () => exitedAt,
    kill: () => {
      if (exitedAt === undefined && c.pid !== undefined) {
        try {
          process.kill(c.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    },
  };
}

/** A real Pushgateway on this port (to bring one back after it was killed). Stop it by `stop()`. */
export async function startPushgatewayAt(port: number): Promise<ServerProcess> {
  const proc = startProcess(PUSHGATEWAY_BIN, [
    `--web.listen-address=127.0.0.1:${port}`,
    '--persistence.file=',
    '--log.level=warn',
  ]);
  try {
    await waitUntilReady(proc, `http://127.0.0.1:${port}/-/ready`);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return proc;
}

/** The gateway's scrape text (GET /metrics). */
export async function scrape(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

/** Gap in ms between consecutive front requests (for the waits between attempts). */
export function gaps(requests: readonly FrontRequest[]): number[] {
  return requests.slice(1).map((r, i) => r.at - requests[i]!.at);
}
