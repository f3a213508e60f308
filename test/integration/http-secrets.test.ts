// Secrets never reach --verbose lines or failure messages, even with a reporter that redacts nothing:
// the HTTP layer itself leaves out user-info, query values and Authorization values.

import t from 'tap';
import { createServer } from 'node:net';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import { HttpFailure } from '../../lib/sinks/http/types.js';
import { Reporter } from '../../lib/report/report.js';
import { startFaultServer } from '../support/fault-server.js';

/** A verbose reporter that ignores registered secrets, so only the HTTP layer's own care is tested. */
class UnredactedReporter extends Reporter {
  readonly lines: string[] = [];
  registered: string[] = [];
  constructor() {
    super({ verbosity: 'verbose', write: (s) => this.lines.push(s) });
  }
  override addSecret(secret: string | undefined): void {
    if (secret) this.registered.push(secret);
  }
}

const PASSWORD = 'pa55-w0rd-xyz';
const TOKEN = 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.SECRETPART0123456789';
const QUERY_SECRET = 'q-secret-value-123';

type Asserts = Pick<typeof t, 'notMatch'>;

function assertClean(t: Asserts, text: string): void {
  for (const secret of [
    PASSWORD,
    TOKEN,
    'SECRETPART',
    QUERY_SECRET,
    Buffer.from(`user:${PASSWORD}`).toString('base64'),
  ]) {
    t.notMatch(text, secret, `no ${secret.slice(0, 6)}… in ${JSON.stringify(text.slice(0, 80))}`);
  }
}

t.test('user-info becomes Basic auth; nothing secret is printed across retries', async (t) => {
  const server = await startFaultServer([{ status: 503 }, { status: 200 }]);
  const reporter = new UnredactedReporter();
  const client = createHttpClient({
    timeoutMs: 2000,
    userAgent: 'test',
    reporter,
    retry: { baseMs: 5, maxMs: 10, maxAttempts: 3 },
    env: {},
  });
  t.teardown(async () => {
    await client.close();
    await server.close();
  });
  const url = new URL(`http://user:${PASSWORD}@127.0.0.1:${server.port}/metrics/job/x?token=${QUERY_SECRET}`);
  const res = await client.request({ method: 'PUT', url, body: 'a 1\n' });
  t.equal(res.status, 200);
  t.equal(server.requests[0]!.headers.authorization, `Basic ${Buffer.from(`user:${PASSWORD}`).toString('base64')}`);
  t.equal(server.requests[0]!.url, `/metrics/job/x?token=${QUERY_SECRET}`, 'the query itself is sent unchanged');
  t.equal(reporter.lines.length, 2);
  t.match(reporter.lines[0], `PUT http://127.0.0.1:${server.port}/metrics/job/x?token=*** -> 503`);
  for (const line of reporter.lines) assertClean(t, line);
  t.ok(reporter.registered.includes(PASSWORD), 'the password is also registered with the reporter');
});

t.test('an Authorization header is never printed, and wins over user-info', async (t) => {
  const server = await startFaultServer([{ status: 429 }, { status: 202 }]);
  const reporter = new UnredactedReporter();
  const client = createHttpClient({
    timeoutMs: 2000,
    userAgent: 'test',
    reporter,
    retry: { baseMs: 5, maxMs: 10, maxAttempts: 3 },
    env: {},
  });
  t.teardown(async () => {
    await client.close();
    await server.close();
  });
  const res = await client.request({
    method: 'POST',
    url: new URL(`http://user:${PASSWORD}@127.0.0.1:${server.port}/api/v2/metrics/ingest`),
    headers: { Authorization: `Api-Token ${TOKEN}` },
    body: 'm 1',
  });
  t.equal(res.status, 202);
  t.equal(server.requests[1]!.headers.authorization, `Api-Token ${TOKEN}`);
  for (const line of reporter.lines) assertClean(t, line);
  t.ok(reporter.registered.includes(TOKEN), 'the token is registered with the reporter');
});

t.test('failure messages carry no secrets either', async (t) => {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((r) => probe.close(() => r()));
  const reporter = new UnredactedReporter();
  const client = createHttpClient({
    timeoutMs: 2000,
    userAgent: 'test',
    reporter,
    retry: { baseMs: 5, maxMs: 10, maxAttempts: 2 },
    env: {},
  });
  t.teardown(() => client.close());
  const err = await client
    .request({
      method: 'GET',
      url: new URL(`http://user:${PASSWORD}@127.0.0.1:${port}/?token=${QUERY_SECRET}`),
      headers: { authorization: `Api-Token ${TOKEN}` },
    })
    .catch((e: unknown) => e);
  t.type(err, HttpFailure);
  assertClean(t, (err as HttpFailure).message);
  for (const line of reporter.lines) assertClean(t, line);
  t.equal(reporter.lines.length, 2);
});
