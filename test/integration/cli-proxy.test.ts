// HTTP_PROXY / NO_PROXY at the CLI level: both pushes go through a real forward proxy on
// 127.0.0.1 (its log says so) and still land at the real gateway / emulator; NO_PROXY sends
// them around it.

import t from 'tap';
import { runCli } from '../support/cli.js';
import { startPushgateway, type RunningPushgateway } from '../support/pushgateway.js';
import { startDtEmulator, type DtEmulator } from '../support/dt-emulator.js';
import { startProxy, type ForwardProxy } from '../support/proxy.js';
import { DT_TOKEN } from '../support/cli-reliability.js';

const INPUT = 'calls=12\nlog line\n';

let pgw: RunningPushgateway;
let dt: DtEmulator;
let proxy: ForwardProxy;
t.before(async () => {
  pgw = await startPushgateway();
  dt = await startDtEmulator({ token: DT_TOKEN });
  proxy = await startProxy();
});
t.teardown(async () => {
  await pgw?.stop();
  await dt?.close();
  await proxy?.close();
});
t.beforeEach(async () => {
  await pgw.wipe();
  dt.ingested.length = 0;
  proxy.seen.length = 0;
});

const hostPort = (url: string): string => new URL(url).host;

/** The proxy log, as the set of hosts it was asked to reach. */
function proxiedHosts(): string[] {
  return [...new Set(proxy.seen.map((s) => (s.kind === 'connect' ? s.target : new URL(s.target).host)))].sort();
}

async function push(env: Record<string, string>, deadline = '5s') {
  const r = await runCli(
    ['--integration', 'px', '--pushgateway', pgw.url, '--dt-url', dt.url, '--timeout', '2s', '--deadline', deadline],
    {
      input: INPUT,
      env: { DT_API_TOKEN: DT_TOKEN, ...env },
    },
  );
  return r;
}

for (const name of ['HTTP_PROXY', 'http_proxy'] as const) {
  t.test(`${name}: both pushes go through the proxy`, async (t) => {
    const r = await push({ [name]: proxy.url });
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout.toString(), INPUT);
    t.same(proxiedHosts(), [hostPort(pgw.url), hostPort(dt.url)].sort(), 'the proxy carried both backends');
    t.match(r.stderr, /; pushgateway: 200, 1 series; dynatrace: 202, 1 ok, 0 invalid\n/);
    t.same(
      (await pgw.series()).map((s) => `${s.name}=${s.value}`),
      ['keptn_px_calls=12'],
      'the series came through to the gateway',
    );
    t.same(
      dt.ingested.map((l) => `${l.key}=${l.value}`),
      ['keptn_px_calls=12'],
      'and to Dynatrace',
    );
  });
}

t.test('NO_PROXY=127.0.0.1: the pushes go around the proxy', async (t) => {
  const r = await push({ HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString(), INPUT);
  t.same(proxy.seen, [], 'the proxy saw nothing');
  t.same(
    (await pgw.series()).map((s) => `${s.name}=${s.value}`),
    ['keptn_px_calls=12'],
  );
  t.same(
    dt.ingested.map((l) => `${l.key}=${l.value}`),
    ['keptn_px_calls=12'],
  );
});

t.test('a proxy that is down: reported like an unreachable backend, the numbers printed', async (t) => {
  const dead = await startProxy();
  const deadUrl = dead.url;
  await dead.close();
  const r = await push({ HTTP_PROXY: deadUrl }, '1500ms');
  t.equal(r.status, 0);
  t.equal(r.stdout.toString(), INPUT);
  t.match(r.stderr, /; pushgateway: failed \(.*\), 1 series not pushed; dynatrace: failed: .*\n/);
  t.match(r.stderr, /^keptn_px_calls\{.*\} 12$/m);
  t.same(await pgw.series(), [], 'nothing reached the gateway');
});
