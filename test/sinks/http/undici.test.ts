// lib/sinks/http/undici.ts loads undici's parts from their own files (undici's internal layout) and
// falls back to its index when they are not where they were. Both ways must send real requests;
// the locked version must take the fast way, or the startup saving is silently gone.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MODULE = pathToFileURL(fileURLToPath(new URL('../../../dist/lib/sinks/http/undici.js', import.meta.url))).href;
const dir = mkdtempSync(join(tmpdir(), 'jmp-undici-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// In a child process: a loopback server, one plain request and one through an HTTP CONNECT
// proxy (ProxyAgent needs the request API that undici's index puts on Dispatcher.prototype).
const probe = join(dir, 'probe.mjs');
writeFileSync(
  probe,
  `import { createServer } from 'node:http';
import { connect } from 'node:net';
const { loadUndici, loadUndiciProxy } = await import(${JSON.stringify(MODULE)});
const undici = await loadUndici();
const server = createServer((req, res) => res.end(req.method + ' ' + req.url));
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const proxy = createServer();
let tunnels = 0;
proxy.on('connect', (req, client, head) => {
  tunnels++;
  const [host, port] = req.url.split(':');
  const upstream = connect(Number(port), host, () => {
    client.write('HTTP/1.1 200 Connection Established\\r\\n\\r\\n');
    upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
});
await new Promise((r) => proxy.listen(0, '127.0.0.1', r));
const url = new URL('http://127.0.0.1:' + server.address().port + '/a/b?c=1');
const agent = new undici.Agent();
const plain = await undici.request(agent, url, { method: 'PUT', body: 'x' });
const viaAgent = await plain.body.text();
const { EnvHttpProxyAgent } = await loadUndiciProxy();
const proxied = new EnvHttpProxyAgent({ httpProxy: 'http://127.0.0.1:' + proxy.address().port, httpsProxy: '', noProxy: '' });
const viaProxy = await (await undici.request(proxied, url, { method: 'GET' })).body.text();
await agent.close();
await proxied.close();
server.close();
proxy.close();
console.log(JSON.stringify({ viaIndex: undici.viaIndex, viaAgent, viaProxy, tunnels }));
`,
);

type Probe = { viaIndex: boolean; viaAgent: string; viaProxy: string; tunnels: number };

function runProbe(extraArgs: string[]): Probe {
  const r = spawnSync(process.execPath, [...extraArgs, probe], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`probe failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Probe;
}

t.test('the locked undici: the parts load from their own files and send requests', async (t) => {
  const got = runProbe([]);
  t.equal(got.viaIndex, false, 'the fast path (not the index)');
  t.equal(got.viaAgent, 'PUT /a/b?c=1', 'method, path and query arrive');
  t.equal(got.viaProxy, 'GET /a/b?c=1', 'through the proxy agent');
  t.equal(got.tunnels, 1, 'in a CONNECT tunnel (client.connect() from the request API)');
});

t.test('parts not where they were (a later undici): the index is used, requests still work', async (t) => {
  // A resolve hook that hides every undici/lib/… file, as if a release had moved them.
  const hooks = join(dir, 'hide-hooks.mjs');
  writeFileSync(
    hooks,
    `export async function resolve(specifier, context, next) {
  if (specifier.startsWith('undici/lib/')) { const e = new Error('hidden: ' + specifier); e.code = 'ERR_MODULE_NOT_FOUND'; throw e; }
  return next(specifier, context);
}
`,
  );
  const register = join(dir, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const got = runProbe(['--import', pathToFileURL(register).href]);
  t.equal(got.viaIndex, true, 'the index');
  t.equal(got.viaAgent, 'PUT /a/b?c=1');
  t.equal(got.viaProxy, 'GET /a/b?c=1');
  t.equal(got.tunnels, 1);
});
