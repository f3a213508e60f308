// close(): no keep-alive socket outlives the client, so the program can exit at once.

import t from 'tap';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import { HttpFailure } from '../../lib/sinks/http/types.js';
import { runTsChild } from '../support/node-child.js';

const REQUEST_ONCE = fileURLToPath(new URL('../fixtures/http/request-once.ts', import.meta.url));

/** A keep-alive server that would hold an idle connection for a minute, and tells when one closes. */
async function startKeepAliveServer(): Promise<{
  url: string;
  open: Set<Socket>;
  closed: Promise<void>;
  close: () => Promise<void>;
}> {
  const open = new Set<Socket>();
  let onClosed: () => void = () => {};
  const closed = new Promise<void>((r) => (onClosed = r));
  const server: Server = createServer((_req, res) => res.end('kept alive'));
  server.keepAliveTimeout = 60_000;
  server.on('connection', (s: Socket) => {
    open.add(s);
    s.on('close', () => {
      open.delete(s);
      onClosed();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    open,
    closed,
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy();
        server.close(() => r());
      }),
  };
}

t.test('after a request the connection stays open; close() ends it', async (t) => {
  const server = await startKeepAliveServer();
  t.teardown(server.close);
  const client = createHttpClient({ timeoutMs: 5000, userAgent: 'test', env: {} });
  t.teardown(() => client.close());
  const res = await client.request({ method: 'GET', url: new URL(server.url) });
  t.equal(res.body, 'kept alive');
  t.equal(server.open.size, 1, 'the keep-alive connection is open after the response');
  await client.close();
  // Safety net only: without close() the server would hold the idle socket for 60 s.
  const outcome = await Promise.race([
    server.closed.then(() => 'closed'),
    new Promise((r) => setTimeout(r, 10_000, 'still open')).then(String),
  ]);
  t.equal(outcome, 'closed', 'close() closed it');
  t.equal(server.open.size, 0);
});

t.test('a request after close() is refused', async (t) => {
  const client = createHttpClient({ timeoutMs: 5000, userAgent: 'test', env: {} });
  await client.close();
  await client.close(); // twice is harmless
  await t.rejects(client.request({ method: 'GET', url: new URL('http://127.0.0.1:1/') }), HttpFailure);
});

t.test('a process that makes a request and closes the client exits on its own', async (t) => {
  const server = await startKeepAliveServer();
  t.teardown(server.close);
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[k];
  // 60 s is a safety net for a loaded CI machine; the server would keep an idle connection for 60 s too,
  // so `killed` stays the honest signal (undici unrefs idle sockets, so this is a regression guard).
  const child = await runTsChild(REQUEST_ONCE, [JSON.stringify({ url: server.url })], env, 60_000);
  t.equal(child.stdout, 'status 200\n', child.stderr);
  t.equal(child.killed, false, 'the child exited by itself');
  t.equal(child.code, 0);
  await server.closed; // the child is gone, so its socket is too
  t.equal(server.open.size, 0, 'and left no connection behind');
});
