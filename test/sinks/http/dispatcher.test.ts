// The dispatcher's settings, worked out before undici is loaded: proxies from the given
// environment, --ca-file with NODE_EXTRA_CA_CERTS kept, --insecure, the connect timeout.

import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import {
  createDispatcher,
  dispatcherSettings,
  proxyConfigured,
  trustedCas,
} from '../../../lib/sinks/http/dispatcher.js';

const dir = mkdtempSync(join(tmpdir(), 'jes-dispatcher-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const CA = '-----BEGIN CERTIFICATE-----\nMIIB (test)\n-----END CERTIFICATE-----\n';

t.test('proxyConfigured: any of the four variables, non-empty', async (t) => {
  t.equal(proxyConfigured({}), false);
  t.equal(proxyConfigured({ HTTPS_PROXY: '' }), false);
  for (const name of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])
    t.equal(proxyConfigured({ [name]: 'http://proxy:3128' }), true, name);
  t.equal(proxyConfigured({ NO_PROXY: '*' }), false);
});

t.test("trustedCas: none without --ca-file; Node's list, NODE_EXTRA_CA_CERTS and the file with it", async (t) => {
  t.equal(trustedCas(undefined, {}), undefined);
  const file = join(dir, 'ca.pem');
  const extra = join(dir, 'extra.pem');
  writeFileSync(file, CA);
  writeFileSync(extra, 'EXTRA');
  const cas = trustedCas(file, { NODE_EXTRA_CA_CERTS: extra })!;
  t.equal(cas.length, rootCertificates.length + 2);
  t.same(cas.slice(-2), ['EXTRA', CA]);
  t.equal(
    trustedCas(file, { NODE_EXTRA_CA_CERTS: join(dir, 'nope') })!.length,
    rootCertificates.length + 1,
    'an unreadable extra file is ignored',
  );
  t.throws(() => trustedCas(join(dir, 'missing.pem'), {}), { code: 'ENOENT' }, 'an unreadable --ca-file is an error');
});

t.test('dispatcherSettings: tls options and proxies as given', async (t) => {
  t.same(dispatcherSettings({ env: {} }), { tls: {} });
  t.same(dispatcherSettings({ env: {}, insecure: true, connectTimeoutMs: 2500 }), {
    tls: { rejectUnauthorized: false, timeout: 2500 },
  });
  const s = dispatcherSettings({ env: { HTTPS_PROXY: 'http://proxy:3128', NO_PROXY: 'localhost' } });
  t.equal(s.proxies?.httpsProxy, 'http://proxy:3128');
  t.equal(s.proxies?.httpProxy, '', "'' so undici does not read process.env");
  t.equal(s.proxies?.noProxy, 'localhost');
  t.throws(() => dispatcherSettings({ env: { HTTPS_PROXY: 'not a url ::' } }), /HTTPS_PROXY/);
});

t.test('createDispatcher: an Agent, or the proxy agent when a proxy is named', async (t) => {
  const direct = await createDispatcher({ tls: {} });
  t.equal(direct.constructor.name, 'Agent');
  await direct.close();
  const proxied = await createDispatcher(dispatcherSettings({ env: { HTTP_PROXY: 'http://127.0.0.1:9' } }));
  t.equal(proxied.constructor.name, 'EnvHttpProxyAgent');
  await proxied.close();
});
