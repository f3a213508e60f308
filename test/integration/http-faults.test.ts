// The HTTP layer against a scripted server on 127.0.0.1: retries, Retry-After, timeouts, the deadline.

import t from 'tap';
import { createServer } from 'node:net';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import { HttpFailure, type HttpClientOptions } from '../../lib/sinks/http/types.js';
import { Reporter } from '../../lib/report/report.js';
import { startFaultServer, type FaultAction } from '../support/fault-server.js';

/** Fast backoff so the suite stays quick; Retry-After is the server's, not ours. */
const FAST = { baseMs: 20, maxMs: 100, maxAttempts: 4 };

/** Only what setup needs of a tap test: somewhere to register cleanup. */
type WithTeardown = Pick<typeof t, 'teardown'>;

async function setup(t: WithTeardown, actions: FaultAction[], extra: Partial<HttpClientOptions> = {}) {
  const server = await startFaultServer(actions);
  const lines: string[] = [];
  const client = createHttpClient({
    timeoutMs: 2000,
    userAgent: 'jes-metrics-pipe/test',
    retry: FAST,
    reporter: new Reporter({ verbosity: 'verbose', write: (s) => lines.push(s) }),
    ...extra,
  });
  t.teardown(async () => {
    await client.close();
    await server.close();
  });
  return { server, client, lines };
}

async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

t.test('200 at once: status, body, headers, one attempt, request headers and UTF-8 body sent', async (t) => {
  const { server, client } = await setup(t, [{ status: 200, headers: { 'x-answer': '42' }, body: 'fine ✓' }], {
    headers: [
      ['X-Scope', 'ci'],
      ['x-override', 'from-options'],
    ],
  });
  const res = await client.request({
    method: 'POST',
    url: new URL(`${server.url}/api/v2/metrics/ingest`),
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Override': 'from-request' },
    body: 'métrique,dim=é 1',
  });
  t.equal(res.status, 200);
  t.equal(res.body, 'fine ✓');
  t.equal(res.headers['x-answer'], '42');
  t.equal(res.attempts, 1);
  t.equal(server.requests.length, 1);
  const got = server.requests[0]!;
  t.equal(got.method, 'POST');
  t.equal(got.url, '/api/v2/metrics/ingest');
  t.equal(got.body, 'métrique,dim=é 1');
  t.equal(got.headers['content-length'], String(Buffer.byteLength('métrique,dim=é 1')));
  t.equal(got.headers['user-agent'], 'jes-metrics-pipe/test');
  t.equal(got.headers['x-scope'], 'ci');
  t.equal(got.headers['x-override'], 'from-request');
});

t.test('503 then 200: retried once', async (t) => {
  const { server, client, lines } = await setup(t, [{ status: 503, body: 'busy' }, { status: 200 }]);
  const res = await client.request({ method: 'PUT', url: new URL(`${server.url}/metrics/job/x`), body: 'a 1\n' });
  t.equal(res.status, 200);
  t.equal(res.attempts, 2);
  t.equal(server.requests.length, 2);
  t.same(
    server.requests.map((r) => r.body),
    ['a 1\n', 'a 1\n'],
    'the same body is sent again',
  );
  t.match(
    lines[0],
    /PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/x -> 503 in \d+ ms \(attempt 1\/4\); retrying in \d+ ms/,
  );
  t.match(lines[1], /-> 200 in \d+ ms \(attempt 2\/4\)\n$/);
});

t.test('408 and every 5xx are retried; the last response is returned when attempts run out', async (t) => {
  const { server, client } = await setup(t, [
    { status: 408 },
    { status: 502 },
    { status: 504 },
    { status: 500, body: 'still broken' },
  ]);
  const res = await client.request({ method: 'GET', url: new URL(server.url) });
  t.equal(res.status, 500);
  t.equal(res.body, 'still broken');
  t.equal(res.attempts, 4);
  t.equal(server.requests.length, 4);
});

for (const status of [400, 401, 403, 404, 413]) {
  t.test(`${status} is final: not retried`, async (t) => {
    const { server, client } = await setup(t, [{ status, body: 'no' }, { status: 200 }]);
    const res = await client.request({ method: 'POST', url: new URL(server.url), body: 'x' });
    t.equal(res.status, status);
    t.equal(res.attempts, 1);
    t.equal(server.requests.length, 1);
  });
}

t.test('3xx is returned as is, not followed', async (t) => {
  const { server, client } = await setup(t, [{ status: 307, headers: { location: '/elsewhere' } }]);
  const res = await client.request({ method: 'PUT', url: new URL(`${server.url}/here`), body: 'x' });
  t.equal(res.status, 307);
  t.equal(res.headers.location, '/elsewhere');
  t.equal(server.requests.length, 1);
});

t.test('429 with Retry-After: 1 waits about a second before the next attempt', async (t) => {
  const { server, client, lines } = await setup(t, [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
  const res = await client.request({ method: 'POST', url: new URL(server.url), body: 'x' });
  t.equal(res.status, 200);
  t.equal(res.attempts, 2);
  const gap = server.requests[1]!.at - server.requests[0]!.at;
  // A fact of the run: the client honoured the server's 1 s, far above our 100 ms backoff cap.
  t.ok(gap >= 950, `second attempt came ${gap} ms after the first`);
  t.match(lines[0], /-> 429 .*retrying in 1000 ms/);
});

t.test('429 with an HTTP-date Retry-After waits until that date', async (t) => {
  // Whole seconds only in an HTTP-date: 2 s ahead, so at least ~1 s remains however the clock rounds.
  const when = new Date(Date.now() + 2000);
  const { server, client } = await setup(t, [
    { status: 429, headers: { 'retry-after': when.toUTCString() } },
    { status: 200 },
  ]);
  const res = await client.request({ method: 'POST', url: new URL(server.url), body: 'x' });
  t.equal(res.status, 200);
  t.equal(res.attempts, 2);
  const second = server.requests[1]!.at;
  t.ok(
    second >= Math.floor(when.getTime() / 1000) * 1000 - 50,
    `second attempt at ${second}, Retry-After date ${when.getTime()}`,
  );
});

t.test('a reset connection, then success', async (t) => {
  const { server, client, lines } = await setup(t, [{ reset: true }, { status: 200, body: 'ok' }]);
  const res = await client.request({ method: 'PUT', url: new URL(server.url), body: 'x' });
  t.equal(res.status, 200);
  t.equal(res.attempts, 2);
  t.equal(server.requests.length, 2);
  t.match(lines[0], /-> (UND_ERR_SOCKET|ECONNRESET|EPIPE).*attempt 1\/4.*retrying/);
});

t.test('a hanging server: each attempt times out, retried, then HttpFailure', async (t) => {
  const { server, client, lines } = await setup(t, [{ hang: true }, { hang: true }, { hang: true }], {
    timeoutMs: 300,
    retry: { ...FAST, maxAttempts: 3 },
  });
  const err = await client.request({ method: 'POST', url: new URL(server.url), body: 'x' }).catch((e: unknown) => e);
  t.type(err, HttpFailure);
  t.equal((err as HttpFailure).attempts, 3);
  t.match((err as HttpFailure).message, /no complete answer within 300 ms.*giving up after 3 attempts/);
  t.equal(server.requests.length, 3);
  t.equal(lines.length, 3);
});

t.test('a body that never ends counts as a timeout too', async (t) => {
  // 1 s, not less: the good second answer must fit in it even on a loaded CI machine.
  const { server, client } = await setup(t, [{ hangBody: true }, { status: 200, body: 'whole' }], { timeoutMs: 1000 });
  const res = await client.request({ method: 'GET', url: new URL(server.url) });
  t.equal(res.body, 'whole');
  t.equal(res.attempts, 2);
});

t.test('connection refused: HttpFailure after maxAttempts', async (t) => {
  const port = await closedPort();
  const lines: string[] = [];
  const client = createHttpClient({
    timeoutMs: 1000,
    userAgent: 'test',
    retry: FAST,
    reporter: new Reporter({ verbosity: 'verbose', write: (s) => lines.push(s) }),
  });
  t.teardown(() => client.close());
  const err = await client
    .request({ method: 'GET', url: new URL(`http://127.0.0.1:${port}/`) })
    .catch((e: unknown) => e);
  t.type(err, HttpFailure);
  t.equal((err as HttpFailure).attempts, 4);
  t.match((err as HttpFailure).message, /ECONNREFUSED/);
  t.equal(lines.length, 4);
});

t.test('500 forever with a deadline 1.5 s away: gives up by the deadline', async (t) => {
  const { server, client } = await setup(t, [], {
    retry: { baseMs: 200, maxMs: 400, maxAttempts: 50 },
  });
  server.script(...Array.from({ length: 50 }, () => ({ status: 500 })));
  const deadlineAt = Date.now() + 1500;
  const res = await client.request({ method: 'POST', url: new URL(server.url), body: 'x', deadlineAt });
  const returnedAt = Date.now();
  t.equal(res.status, 500);
  // Generous margins: this proves "gave up at the deadline", not a speed.
  t.ok(returnedAt <= deadlineAt + 2000, `returned ${returnedAt - deadlineAt} ms after the deadline`);
  // Each wait is at most 400 ms, so far fewer than 50 attempts fit in 1.5 s.
  t.ok(res.attempts >= 2 && res.attempts < 50, `${res.attempts} attempts`);
  // One more request may have arrived: an attempt the deadline cut short (under load) is not counted.
  t.ok(
    server.requests.length === res.attempts || server.requests.length === res.attempts + 1,
    `${server.requests.length} requests for ${res.attempts} attempts`,
  );
  const last = server.requests[server.requests.length - 1]!;
  t.ok(last.at < deadlineAt + 1000, `the last attempt arrived ${last.at - deadlineAt} ms from the deadline, not later`);
});

t.test('retries stopped by the deadline return the last answer, not "the deadline passed"', async (t) => {
  // Slow 500s, back to back (no backoff): the deadline always falls during an attempt, or
  // just before the next one; either way the last answer is what the caller must see.
  const { server, client, lines } = await setup(t, [], { retry: { baseMs: 0, maxMs: 0, maxAttempts: 1000 } });
  server.script(...Array.from({ length: 1000 }, () => ({ status: 500, body: 'still broken', delayMs: 120 })));
  const deadlineAt = Date.now() + 1000;
  const res = await client.request({ method: 'POST', url: new URL(server.url), body: 'x', deadlineAt });
  t.equal(res.status, 500);
  t.equal(res.body, 'still broken');
  t.ok(res.attempts >= 1 && res.attempts < server.requests.length + 1, `${res.attempts} attempts`);
  t.ok(Date.now() < deadlineAt + 5000, 'returned by the deadline (generous margin)');
  // Either the deadline cut an attempt (the usual case) or fell at the very end of one.
  const said = new RegExp(
    `: 500 after ${res.attempts} attempts?; the deadline passed before another|-> 500 .*not retrying after ${res.attempts} attempts?: waiting 0 ms would pass the deadline`,
  );
  t.ok(
    lines.some((l) => said.test(l)),
    lines.slice(-2).join(''),
  );
});

t.test('refused until the deadline: the last failure, with the attempts it took', async (t) => {
  const port = await closedPort();
  const client = createHttpClient({
    timeoutMs: 2000,
    userAgent: 'test',
    env: {},
    retry: { baseMs: 0, maxMs: 0, maxAttempts: 100_000 },
  });
  t.teardown(() => client.close());
  const err = await client
    .request({ method: 'POST', url: new URL(`http://127.0.0.1:${port}/`), body: 'x', deadlineAt: Date.now() + 500 })
    .catch((e: unknown) => e);
  t.type(err, HttpFailure);
  t.match(
    (err as HttpFailure).message,
    /ECONNREFUSED.* after \d+ attempts?(; the deadline passed before another|: waiting 0 ms would pass the deadline)/,
  );
  t.notMatch((err as HttpFailure).message, /before attempt/);
});

t.test('a hang past the deadline is cut at the deadline, not at timeoutMs', async (t) => {
  const { server, client } = await setup(t, [{ hang: true }], { timeoutMs: 10_000 });
  const deadlineAt = Date.now() + 500;
  const err = await client
    .request({ method: 'POST', url: new URL(server.url), body: 'x', deadlineAt })
    .catch((e: unknown) => e);
  t.type(err, HttpFailure);
  t.match((err as HttpFailure).message, /deadline/);
  t.ok(Date.now() < deadlineAt + 5000, 'returned long before the 10 s per-request timeout');
});

t.test('Retry-After beyond the deadline: no wait, the 429 is returned', async (t) => {
  const { server, client, lines } = await setup(t, [
    { status: 429, headers: { 'retry-after': '30' }, body: 'slow down' },
    { status: 200 },
  ]);
  const deadlineAt = Date.now() + 10_000;
  const res = await client.request({ method: 'POST', url: new URL(server.url), body: 'x', deadlineAt });
  t.equal(res.status, 429);
  t.equal(res.body, 'slow down');
  t.equal(res.attempts, 1);
  t.equal(server.requests.length, 1);
  t.ok(Date.now() < deadlineAt, 'returned before the deadline instead of sleeping to it');
  t.match(lines[0], /would pass the deadline/);
});

t.test('a deadline already passed: no attempt at all', async (t) => {
  const { server, client } = await setup(t, [{ status: 200 }]);
  const err = await client
    .request({ method: 'GET', url: new URL(server.url), deadlineAt: Date.now() - 1 })
    .catch((e: unknown) => e);
  t.type(err, HttpFailure);
  t.equal((err as HttpFailure).attempts, 0);
  t.equal(server.requests.length, 0);
});

t.test('a large response body is kept to 64 KB', async (t) => {
  const { server, client } = await setup(t, [{ status: 400, body: 'x'.repeat(200_000) }]);
  const res = await client.request({ method: 'POST', url: new URL(server.url), body: 'x' });
  t.equal(res.status, 400);
  t.equal(res.body.length, 64 * 1024);
});

t.test('an answer slower than timeoutMs counts as a timeout and is retried', async (t) => {
  const { server, client, lines } = await setup(
    t,
    [
      { status: 200, body: 'too late', delayMs: 3000 },
      { status: 200, body: 'in time' },
    ],
    { timeoutMs: 1000 },
  );
  const res = await client.request({ method: 'GET', url: new URL(server.url) });
  t.equal(res.body, 'in time');
  t.equal(res.attempts, 2);
  t.match(lines[0], /TimeoutError \(no complete answer within 1000 ms\)/);
});

t.test('without a deadline, a Retry-After over two minutes ends the retries', async (t) => {
  const { server, client } = await setup(t, [{ status: 503, headers: { 'retry-after': '3600' } }, { status: 200 }]);
  const res = await client.request({ method: 'POST', url: new URL(server.url), body: 'x' });
  t.equal(res.status, 503);
  t.equal(res.attempts, 1);
  t.equal(server.requests.length, 1);
});
