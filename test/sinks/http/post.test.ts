// postPayload, the POST the OTLP and remote-write sinks share: against a scripted server on
// 127.0.0.1 with the real HTTP client. An answer of any status comes back as it is, retried only
// on the statuses the caller names; no answer is said once on stderr and returned as a reason.

import t from 'tap';
import { createHttpClient } from '../../../lib/sinks/http/client.js';
import { MAX_ANSWER_CHARS, postPayload, shortAnswer } from '../../../lib/sinks/http/post.js';
import { Reporter } from '../../../lib/report/report.js';
import { startFaultServer, type FaultAction } from '../../support/fault-server.js';

async function post(actions: FaultAction[], retryStatus: (s: number) => boolean, deadlineAt = Date.now() + 10_000) {
  const server = await startFaultServer(actions);
  let stderr = '';
  const reporter = new Reporter({ write: (text) => (stderr += text) });
  const http = createHttpClient({
    timeoutMs: 5000,
    userAgent: 'jes-metrics-pipe/test',
    retry: { baseMs: 5, maxMs: 10, maxAttempts: 3 },
    env: {},
  });
  try {
    const res = await postPayload(http, reporter, 'rw', {
      url: new URL(`${server.url}/api/v1/write`),
      headers: { 'content-type': 'application/x-protobuf' },
      body: new Uint8Array([0, 1, 2, 255]),
      deadlineAt,
      retryStatus,
    });
    return { res, stderr, requests: server.requests };
  } finally {
    await http.close();
    await server.close();
  }
}

t.test('the body and headers are POSTed as given; a 2xx answer comes back', async (t) => {
  const { res, stderr, requests } = await post([{ status: 204 }], () => false);
  t.equal(stderr, '');
  t.notOk('failed' in res);
  if ('failed' in res) return;
  t.equal(res.status, 204);
  t.equal(requests.length, 1);
  t.equal(requests[0]!.method, 'POST');
  t.equal(requests[0]!.url, '/api/v1/write');
  t.equal(requests[0]!.headers['content-type'], 'application/x-protobuf');
  t.same([...requests[0]!.raw], [0, 1, 2, 255], 'bytes as they are');
});

t.test("only the caller's statuses are retried; a refusal is an answer, not a failure", async (t) => {
  const retried = await post([{ status: 503 }, { status: 200, body: 'ok' }], (s) => s === 503);
  t.equal(retried.requests.length, 2);
  t.match(retried.res, { status: 200, body: 'ok' });
  const final = await post([{ status: 503, body: 'busy' }], () => false);
  t.equal(final.requests.length, 1, 'not retried when the protocol says final');
  t.match(final.res, { status: 503, body: 'busy' });
  t.equal(final.stderr, '', 'the caller reads a refusal');
});

t.test('no answer: said once as `<name>: no answer`, the reason without the METHOD url prefix', async (t) => {
  const { res, stderr, requests } = await post([{ reset: true }, { reset: true }, { reset: true }], () => false);
  t.equal(requests.length, 3, 'a reset connection is retried by the client');
  t.ok('failed' in res);
  if (!('failed' in res)) return;
  t.notMatch(res.failed, /^POST /);
  t.ok(res.failed.length > 0);
  t.equal(stderr.match(/rw: no answer: /g)?.length, 1);
  t.match(stderr, /rw: no answer: POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write: /);
});

t.test('a deadline already past: no request, a reason', async (t) => {
  const { res, requests } = await post([], () => false, Date.now() - 1);
  t.equal(requests.length, 0);
  t.ok('failed' in res);
});

t.test('shortAnswer: one line, cut at MAX_ANSWER_CHARS', async (t) => {
  t.equal(shortAnswer('  out of\n order\t sample \n'), 'out of order sample');
  t.equal(shortAnswer(''), '');
  const long = 'x'.repeat(MAX_ANSWER_CHARS + 5);
  t.equal(shortAnswer(long), `${'x'.repeat(MAX_ANSWER_CHARS)}…`);
  t.equal(shortAnswer('y'.repeat(MAX_ANSWER_CHARS)), 'y'.repeat(MAX_ANSWER_CHARS), 'exactly the limit is kept whole');
});
