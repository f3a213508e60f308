// What a run does not use costs it nothing. The protobuf outputs: protobufjs and snappyjs are
// loaded only with --otlp / --remote-write (lib/sinks/registry.ts imports them on use).
// A preload records the CommonJS modules a run of dist/cli.cjs loaded. Started through `env -i`:
// tap instruments the children it sees spawned (NODE_OPTIONS) and its hooks load modules too.

import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../support/cli.js';
import { startFaultServer } from '../support/fault-server.js';
import { runCommand } from './sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'jes-lazy-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const loadedFile = join(dir, 'loaded.txt');
const preload = join(dir, 'record.cjs');
writeFileSync(
  preload,
  `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, Object.keys(require.cache).join('\\n')));\n`,
);

const server = await startFaultServer([], { status: 200 });
t.teardown(() => server.close());

async function loaded(
  args: string[],
  vars: string[] = [],
): Promise<{ status: number | null; stderr: string; modules: string[] }> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
  const r = await runCommand(
    '/usr/bin/env',
    ['-i', `PATH=${env.PATH}`, ...vars, process.execPath, '--require', preload, CLI, '--integration', 'lazy', ...args],
    {
      env,
      cwd: dir,
      input: 'a=1\n',
    },
  );
  const modules = readFileSync(loadedFile, 'utf8')
    .split('\n')
    .map((m) => m.replace(/^.*node_modules\//, ''))
    .filter((m) => !m.startsWith('/'));
  return { status: r.status, stderr: r.stderr, modules };
}

const encoders = (mods: string[]): string[] =>
  [...new Set(mods.filter((m) => /^(protobufjs|snappyjs|long)\//.test(m)).map((m) => m.split('/')[0]!))].sort();

t.test('a Pushgateway push and a plain dry run load no protobuf or snappy code', async (t) => {
  for (const args of [['--pushgateway', server.url], ['--dry-run']]) {
    const r = await loaded(args);
    t.equal(r.status, 0, r.stderr);
    t.same(encoders(r.modules), [], args.join(' '));
  }
});

t.test('--otlp loads protobufjs; --remote-write protobufjs and snappyjs', async (t) => {
  const otlp = await loaded(['--otlp', `${server.url}/v1/metrics`]);
  t.match(otlp.stderr, /otlp: 200, 1 series/);
  t.same(encoders(otlp.modules), ['long', 'protobufjs']);
  const rw = await loaded(['--remote-write', `${server.url}/api/v1/write`]);
  t.match(rw.stderr, /remote-write: 200, 1 series/);
  t.same(encoders(rw.modules), ['long', 'protobufjs', 'snappyjs']);
});

t.test('a dry run loads no HTTP code at all (undici only when something is pushed)', async (t) => {
  const r = await loaded(['--dry-run']);
  t.equal(r.status, 0, r.stderr);
  t.same(
    r.modules.filter((m) => m.startsWith('undici/')),
    [],
    'no undici module',
  );
  const push = await loaded(['--pushgateway', server.url]);
  t.ok(
    push.modules.some((m) => m.startsWith('undici/')),
    'a push does load undici',
  );
});

t.test('a push loads no proxy agent unless the environment names a proxy', async (t) => {
  const proxyParts = (mods: string[]): string[] =>
    mods.filter((m) => /^undici\/lib\/(dispatcher\/(env-http-)?proxy-agent|core\/socks5)/.test(m));
  const direct = await loaded(['--pushgateway', server.url]);
  t.match(direct.stderr, /pushgateway: 200/);
  t.same(proxyParts(direct.modules), [], 'no proxy agent, no SOCKS client');
  // A proxy is named but not for 127.0.0.1: the proxy agent is loaded, and connects directly.
  const named = await loaded(['--pushgateway', server.url], ['HTTP_PROXY=http://127.0.0.1:9', 'NO_PROXY=127.0.0.1']);
  t.match(named.stderr, /pushgateway: 200/);
  t.ok(
    proxyParts(named.modules).includes('undici/lib/dispatcher/env-http-proxy-agent.js'),
    'the proxy agent is loaded',
    {
      modules: proxyParts(named.modules),
    },
  );
});

t.test("a push's code is loaded while the input is still coming, not after it ends", async (t) => {
  // The tool prints a line and runs 3 s more; the preload notes what is loaded 2 s in.
  const early = join(dir, 'early.txt');
  const atTwo = join(dir, 'at-two.cjs');
  writeFileSync(
    atTwo,
    `setTimeout(() => require('node:fs').writeFileSync(${JSON.stringify(early)}, Object.keys(require.cache).join('\\n')), 2000).unref();\n`,
  );
  const cmd = `(echo a=1; sleep 3) | '${process.execPath}' --require '${atTwo}' '${CLI}' --integration lazy --pushgateway '${server.url}'`;
  const r = await runCommand(
    '/usr/bin/env',
    ['-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, '/bin/sh', '-c', cmd],
    { env: {}, cwd: dir },
  );
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /pushgateway: 200, 1 series/);
  const loadedEarly = readFileSync(early, 'utf8')
    .split('\n')
    .map((m) => m.replace(/^.*node_modules\//, ''));
  t.ok(loadedEarly.includes('undici/lib/dispatcher/agent.js'), 'undici, 2 s before the input ends');
  t.ok(loadedEarly.includes('prom-client/lib/registry.js'), 'prom-client too');
  // undici would load (and compile) it at its first connection, after the input's end (lib/sinks/http/undici.ts, warmHttpParser).
  t.ok(loadedEarly.includes('undici/lib/llhttp/llhttp_simd-wasm.js'), "undici's HTTP parser (WebAssembly) too");
});

t.test(
  'a dry run of the Dynatrace payload alone loads no prom-client (only the Pushgateway text needs it)',
  async (t) => {
    const promClient = (mods: string[]): string[] => mods.filter((m) => m.startsWith('prom-client/'));
    const dt = await loaded(['--dry-run', '--dt-url', 'http://127.0.0.1:9'], ['DT_API_TOKEN=dt0c01.LAZY']);
    t.equal(dt.status, 0, dt.stderr);
    t.same(promClient(dt.modules), [], 'no prom-client module');
    const both = await loaded(['--dry-run']);
    t.ok(promClient(both.modules).length > 0, 'a dry run that prints the Pushgateway payload does load it');
  },
);
