// The CLI against real backends behind a flaky front (503, 429 + Retry-After, a reset, a hang):
// the retry lands at the real Pushgateway / Dynatrace emulator, exit 0, the summary says so, and
// the passthrough is byte for byte the input every time. (Backends down for good: cli-deadline.)

import t from 'tap';
import { gaps } from '../support/cli-reliability.js';
import {
  SUCCESS_SUMMARY,
  assertAtDynatrace,
  assertAtGateway,
  assertPassthrough,
  cli,
  fronts,
  useBackends,
} from './cli-faults-fixture.js';

const b = useBackends(t);

t.test('503 then success on both backends: the second attempt lands, exit 0', async (t) => {
  const { pg, dtf } = await fronts(t, b, [{ status: 503 }], [{ status: 503 }]);
  const r = await cli([], pg.url, dtf.url);
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  t.same(
    pg.requests.map((q) => q.outcome),
    ['503', 'forwarded 200'],
  );
  t.same(
    dtf.requests.map((q) => q.outcome),
    ['503', 'forwarded 202'],
  );
  t.equal(pg.requests[1]!.body, pg.requests[0]!.body, 'the same body is sent again');
  t.match(r.stderr, SUCCESS_SUMMARY);
  t.notMatch(r.stderr, /error/);
  await assertAtGateway(t, b);
  assertAtDynatrace(t, b);
});

t.test('429 with Retry-After: 1 is honoured on both backends', async (t) => {
  const { pg, dtf } = await fronts(t, b, [{ status: 429, retryAfter: '1' }], [{ status: 429, retryAfter: '1' }]);
  const r = await cli(['--verbose'], pg.url, dtf.url);
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  for (const [name, front] of [
    ['pushgateway', pg],
    ['dynatrace', dtf],
  ] as const) {
    t.same(
      front.requests.map((q) => q.outcome),
      ['429', name === 'pushgateway' ? 'forwarded 200' : 'forwarded 202'],
      name,
    );
    // The server's own clock: the retry came a second later (a little slack for timer granularity).
    t.ok(gaps(front.requests)[0]! >= 950, `${name}: retry after ${gaps(front.requests)[0]} ms, Retry-After asked 1000`);
  }
  t.match(r.stderr, /-> 429 in \d+ ms \(attempt 1\/\d+\); retrying in 1000 ms/);
  t.match(r.stderr, SUCCESS_SUMMARY);
  await assertAtGateway(t, b);
  assertAtDynatrace(t, b);
});

t.test('a reset connection, then success', async (t) => {
  const { pg, dtf } = await fronts(t, b, [{ reset: true }], [{ reset: true }]);
  const r = await cli([], pg.url, dtf.url);
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  t.same(
    pg.requests.map((q) => q.outcome),
    ['reset', 'forwarded 200'],
  );
  t.same(
    dtf.requests.map((q) => q.outcome),
    ['reset', 'forwarded 202'],
  );
  t.match(r.stderr, SUCCESS_SUMMARY);
  await assertAtGateway(t, b);
  assertAtDynatrace(t, b);
});

t.test('a request that never answers is cut by --timeout and retried', async (t) => {
  const { pg, dtf } = await fronts(t, b, [{ hang: true }], [{ hang: true }]);
  const r = await cli(['--verbose'], pg.url, dtf.url);
  t.equal(r.status, 0, r.stderr);
  assertPassthrough(t, r);
  t.same(
    pg.requests.map((q) => q.outcome),
    ['hang', 'forwarded 200'],
  );
  t.same(
    dtf.requests.map((q) => q.outcome),
    ['hang', 'forwarded 202'],
  );
  // The client's 500 ms start before the first request reaches the front (connect, a loaded
  // machine: 100 ms and more seen), so the gap between the arrivals is shorter by that much; a
  // retry without waiting for the timeout would come within a few ms. The stderr line below is
  // the exact proof.
  for (const front of [pg, dtf])
    t.ok(
      gaps(front.requests)[0]! >= 250,
      `the second attempt came after the 500 ms timeout (${gaps(front.requests)[0]} ms)`,
    );
  t.match(r.stderr, /-> TimeoutError \(no complete answer within 500 ms\) in \d+ ms \(attempt 1\/\d+\); retrying/);
  t.match(r.stderr, SUCCESS_SUMMARY);
  await assertAtGateway(t, b);
  assertAtDynatrace(t, b);
});
