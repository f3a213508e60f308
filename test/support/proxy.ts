// A tiny forward proxy on 127.0.0.1 that records what it proxied: absolute-URI HTTP requests
// (`GET http://host:port/path`) and CONNECT tunnels (`CONNECT host:port`, used for https and,
// by undici's ProxyAgent, for plain http too).
//
//   const proxy = await startProxy();
//   env.HTTP_PROXY = proxy.url;
//   ... proxy.seen  // [{ kind: 'connect', target: '127.0.0.1:4567' }, …]
//   await proxy.close();

import { startFaultServer } from './fault-server.js';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import type { HttpClient } from '../../lib/sinks/http/types.js';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxiedRequest {
  kind: 'absolute' | 'connect';
  /** `host:port` for CONNECT, the absolute URL otherwise. */
  target: string;
  /** The Proxy-Authorization header, if the client sent one. */
  proxyAuthorization?: string;
}

export interface ForwardProxy {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly seen: ProxiedRequest[];
  close(): Promise<void>;
}

export async function startProxy(): Promise<ForwardProxy> {
  const seen: ProxiedRequest[] = [];
  const sockets = new Set<Duplex>();
  const track = (s: Duplex): void => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? '';
    if (!/^https?:\/\//.test(target)) {
      res.writeHead(400).end('not a proxy request');
      return;
    }
    seen.push({ kind: 'absolute', target, ...auth(req) });
    const headers = { ...req.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(target, { method: req.method, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('upstream failed')));
    req.pipe(upstream);
  });

  server.on('connection', track);
  server.on('connect', (req: IncomingMessage, client: Duplex, head: Buffer) => {
    const target = req.url ?? '';
    seen.push({ kind: 'connect', target, ...auth(req) });
    const [host, port] = splitHostPort(target);
    const upstream: Socket = connect(port, host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

function auth(req: IncomingMessage): { proxyAuthorization?: string } {
  const value = req.headers['proxy-authorization'];
  return value ? { proxyAuthorization: value } : {};
}

function splitHostPort(target: string): [string, number] {
  const i = target.lastIndexOf(':');
  return [target.slice(0, i).replace(/^\[|\]$/g, ''), Number(target.slice(i + 1))];
}

type WithTeardown = { teardown(fn: () => unknown): void };

/** A target server and a proxy in front of it, both stopped by the test's teardown. */
export async function proxyFixtures(
  t: WithTeardown,
): Promise<{ target: Awaited<ReturnType<typeof startFaultServer>>; proxy: Awaited<ReturnType<typeof startProxy>> }> {
  const target = await startFaultServer([], { status: 200, body: 'from target' });
  const proxy = await startProxy();
  t.teardown(async () => {
    await proxy.close();
    await target.close();
  });
  return { target, proxy };
}

/** The HTTP client with the proxy variables of `env`, one attempt, closed by the teardown. */
export function proxiedClient(t: WithTeardown, env: Readonly<Record<string, string | undefined>>): HttpClient {
  const c = createHttpClient({ timeoutMs: 3000, userAgent: 'test', retry: { maxAttempts: 1 }, env });
  t.teardown(() => c.close());
  return c;
}
