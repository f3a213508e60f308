// The two HTTP-layer options the protobuf outputs use: the answer's bytes (a protobuf body must
// not pass through a UTF-8 decode) and a per-request rule for which statuses are retried.

import t from 'tap';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import { listenOnLoopback } from '../support/loopback.js';
import { startFaultServer } from '../support/fault-server.js';

const FAST = { baseMs: 10, maxMs: 50, maxAttempts: 4 };

t.test('the answer comes as bytes too, exactly', async (t) => {
  const bytes = Buffer.from([0x0a, 0x05, 0x08, 0xff, 0x01, 0x12, 0x00, 0xc3, 0x28, 0xfe]);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(bytes));
  });
  const listening = await listenOnLoopback(server);
  const client = createHttpClient({ timeoutMs: 2000, userAgent: 't', retry: FAST });
  t.teardown(async () => {
    await client.close();
    await listening.close();
  });
  const res = await client.request({ method: 'POST', url: new URL(listening.url), body: new Uint8Array([1, 2, 3]) });
  t.same(Buffer.from(res.bytes!), bytes, 'not a byte changed (0xc3 0x28 is invalid UTF-8)');
});

t.test('retryStatus decides which statuses are tried again', async (t) => {
  const server = await startFaultServer([]);
  const client = createHttpClient({ timeoutMs: 2000, userAgent: 't', retry: FAST });
  t.teardown(async () => {
    await client.close();
    await server.close();
  });
  const url = new URL(server.url);
  const rule = (s: number): boolean => s === 429 || s >= 500;
  server.script({ status: 408 }, { status: 200 });
  const byDefault = await client.request({ method: 'POST', url });
  t.same([byDefault.status, byDefault.attempts], [200, 2], 'the default retries 408');
  server.script({ status: 408 }, { status: 200 });
  const final = await client.request({ method: 'POST', url, retryStatus: rule });
  t.same([final.status, final.attempts], [408, 1], 'under the rule, 408 is final');
  t.equal(
    (await client.request({ method: 'POST', url })).status,
    200,
    'the 200 scripted for a retry that did not come',
  );
  server.script({ status: 503 }, { status: 200 });
  const retried = await client.request({ method: 'POST', url, retryStatus: rule });
  t.same([retried.status, retried.attempts], [200, 2], 'and 503 is retried');
});
