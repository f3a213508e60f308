// The CLI against real backends behind a flaky front (503, 429 + Retry-After, reset, hang) and
// backends that are down for good: the retry lands at the real Pushgateway / Dynatrace emulator,
// the deadline holds, the exit status and the summary say what happened, the unsent numbers are
// on stderr, and the passthrough is byte for byte the input every time.

import t, { type Test } from 'tap';
import { runCli, type CliResult } from '../support/cli.js';
import { startPushgateway, type RunningPushgateway } from '../support/pushgateway.js';
import { startDtEmulator, type DtEmulator } from '../support/dt-emulator.js';
import { startFaultServer } from '../support/fault-server.js';
import { DT_TOKEN, closedPort, gaps, startFlakyFront, type FlakyFront, type FrontFault } from '../support/cli-reliability.js';

// Log noise, CRLF, a line without newline at the end: the passthrough must not care.
const INPUT = 'starting run\nalpha=1\r\nbeta=2.5\n{"name":"gamma","value":7,"labels":{"region":"eu"}}\nno newline at the end';
const FAST = ['--timeout', '500ms'];

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
t.beforeEach(async () => {
  await pgw.wipe();
  dt.requests.length = 0;
  dt.ingested.length = 0;
  dt.setFaults();
});

type T = Test;

/** Flaky fronts before both real backends; closed in teardown. */
async function fronts(t: T, pgFaults: FrontFault[], dtFaults: FrontFault[]): Promise<{ pg: FlakyFront; dtf: FlakyFront }> {
  const pg = await startFlakyFront(pgw.url, pgFaults);
  const dtf = await startFlakyFront(dt.url, dtFaults);
  t.teardown(async () => {
    await pg.close();
    await dtf.close();
  });
  return { pg, dtf };
}

function cli(args: string[], pgUrl: string | undefined, dtUrl: string | undefined): Promise<CliResult> {
  const all = ['--integration', 'rel', ...FAST, ...args];
  if (pgUrl) all.push('--pushgateway', pgUrl);
  if (dtUrl) all.push('--dt-url', dtUrl);
  return runCli(all, { input: INPUT, env: { DT_API_TOKEN: DT_TOKEN } });
}

/** The series this input gives, as the real gateway stores them. */
async function assertAtGateway(t: T): Promise<void> {
  const stored = (await pgw.series()).map((s) => `${s.name}${s.labels.region ? `{region=${s.labels.region}}` : ''}=${s.value}`);
  t.same(stored, ['keptn_rel_alpha=1', 'keptn_rel_beta=2.5', 'keptn_rel_gamma{region=eu}=7'], 'the series are at the real Pushgateway');
}

async function assertAtDynatrace(t: T): Promise<void> {
  const got = dt.ingested.map((l) => `${l.key}=${l.value}`).sort();
  t.same(got, ['keptn_rel_alpha=1', 'keptn_rel_beta=2.5', 'keptn_rel_gamma=7'], 'the lines reached the Dynatrace emulator');
  t.equal(dt.ingested.find((l) => l.key === 'keptn_rel_gamma')?.dimensions.region, 'eu');
}

function assertPassthrough(t: T, r: CliResult): void {
  t.equal(r.stdout.toString('utf8'), INPUT, 'stdout is the input, byte for byte');
}

const SUCCESS_SUMMARY = /; pushgateway: 200, 3 series; dynatrace: 202, 3 ok, 0 invalid\n/;

t.test('503 then success on both backends: the second attempt lands, exit 0', async (t) => {
  const { pg, dtf } = await fronts(t, [{ status: 503 }], [{ status: 503 }]);
  const r = await cli([], pg.url, dtf.url);
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  t.same(pg.requests.map((q) => q.outcome), ['503', 'forwarded 200']);
  t.same(dtf.requests.map((q) => q.outcome), ['503', 'forwarded 202']);
  t.equal(pg.requests[1]!.body, pg.requests[0]!.body, 'the same body is sent again');
  t.match(r.stderr, SUCCESS_SUMMARY);
  t.notMatch(r.stderr, /error/);
  await assertAtGateway(t);
  await assertAtDynatrace(t);
});

t.test('429 with Retry-After: 1 is honoured on both backends', async (t) => {
  const { pg, dtf } = await fronts(t, [{ status: 429, retryAfter: '1' }], [{ status: 429, retryAfter: '1' }]);
  const r = await cli(['--verbose'], pg.url, dtf.url);
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  for (const [name, front] of [['pushgateway', pg], ['dynatrace', dtf]] as const) {
    t.same(front.requests.map((q) => q.outcome), ['429', name === 'pushgateway' ? 'forwarded 200' : 'forwarded 202'], name);
    // The server's own clock: the retry came a second later (a little slack for timer granularity).
    t.ok(gaps(front.requests)[0]! >= 950, `${name}: retry after ${gaps(front.requests)[0]} ms, Retry-After asked 1000`);
  }
  t.match(r.stderr, /-> 429 in \d+ ms \(attempt 1\/\d+\); retrying in 1000 ms/);
  t.match(r.stderr, SUCCESS_SUMMARY);
  await assertAtGateway(t);
  await assertAtDynatrace(t);
});

t.test('a reset connection, then success', async (t) => {
  const { pg, dtf } = await fronts(t, [{ reset: true }], [{ reset: true }]);
  const r = await cli([], pg.url, dtf.url);
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  t.same(pg.requests.map((q) => q.outcome), ['reset', 'forwarded 200']);
  t.same(dtf.requests.map((q) => q.outcome), ['reset', 'forwarded 202']);
  t.match(r.stderr, SUCCESS_SUMMARY);
  await assertAtGateway(t);
  await assertAtDynatrace(t);
});

t.test('a request that never answers is cut by --timeout and retried', async (t) => {
  const { pg, dtf } = await fronts(t, [{ hang: true }], [{ hang: true }]);
  const r = await cli(['--verbose'], pg.url, dtf.url);
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  t.same(pg.requests.map((q) => q.outcome), ['hang', 'forwarded 200']);
  t.same(dtf.requests.map((q) => q.outcome), ['hang', 'forwarded 202']);
  for (const front of [pg, dtf]) t.ok(gaps(front.requests)[0]! >= 450, `the second attempt came after the 500 ms timeout (${gaps(front.requests)[0]} ms)`);
  t.match(r.stderr, /-> TimeoutError \(no complete answer within 500 ms\) in \d+ ms \(attempt 1\/\d+\); retrying/);
  t.match(r.stderr, SUCCESS_SUMMARY);
  await assertAtGateway(t);
  await assertAtDynatrace(t);
});

/** Both backends down for good, in the given way; the assertions every variant shares. */
async function downForGood(t: T, pgUrl: string, dtUrl: string, extra: string[], expectStatus: number): Promise<CliResult> {
  const started = Date.now();
  const r = await cli(['--deadline', '2s', ...extra], pgUrl, dtUrl);
  const took = Date.now() - started;
  t.equal(r.status, expectStatus, r.stderr);
  assertPassthrough(t, r);
  // The deadline (2 s) plus the guard's grace (2 s) plus startup: a generous bound, far from 60 s.
  t.ok(took < 8000, `exited ${took} ms after the start, the deadline being 2 s`);
  // The summary names both failures.
  t.match(r.stderr, /\d+ lines read, \d+ metrics found, 3 series; pushgateway: failed \(.*\), 3 series not pushed; dynatrace: failed: .*\n/);
  // The numbers are not lost: both payloads, with names and values, are on stderr.
  t.match(r.stderr, /unsent Pushgateway payload \(3 series, PUT \/metrics\/job\/job-executor-service\/integration\/rel\):/);
  t.match(r.stderr, /^keptn_rel_alpha\{.*\} 1$/m);
  t.match(r.stderr, /^keptn_rel_beta\{.*\} 2\.5$/m);
  t.match(r.stderr, /^keptn_rel_gamma\{.*region="eu".*\} 7$/m);
  t.match(r.stderr, /Dynatrace lines not ingested \(3, no answer\):/);
  t.match(r.stderr, /^keptn_rel_alpha,.* gauge,1$/m);
  t.match(r.stderr, /^keptn_rel_gamma,.*region="?eu"?.* gauge,7$/m);
  return r;
}

t.test('backends down for good (connection refused): exit 0, the numbers on stderr', async (t) => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const r = await downForGood(t, url, url, [], 0);
  t.match(r.stderr, /ECONNREFUSED/);
});

t.test('backends down for good with --fail-on-push-error: exit 3', async (t) => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  await downForGood(t, url, url, ['--fail-on-push-error'], 3);
});

t.test('backends that accept the connection and never answer: the deadline holds', async (t) => {
  const hanging = await startFaultServer([], { hang: true });
  t.teardown(() => hanging.close());
  const r = await downForGood(t, hanging.url, hanging.url, ['--fail-on-push-error'], 3);
  t.ok(hanging.requests.length >= 2, `retried within the deadline (${hanging.requests.length} requests)`);
});

t.test('hanging backends and the default 10 s --timeout: --deadline still cuts the attempt', async (t) => {
  const hanging = await startFaultServer([], { hang: true });
  t.teardown(() => hanging.close());
  const started = Date.now();
  const r = await runCli(['--integration', 'rel', '--deadline', '2s', '--pushgateway', hanging.url, '--dt-url', hanging.url], {
    input: INPUT,
    env: { DT_API_TOKEN: DT_TOKEN },
  });
  const took = Date.now() - started;
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  t.ok(took < 8000, `exited ${took} ms after the start, the deadline being 2 s and the timeout 10 s`);
  t.match(r.stderr, /deadline/);
  t.match(r.stderr, /^keptn_rel_alpha\{.*\} 1$/m);
});

t.test('Pushgateway down, Dynatrace up: Dynatrace gets its data, the gateway is reported', async (t) => {
  const down = `http://127.0.0.1:${await closedPort()}`;
  const r = await cli(['--deadline', '2s', '--fail-on-push-error'], down, dt.url);
  t.equal(r.status, 3, 'one backend did not accept: exit 3 with --fail-on-push-error');
  assertPassthrough(t, r);
  await assertAtDynatrace(t);
  t.match(r.stderr, /; pushgateway: failed \(.*ECONNREFUSED.*\), 3 series not pushed; dynatrace: 202, 3 ok, 0 invalid\n/);
  t.match(r.stderr, /^keptn_rel_alpha\{.*\} 1$/m, 'the gateway\'s unsent payload is printed');
  t.notMatch(r.stderr, /Dynatrace lines not ingested/);
});

t.test('Dynatrace hanging, Pushgateway up: the gateway gets its data, Dynatrace is reported', async (t) => {
  const hanging = await startFaultServer([], { hang: true });
  t.teardown(() => hanging.close());
  const r = await cli(['--deadline', '2s'], pgw.url, hanging.url);
  t.equal(r.status, 0);
  assertPassthrough(t, r);
  await assertAtGateway(t);
  t.ok(hanging.requests.length >= 1, 'Dynatrace was attempted');
  t.match(r.stderr, /; pushgateway: 200, 3 series; dynatrace: failed: .*\n/);
  t.match(r.stderr, /Dynatrace lines not ingested \(3, no answer\):\n(.*\n)*keptn_rel_alpha,/);
});

t.test('Dynatrace refusing with 503 until the end: retries give up, the status is reported', async (t) => {
  const { pg, dtf } = await fronts(t, [], []);
  dtf.always({ status: 503, body: '{"error":{"code":503,"message":"ingest overloaded"}}' });
  const r = await cli(['--deadline', '3s'], pg.url, dtf.url);
  t.equal(r.status, 0);
  assertPassthrough(t, r);
  await assertAtGateway(t);
  t.ok(dtf.requests.length >= 2, `retried (${dtf.requests.length} requests)`);
  t.match(r.stderr, /-> 503: ingest overloaded/);
  t.match(r.stderr, /; pushgateway: 200, 3 series; dynatrace: 503, 0 ok\n/);
  t.match(r.stderr, /Dynatrace lines not ingested \(3, 503\):/);
});
