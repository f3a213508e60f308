// Backends down for good (refused, hanging, 503 until the end) and one down while the other
// works: the --deadline holds, exit 0 (3 with --fail-on-push-error), the summary names the
// failure, the unsent numbers are on stderr, the working backend gets its data.

import t, { type Test } from 'tap';
import { runCli, type CliResult } from '../support/cli.js';
import { startFaultServer } from '../support/fault-server.js';
import { DT_TOKEN, closedPort } from '../support/cli-reliability.js';
import {
  INPUT,
  assertAtDynatrace,
  assertAtGateway,
  assertPassthrough,
  cli,
  fronts,
  useBackends,
} from './cli-faults-fixture.js';

const b = useBackends(t);
type T = Test;

/** Both backends down for good, in the given way; the assertions every variant shares. */
async function downForGood(
  t: T,
  pgUrl: string,
  dtUrl: string,
  extra: string[],
  expectStatus: number,
): Promise<CliResult> {
  const started = Date.now();
  const r = await cli(['--deadline', '2s', ...extra], pgUrl, dtUrl);
  const took = Date.now() - started;
  t.equal(r.status, expectStatus, r.stderr);
  assertPassthrough(t, r);
  // The deadline (2 s) plus the guard's grace (2 s) plus startup: a generous bound, far from 60 s.
  t.ok(took < 8000, `exited ${took} ms after the start, the deadline being 2 s`);
  // The summary names both failures.
  t.match(
    r.stderr,
    /\d+ lines read, \d+ metrics found, 3 series; pushgateway: failed \(.*\), 3 series not pushed; dynatrace: failed: .*\n/,
  );
  // The numbers are not lost: both payloads, with names and values, are on stderr.
  t.match(
    r.stderr,
    /unsent Pushgateway payload \(3 series, PUT \/metrics\/job\/job-executor-service\/integration\/rel\):/,
  );
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
  await downForGood(t, hanging.url, hanging.url, ['--fail-on-push-error'], 3);
  t.ok(hanging.requests.length >= 2, `retried within the deadline (${hanging.requests.length} requests)`);
});

t.test('hanging backends and the default 10 s --timeout: --deadline still cuts the attempt', async (t) => {
  const hanging = await startFaultServer([], { hang: true });
  t.teardown(() => hanging.close());
  const started = Date.now();
  const r = await runCli(
    ['--integration', 'rel', '--deadline', '2s', '--pushgateway', hanging.url, '--dt-url', hanging.url],
    {
      input: INPUT,
      env: { DT_API_TOKEN: DT_TOKEN },
    },
  );
  const took = Date.now() - started;
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  t.ok(took < 8000, `exited ${took} ms after the start, the deadline being 2 s and the timeout 10 s`);
  t.match(r.stderr, /deadline/);
  t.match(r.stderr, /^keptn_rel_alpha\{.*\} 1$/m);
});

t.test('Pushgateway down, Dynatrace up: Dynatrace gets its data, the gateway is reported', async (t) => {
  const down = `http://127.0.0.1:${await closedPort()}`;
  const r = await cli(['--deadline', '2s', '--fail-on-push-error'], down, b.dt.url);
  t.equal(r.status, 3, 'one backend did not accept: exit 3 with --fail-on-push-error');
  assertPassthrough(t, r);
  assertAtDynatrace(t, b);
  t.match(
    r.stderr,
    /; pushgateway: failed \(.*ECONNREFUSED.*\), 3 series not pushed; dynatrace: 202, 3 ok, 0 invalid\n/,
  );
  t.match(r.stderr, /^keptn_rel_alpha\{.*\} 1$/m, "the gateway's unsent payload is printed");
  t.notMatch(r.stderr, /Dynatrace lines not ingested/);
});

t.test('Dynatrace hanging, Pushgateway up: the gateway gets its data, Dynatrace is reported', async (t) => {
  const hanging = await startFaultServer([], { hang: true });
  t.teardown(() => hanging.close());
  const r = await cli(['--deadline', '2s'], b.pgw.url, hanging.url);
  t.equal(r.status, 0);
  assertPassthrough(t, r);
  await assertAtGateway(t, b);
  t.ok(hanging.requests.length >= 1, 'Dynatrace was attempted');
  t.match(r.stderr, /; pushgateway: 200, 3 series; dynatrace: failed: .*\n/);
  t.match(r.stderr, /Dynatrace lines not ingested \(3, no answer\):\n(.*\n)*keptn_rel_alpha,/);
});

t.test('Dynatrace refusing with 503 until the end: retries give up, the status is reported', async (t) => {
  const { pg, dtf } = await fronts(t, b, [], []);
  dtf.always({ status: 503, body: '{"error":{"code":503,"message":"ingest overloaded"}}' });
  const r = await cli(['--deadline', '3s'], pg.url, dtf.url);
  t.equal(r.status, 0);
  assertPassthrough(t, r);
  await assertAtGateway(t, b);
  t.ok(dtf.requests.length >= 2, `retried (${dtf.requests.length} requests)`);
  t.match(r.stderr, /-> 503: ingest overloaded/);
  t.match(r.stderr, /; pushgateway: 200, 3 series; dynatrace: 503, 0 ok\n/);
  t.match(r.stderr, /Dynatrace lines not ingested \(3, 503\):/);
});
