// Proxy variables read as curl reads them: a schemeless HTTP_PROXY, the
// non-empty of no_proxy/NO_PROXY, and every error naming its variable; through a real forward
// proxy on 127.0.0.1 and the built CLI.
import t from 'tap';
import { HttpFailure } from '../../lib/sinks/http/types.js';
import { proxyFor, proxySettings, proxyUrl, ProxyConfigError } from '../../lib/sinks/http/proxy-env.js';
import { runCli } from '../support/cli.js';
import { closedPort } from '../support/cli-reliability.js';
import { startFaultServer } from '../support/fault-server.js';
import { proxiedClient as client, proxyFixtures as fixtures } from '../support/proxy.js';

t.test('proxyUrl and proxySettings: tables', async (t) => {
  t.equal(proxyUrl('HTTP_PROXY', 'proxy.corp.example:3128'), 'http://proxy.corp.example:3128');
  t.equal(proxyUrl('HTTP_PROXY', 'https://p:8443'), 'https://p:8443');
  t.equal(proxyUrl('HTTP_PROXY', 'u:pw@proxy:3128'), 'http://u:pw@proxy:3128');
  t.throws(() => proxyUrl('HTTPS_PROXY', 'socks5://proxy:1080'), {
    name: 'ProxyConfigError',
    message: /^HTTPS_PROXY="socks5:\/\/proxy:1080": a proxy URL must use http:\/\/ or https:\/\//,
  });
  t.throws(() => proxyUrl('http_proxy', 'http://user:s3cret@[bad'), {
    message: /^http_proxy="http:\/\/\*\*\*@\[bad" is not a valid proxy URL/,
  });
  t.same(proxySettings({ no_proxy: '', NO_PROXY: '127.0.0.1', HTTP_PROXY: 'p:1' }), {
    noProxy: '127.0.0.1',
    noProxyVariable: 'NO_PROXY',
    http: { variable: 'HTTP_PROXY', url: 'http://p:1' },
  });
  t.same(proxySettings({ http_proxy: ' ', HTTP_PROXY: 'p:1', no_proxy: 'a', NO_PROXY: 'b' }), {
    noProxy: 'a',
    noProxyVariable: 'no_proxy',
    http: { variable: 'HTTP_PROXY', url: 'http://p:1' },
  });
  const s = proxySettings({ HTTP_PROXY: 'p:1', NO_PROXY: 'example.com,10.0.0.1:8080' });
  t.equal(proxyFor(s, new URL('https://x.example.com/'))?.variable, undefined, 'a subdomain of a NO_PROXY domain');
  t.equal(proxyFor(s, new URL('http://10.0.0.1:8080/'))?.variable, undefined, 'host:port');
  t.equal(proxyFor(s, new URL('http://10.0.0.1:9090/'))?.variable, 'HTTP_PROXY', 'another port');
  t.equal(proxyFor(s, new URL('https://dt.example.org/'))?.variable, 'HTTP_PROXY', 'https falls back to HTTP_PROXY');
  t.type(new ProxyConfigError('x'), Error);
});

t.test('a schemeless HTTP_PROXY (host:port) is used as http://host:port', async (t) => {
  const { target, proxy } = await fixtures(t);
  const res = await client(t, { HTTP_PROXY: proxy.url.replace('http://', '') }).request({
    method: 'GET',
    url: new URL(target.url),
  });
  t.equal(res.status, 200);
  t.equal(res.body, 'from target');
  t.equal(proxy.seen.length, 1, 'through the proxy');
});

t.test('a schemeless HTTP_PROXY with NO_PROXY covering the target: direct, no "Invalid URL protocol"', async (t) => {
  const { target, proxy } = await fixtures(t);
  const res = await client(t, { HTTP_PROXY: 'proxy.corp.example:3128', NO_PROXY: '127.0.0.1' }).request({
    method: 'GET',
    url: new URL(target.url),
  });
  t.equal(res.status, 200);
  t.equal(proxy.seen.length, 0);
});

t.test('an empty no_proxy does not cancel NO_PROXY', async (t) => {
  const { target, proxy } = await fixtures(t);
  const res = await client(t, { HTTP_PROXY: proxy.url, no_proxy: '', NO_PROXY: '127.0.0.1' }).request({
    method: 'GET',
    url: new URL(target.url),
  });
  t.equal(res.status, 200);
  t.equal(proxy.seen.length, 0, 'went around the proxy');
});

t.test('a proxy that is down: the failure names the variable', async (t) => {
  const target = await startFaultServer([], { status: 200 });
  t.teardown(() => target.close());
  const err = await client(t, { HTTP_PROXY: `127.0.0.1:${await closedPort()}` })
    .request({ method: 'GET', url: new URL(target.url) })
    .catch((e: unknown) => e);
  t.type(err, HttpFailure);
  t.match((err as HttpFailure).message, /ECONNREFUSED.* through the proxy in HTTP_PROXY/);
});

t.test('the CLI: an unusable proxy variable is named, exit 2, the input passed through', async (t) => {
  const target = await startFaultServer([], { status: 200 });
  t.teardown(() => target.close());
  const r = await runCli(['--integration', 'p', '--pushgateway', target.url], {
    input: 'a=1\n',
    env: { https_proxy: 'socks5://proxy:1080', HTTP_PROXY: 'http://user:pw-s3cret-99@proxy:3128' },
  });
  t.equal(r.status, 2);
  t.equal(r.stdout.toString('utf8'), 'a=1\n');
  t.match(r.stderr, /https_proxy="socks5:\/\/proxy:1080": a proxy URL must use http:\/\/ or https:\/\//);
  t.notMatch(r.stderr, /pw-s3cret-99/);
});

t.test('the CLI: HTTP_PROXY=proxy.corp.example:3128 with NO_PROXY=127.0.0.1 pushes directly', async (t) => {
  const target = await startFaultServer([], { status: 200 });
  t.teardown(() => target.close());
  const r = await runCli(['--integration', 'p', '--pushgateway', target.url], {
    input: 'a=1\n',
    env: { HTTP_PROXY: 'proxy.corp.example:3128', NO_PROXY: '127.0.0.1', no_proxy: '' },
  });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /pushgateway: 200, 1 series/);
  t.equal(target.requests.length, 1);
});
