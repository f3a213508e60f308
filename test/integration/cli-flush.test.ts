// --flush-interval with real backends, stdin kept open: the values arrive while the input still
// runs, the final values after it ends; a gateway that dies and comes back between flushes gets
// the final push; a hanging backend does not stretch the run past --deadline.

import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPushgateway, type RunningPushgateway } from '../support/pushgateway.js';
import { startDtEmulator, type DtEmulator } from '../support/dt-emulator.js';
import { startFaultServer } from '../support/fault-server.js';
import { DT_TOKEN, liveCli, scrape, startPushgatewayAt } from '../support/cli-reliability.js';

let pgw: RunningPushgateway;
let dt: DtEmulator;
t.before(async () => {
  pgw = await startPushgateway();
  dt = await startDtEmulator({ token: DT_TOKEN });
});
t.teardown(async () => {
  await pgw?.stop();
  await dt?.close();
});

/** Polls until `test` holds (a generous limit: this waits for a 300 ms flush, not for a timing). */
async function eventually(what: string, test: () => Promise<boolean> | boolean, limitMs = 10_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (await test()) return;
    await sleep(50);
  }
  throw new Error(`not within ${limitMs} ms: ${what}`);
}

async function gatewayValue(url: string, name: string): Promise<string | undefined> {
  const m = new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(await scrape(url));
  return m?.[1];
}

t.test('--flush-interval 300ms: values arrive before input ends, the final values after', async (t) => {
  const cli = liveCli(
    [
      '--integration',
      'flush',
      '--flush-interval',
      '300ms',
      '--pushgateway',
      pgw.url,
      '--dt-url',
      dt.url,
      '--timeout',
      '1s',
      '--deadline',
      '3s',
    ],
    { DT_API_TOKEN: DT_TOKEN },
  );
  t.teardown(cli.kill);
  let written = 'progress=1\n';
  cli.write(written);
  await eventually(
    'progress=1 at the gateway',
    async () => (await gatewayValue(pgw.url, 'keptn_flush_progress')) === '1',
  );
  await eventually('progress=1 at Dynatrace', () =>
    dt.ingested.some((l) => l.key === 'keptn_flush_progress' && l.value === 1),
  );
  t.equal(cli.exitedAt(), undefined, 'the first value arrived while the input was still open');

  written += 'progress=2\n';
  cli.write('progress=2\n');
  await eventually(
    'progress=2 at the gateway',
    async () => (await gatewayValue(pgw.url, 'keptn_flush_progress')) === '2',
  );
  await eventually('progress=2 at Dynatrace', () =>
    dt.ingested.some((l) => l.key === 'keptn_flush_progress' && l.value === 2),
  );
  t.equal(cli.exitedAt(), undefined, 'the second value arrived while the input was still open');

  cli.end('progress=3\ndone=1\n');
  written += 'progress=3\ndone=1\n';
  const r = await cli.done;
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString(), written);
  t.equal(await gatewayValue(pgw.url, 'keptn_flush_progress'), '3', 'the final value is at the gateway');
  t.equal(await gatewayValue(pgw.url, 'keptn_flush_done'), '1');
  const last = dt.ingested.filter((l) => l.key === 'keptn_flush_progress').at(-1);
  t.equal(last?.value, 3, 'the last value Dynatrace got is the final one');
  t.ok(dt.ingested.some((l) => l.key === 'keptn_flush_done' && l.value === 1));
  t.match(r.stderr, /; pushgateway: 200, 2 series; dynatrace: 202, 2 ok, 0 invalid\n/);
  t.notMatch(r.stderr, /periodic push .* failed/);
});

t.test('a gateway that dies between flushes and comes back before input ends: the final push lands', async (t) => {
  const first = await startPushgateway();
  t.teardown(() => first.stop());
  const cli = liveCli([
    '--integration',
    'revive',
    '--flush-interval',
    '300ms',
    '--pushgateway',
    first.url,
    '--timeout',
    '500ms',
    '--deadline',
    '5s',
  ]);
  t.teardown(cli.kill);
  cli.write('step=1\n');
  await eventually('step=1 at the gateway', async () => (await gatewayValue(first.url, 'keptn_revive_step')) === '1');
  // The CLI now holds a keep-alive connection to a gateway that is about to vanish.
  process.kill(first.pid, 'SIGKILL');
  cli.write('step=2\n');
  await cli.waitForStderr(/periodic push to pushgateway failed/);
  const again = await startPushgatewayAt(first.port);
  t.teardown(() => again.stop());
  cli.end('step=3\n');
  const r = await cli.done;
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString(), 'step=1\nstep=2\nstep=3\n');
  t.equal(await gatewayValue(first.url, 'keptn_revive_step'), '3', 'the final value is at the revived gateway');
  t.match(r.stderr, /; pushgateway: 200, 1 series\n/);
  t.equal(r.stderr.match(/periodic push to pushgateway failed/g)?.length, 1, 'the periodic failure is said once');
});

t.test(
  'a hanging backend with --flush-interval: the run ends within --deadline (plus grace) of the input',
  async (t) => {
    const hanging = await startFaultServer([], { hang: true });
    t.teardown(() => hanging.close());
    const cli = liveCli([
      '--integration',
      'hang',
      '--flush-interval',
      '300ms',
      '--pushgateway',
      hanging.url,
      '--deadline',
      '3s',
    ]);
    t.teardown(cli.kill);
    cli.write('a=1\n');
    // A periodic push has just started (and hangs, with nearly all of its deadline left) when the input ends.
    await eventually('a periodic push started', () => hanging.requests.length > 0);
    const ended = Date.now();
    cli.end('b=2\n');
    const r = await cli.done;
    const took = cli.exitedAt()! - ended;
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout.toString(), 'a=1\nb=2\n');
    // --deadline 3 s (the 2 s guard is for a backend that ignores it): waiting for the periodic push
    // and then giving the final one a fresh deadline would take about 6 s.
    t.ok(took < 5000, `exited ${took} ms after the input ended, --deadline being 3 s`);
    t.match(r.stderr, /^keptn_hang_b\{.*\} 2$/m, 'the final numbers are printed');
    t.match(r.stderr, /; pushgateway: failed \(.*deadline.*\), 2 series not pushed\n/);
  },
);
