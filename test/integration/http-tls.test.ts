// TLS: --ca-file, --insecure and NODE_EXTRA_CA_CERTS against an https server on 127.0.0.1 with a
// self-signed certificate made by openssl for this run.

import t from 'tap';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import { HttpFailure, type HttpClientOptions } from '../../lib/sinks/http/types.js';
import { runTsChild } from '../support/node-child.js';
import { startProxy } from '../support/proxy.js';
import { makeSelfSignedCert, type TestCert } from '../support/tls-cert.js';

const REQUEST_ONCE = fileURLToPath(new URL('../fixtures/http/request-once.ts', import.meta.url));

async function startHttps(cert: TestCert): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer({ cert: cert.cert, key: cert.key }, (_req, res) => {
    hits++;
    res.end('secure');
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/`,
    hits: () => hits,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const cert = makeSelfSignedCert();
const otherCert = makeSelfSignedCert();
t.teardown(() => {
  cert.remove();
  otherCert.remove();
});

type WithTeardown = Pick<typeof t, 'teardown'>;

function client(t: WithTeardown, extra: Partial<HttpClientOptions>) {
  const c = createHttpClient({
    timeoutMs: 5000,
    userAgent: 'test',
    retry: { baseMs: 10, maxMs: 20, maxAttempts: 3 },
    env: {},
    ...extra,
  });
  t.teardown(() => c.close());
  return c;
}

t.test('an untrusted certificate fails at once (not retried), without a response', async (t) => {
  const server = await startHttps(cert);
  t.teardown(server.close);
  const err = await client(t, {})
    .request({ method: 'GET', url: new URL(server.url) })
    .catch((e: unknown) => e);
  t.type(err, HttpFailure);
  t.match((err as HttpFailure).message, /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
  t.equal((err as HttpFailure).attempts, 1, 'a certificate problem is not retried');
  t.equal(server.hits(), 0);
});

t.test('--ca-file trusts the certificate', async (t) => {
  const server = await startHttps(cert);
  t.teardown(server.close);
  const res = await client(t, { caFile: cert.certFile }).request({ method: 'GET', url: new URL(server.url) });
  t.equal(res.status, 200);
  t.equal(res.body, 'secure');
});

t.test('--ca-file with another certificate still fails', async (t) => {
  const server = await startHttps(cert);
  t.teardown(server.close);
  const err = await client(t, { caFile: otherCert.certFile })
    .request({ method: 'GET', url: new URL(server.url) })
    .catch((e: unknown) => e);
  t.type(err, HttpFailure);
});

t.test('--insecure skips verification', async (t) => {
  const server = await startHttps(cert);
  t.teardown(server.close);
  const res = await client(t, { insecure: true }).request({ method: 'GET', url: new URL(server.url) });
  t.equal(res.status, 200);
});

t.test('a missing --ca-file is an error when the client is made', async (t) => {
  t.throws(() => createHttpClient({ timeoutMs: 1000, userAgent: 'test', caFile: '/nonexistent/ca.pem' }), {
    code: 'ENOENT',
  });
});

t.test('--ca-file through an HTTPS_PROXY CONNECT tunnel', async (t) => {
  const server = await startHttps(cert);
  const proxy = await startProxy();
  t.teardown(async () => {
    await proxy.close();
    await server.close();
  });
  const res = await client(t, { caFile: cert.certFile, env: { HTTPS_PROXY: proxy.url } }).request({
    method: 'GET',
    url: new URL(server.url),
  });
  t.equal(res.status, 200);
  t.equal(proxy.seen.length, 1);
  t.equal(proxy.seen[0]!.kind, 'connect');
  const untrusted = await client(t, { env: { HTTPS_PROXY: proxy.url } })
    .request({ method: 'GET', url: new URL(server.url) })
    .catch((e: unknown) => e);
  t.type(untrusted, HttpFailure, 'inside the tunnel the certificate is still checked');
});

// NODE_EXTRA_CA_CERTS is read by Node at start-up, so these run in a child process.
t.test('NODE_EXTRA_CA_CERTS alone, and together with --ca-file', async (t) => {
  const a = await startHttps(cert);
  const b = await startHttps(otherCert);
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: cert.certFile };
  for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) delete env[k];

  // One child for the three cases, each with its own client: a child costs a second or more of CPU.
  const child = await runTsChild(
    REQUEST_ONCE,
    [
      JSON.stringify({ url: a.url }),
      // Passing `ca` replaces Node's store; the client must add NODE_EXTRA_CA_CERTS back itself.
      JSON.stringify({ url: a.url, caFile: otherCert.certFile }),
      JSON.stringify({ url: b.url, caFile: otherCert.certFile }),
    ],
    env,
    60_000,
  );
  const [alone, extraWithCaFile, caFileWithExtra] = child.stdout.split('\n');
  t.equal(alone, 'status 200', `NODE_EXTRA_CA_CERTS is trusted without --ca-file ${child.stderr}`);
  t.equal(extraWithCaFile, 'status 200', 'NODE_EXTRA_CA_CERTS is still trusted with --ca-file');
  t.equal(caFileWithExtra, 'status 200', '--ca-file is trusted with NODE_EXTRA_CA_CERTS set');
});
