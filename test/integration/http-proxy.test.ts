// Proxies from the environment: HTTP_PROXY / HTTPS_PROXY / NO_PROXY, through a real forward proxy.
// EnvHttpProxyAgent does not exempt localhost on its own (only NO_PROXY does), so a 127.0.0.1
// target really goes through the proxy here: the proxy's log and the target's log both show it.

import t from 'tap';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import { proxiedClient as client, proxyFixtures as fixtures } from '../support/proxy.js';

t.test('HTTP_PROXY: the request goes through the proxy', async (t) => {
  const { target, proxy } = await fixtures(t);
  const res = await client(t, { HTTP_PROXY: proxy.url }).request({
    method: 'PUT',
    url: new URL(`${target.url}/metrics/job/x`),
    body: 'a 1\n',
  });
  t.equal(res.status, 200);
  t.equal(res.body, 'from target');
  t.equal(proxy.seen.length, 1);
  // undici tunnels plain http through CONNECT as well (ProxyAgent's proxyTunnel defaults to true).
  t.same(proxy.seen[0], { kind: 'connect', target: `127.0.0.1:${target.port}` });
  t.equal(target.requests.length, 1);
  t.equal(target.requests[0]!.body, 'a 1\n');
});

t.test('lowercase http_proxy works too', async (t) => {
  const { target, proxy } = await fixtures(t);
  await client(t, { http_proxy: proxy.url }).request({ method: 'GET', url: new URL(target.url) });
  t.equal(proxy.seen.length, 1);
});

t.test('NO_PROXY listing the target: the request goes around the proxy', async (t) => {
  const { target, proxy } = await fixtures(t);
  for (const noProxy of ['127.0.0.1', `127.0.0.1:${target.port}`, 'example.com, 127.0.0.1']) {
    const res = await client(t, { HTTP_PROXY: proxy.url, NO_PROXY: noProxy }).request({
      method: 'GET',
      url: new URL(target.url),
    });
    t.equal(res.status, 200, noProxy);
  }
  t.equal(proxy.seen.length, 0, 'the proxy saw nothing');
  t.equal(target.requests.length, 3);
});

t.test('NO_PROXY naming another host: still proxied', async (t) => {
  const { target, proxy } = await fixtures(t);
  await client(t, { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com,localhost' }).request({
    method: 'GET',
    url: new URL(target.url),
  });
  t.equal(proxy.seen.length, 1);
});

t.test('no proxy variable: direct, even with NO_PROXY set', async (t) => {
  const { target, proxy } = await fixtures(t);
  await client(t, { NO_PROXY: '*' }).request({ method: 'GET', url: new URL(target.url) });
  await client(t, {}).request({ method: 'GET', url: new URL(target.url) });
  t.equal(proxy.seen.length, 0);
  t.equal(target.requests.length, 2);
});

t.test('proxy credentials in HTTP_PROXY go to the proxy, not to the target', async (t) => {
  const { target, proxy } = await fixtures(t);
  const withAuth = proxy.url.replace('http://', 'http://puser:ppass@');
  await client(t, { HTTP_PROXY: withAuth }).request({ method: 'GET', url: new URL(target.url) });
  t.equal(proxy.seen[0]?.proxyAuthorization, `Basic ${Buffer.from('puser:ppass').toString('base64')}`);
  t.equal(target.requests[0]!.headers['proxy-authorization'], undefined);
});

t.test('the environment is read when the client is made (process.env by default)', async (t) => {
  const { target, proxy } = await fixtures(t);
  const saved = process.env.HTTP_PROXY;
  process.env.HTTP_PROXY = proxy.url;
  const c = createHttpClient({ timeoutMs: 3000, userAgent: 'test', retry: { maxAttempts: 1 } });
  if (saved === undefined) delete process.env.HTTP_PROXY;
  else process.env.HTTP_PROXY = saved;
  t.teardown(() => c.close());
  await c.request({ method: 'GET', url: new URL(target.url) });
  t.equal(proxy.seen.length, 1);
});

t.test('an unreachable proxy is a connection error: HttpFailure', async (t) => {
  const { target } = await fixtures(t);
  const err = await client(t, { HTTP_PROXY: 'http://127.0.0.1:1' })
    .request({ method: 'GET', url: new URL(target.url) })
    .catch((e: unknown) => e);
  t.match(String(err), /HttpFailure.*ECONNREFUSED/);
  t.equal(target.requests.length, 0);
});
