// How the Dynatrace backend handles each kind of answer, against the emulator over real HTTP:
// 400 partial success (mapped to metric names, never resent), refusals, retries, no answer,
// the OneAgent endpoint, warnings.

import { createServer } from 'node:net';
import t from 'tap';
import type { Series } from '../../lib/store/series.js';
import { push, startDtHarness } from '../support/dt-harness.js';

const gauge = (name: string, value: number, labels: Record<string, string> = {}): Series => ({
  name,
  value,
  labels,
  type: 'gauge',
});
const many = (n: number): Series[] =>
  Array.from({ length: n }, (_, i) => gauge(`keptn_t_m${String(i).padStart(4, '0')}`, i));

function validation(linesOk: number, invalid: number[], total = invalid.length): string {
  return JSON.stringify({
    linesOk,
    linesInvalid: total,
    error: {
      code: 400,
      message: total > 10 ? 'First 10 errors reported' : `${total} invalid lines`,
      invalidLines: invalid.slice(0, 10).map((line) => ({ line, error: 'invalid metric key' })),
    },
    warnings: null,
  });
}

t.test(
  'a 400 is partial success: invalid lines named, the rest counted, never resent, the next batch still sent',
  async (t) => {
    const h = await startDtHarness(t);
    h.dt.setFaults({ status: 400, body: validation(997, [1, 500, 1000]) });
    const outcome = await h.backend.push(many(1500), push);
    t.same(outcome, { backend: 'dynatrace', ok: false, summary: '400, 1497 ok, 3 invalid' });
    t.equal(h.dt.requests.length, 2, 'the 400 batch is not resent; the second batch goes');
    t.equal(h.dt.ingested.length, 500, 'the emulator ingested the second batch');
    const out = h.text();
    t.match(
      out,
      /-> 400: 3 of 1000 lines invalid \(the valid ones were ingested\):\n {2}keptn_t_m0000: invalid metric key\n {2}keptn_t_m0499: invalid metric key\n {2}keptn_t_m0999: invalid metric key\n/,
    );
    t.match(out, /request 1 of 2/);
    t.match(
      out,
      /Dynatrace lines not ingested \(3, 400\):\nkeptn_t_m0000,[^\n]*\nkeptn_t_m0499,[^\n]*\nkeptn_t_m0999,[^\n]* gauge,999\n/,
    );
  },
);

t.test('a 400 that lists only the first ten says how many more there were', async (t) => {
  const h = await startDtHarness(t);
  const invalid = Array.from({ length: 12 }, (_, i) => i + 1);
  h.dt.setFaults({ status: 400, body: validation(8, invalid) });
  const outcome = await h.backend.push(many(20), push);
  t.same(outcome, { backend: 'dynatrace', ok: false, summary: '400, 8 ok, 12 invalid' });
  t.match(h.text(), /keptn_t_m0009: invalid metric key\n {2}… and 2 more the server did not list/);
  t.notMatch(h.text(), /keptn_t_m0010:/);
});

t.test('an invalid line is named with its labels, so two series of one name are told apart', async (t) => {
  const h = await startDtHarness(t);
  const series = [gauge('keptn_t_ok', 1, { a: 'x' }), gauge('keptn_t_ok', 2, { a: 'y' })];
  h.dt.setFaults({ status: 400, body: validation(1, [2]) });
  const outcome = await h.backend.push(series, push);
  t.equal(outcome.summary, '400, 1 ok, 1 invalid');
  t.match(h.text(), /keptn_t_ok\{a="y"\}: invalid metric key/);
});

t.test(
  'a 400 without a line list (an error envelope) loses the whole batch: all printed, the next batch still sent',
  async (t) => {
    const h = await startDtHarness(t);
    h.dt.setFaults({ status: 400, body: '{"error":{"code":400,"message":"Bad request from a proxy"}}' });
    const outcome = await h.backend.push(many(1003), push);
    t.same(outcome, { backend: 'dynatrace', ok: false, summary: '400, 3 ok, 1000 invalid' });
    t.equal(h.dt.requests.length, 2);
    t.match(
      h.text(),
      /-> 400: 1000 of 1000 lines invalid .*Bad request from a proxy; the server listed none of them$/m,
    );
    t.match(h.text(), /Dynatrace lines not ingested \(1000, 400\):\nkeptn_t_m0000,/);
  },
);

t.test('403 and 404 are explained and stop the run', async (t) => {
  const h403 = await startDtHarness(t, {
    emulator: { tokenWithoutScope: 'dt0c01.NOSCOPE.secretsecret' },
    token: 'dt0c01.NOSCOPE.secretsecret',
  });
  const o403 = await h403.backend.push(many(2500), push);
  t.same(o403, { backend: 'dynatrace', ok: false, summary: '403 (token lacks the metrics.ingest scope), 0 ok' });
  t.equal(h403.dt.requests.length, 1);
  t.match(h403.text(), /Dynatrace lines not ingested \(2500, 403\)/);
  t.notMatch(h403.text(), 'secretsecret');

  const h404 = await startDtHarness(t, { path: '/wrong/prefix' });
  const o404 = await h404.backend.push(many(3), push);
  t.same(o404, {
    backend: 'dynatrace',
    ok: false,
    summary: '404 (wrong URL path, or metric ingestion is disabled), 0 ok',
  });
  t.equal(h404.dt.requests[0]?.path, '/wrong/prefix/api/v2/metrics/ingest');
  t.match(h404.text(), /hint: give the environment URL/);
});

t.test('413 from a proxy with a lower limit: requests halved until they pass, every line ingested once', async (t) => {
  // 2,500 series of 58 bytes a line: the API's batches are 1,000 lines (58 KB); the proxy takes 20,000 bytes.
  const h = await startDtHarness(t, { emulator: { maxRequestBytes: 20_000 } });
  const outcome = await h.backend.push(many(2500), push);
  t.ok(outcome.ok, outcome.summary);
  t.match(outcome.summary, /^202, 2500 ok, 0 invalid, \d+ requests after \d+ × 413$/);
  const keys = h.dt.ingested.map((l) => l.key);
  t.equal(keys.length, 2500, 'every line ingested');
  t.equal(new Set(keys).size, 2500, 'none twice');
  t.same(keys, [...keys].sort(), 'in order');
  const refused = h.dt.requests.filter((r) => r.status === 413);
  const accepted = h.dt.requests.filter((r) => r.status === 202);
  t.ok(
    accepted.every((r) => Buffer.byteLength(r.body) <= 20_000),
    'every accepted request is under the limit',
  );
  // Learned once: after the first batch's halvings, later batches are cut before they are sent.
  t.equal(
    refused.length,
    2,
    `two 413s (1000 → 500 → 250 lines), not one per batch: ${refused.map((r) => r.body.split('\n').length).join(', ')}`,
  );
  t.equal((h.text().match(/413 \(payload too large\) for 1000 lines/g) ?? []).length, 1, 'said once');
  t.match(h.text(), /a proxy or gateway with a lower limit\? Sending smaller requests/);
  t.notMatch(h.text(), /not ingested/);
});

t.test('413 for a single line cannot be split: reported, counted, the rest printed', async (t) => {
  const h = await startDtHarness(t, { emulator: { maxRequestBytes: 40 } });
  const outcome = await h.backend.push(many(3), push);
  t.notOk(outcome.ok);
  t.match(outcome.summary, /^413 \(payload too large\), 0 ok$/);
  t.equal(
    h.dt.requests.filter((r) => r.status === 413).length,
    3,
    '3 lines → 2+1 → 1: three refusals, then no more splitting',
  );
  t.match(h.text(), /-> 413 \(payload too large\): Payload too large: \d+ bytes > 40/);
  t.match(h.text(), /Dynatrace lines not ingested \(3, 413\):\nkeptn_t_m0000,/);
});

t.test(
  '413 after an accepted batch, for good: counts what went through, halves down to one line, prints the rest',
  async (t) => {
    const h = await startDtHarness(t);
    h.dt.setFaults(
      { status: 202, body: '{"linesOk":1000,"linesInvalid":0,"error":null}' },
      { status: 413, times: 1000, body: '{"error":{"code":413,"message":"Payload too large"}}' },
    );
    const outcome = await h.backend.push(many(2500), push);
    t.notOk(outcome.ok);
    t.match(outcome.summary, /^413 \(payload too large\), 1000 ok, 0 invalid before$/);
    const sizes = h.dt.requests.map((r) => r.body.split('\n').length);
    t.same(
      sizes,
      [1000, 1000, 500, 250, 125, 63, 32, 16, 8, 4, 2, 1],
      'one accepted, then halvings down to one line, whose 413 ends it',
    );
    t.match(h.text(), /-> 413 \(payload too large\): Payload too large/);
    t.match(h.text(), /Dynatrace lines not ingested \(1500, 413\):\nkeptn_t_m1000,/);
  },
);

t.test('503 is retried by the HTTP layer; a final 503 is reported', async (t) => {
  const h = await startDtHarness(t);
  h.dt.setFaults({ status: 503, times: 2 });
  t.same(await h.backend.push(many(3), push), { backend: 'dynatrace', ok: true, summary: '202, 3 ok, 0 invalid' });
  t.equal(h.dt.requests.length, 3);

  h.dt.setFaults({ status: 503, times: 3, body: '{"error":{"code":503,"message":"Service unavailable"}}' });
  const outcome = await h.backend.push(many(3), push);
  t.same(outcome, { backend: 'dynatrace', ok: false, summary: '503, 0 ok' });
  t.match(h.text(), /-> 503: Service unavailable/);
});

t.test('no answer at all: failed, with the reason, and the lines printed', async (t) => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  const { createDynatraceBackend } = await import('../../lib/sinks/dynatrace/sink.js');
  const { createHttpClient } = await import('../../lib/sinks/http/client.js');
  const { Reporter } = await import('../../lib/report/report.js');
  const out: string[] = [];
  const reporter = new Reporter({ write: (x) => out.push(x) });
  const http = createHttpClient({
    timeoutMs: 1000,
    userAgent: 'jes-metrics-pipe/test',
    retry: { baseMs: 5, maxMs: 10, maxAttempts: 2 },
  });
  t.teardown(() => http.close());
  const backend = createDynatraceBackend(
    { url: new URL(`http://127.0.0.1:${port}/api/v2/metrics/ingest`), token: 'dt0c01.X.refusedsecret' },
    { http, reporter },
  );
  const outcome = await backend.push(many(2), push);
  t.equal(outcome.ok, false);
  t.match(outcome.summary, /^failed: .*ECONNREFUSED/);
  t.match(out.join(''), /no answer: .*ECONNREFUSED[\s\S]*Dynatrace lines not ingested \(2, no answer\)/);
  t.notMatch(out.join(''), 'refusedsecret');
});

t.test('a hanging server: the per-request timeout ends it', async (t) => {
  const h = await startDtHarness(t, { timeoutMs: 200 });
  h.dt.setFaults({ hang: true, times: 5 });
  const outcome = await h.backend.push(many(2), push);
  t.equal(outcome.ok, false);
  t.match(outcome.summary, /^failed: /);
});

t.test('a passed deadline: nothing is sent', async (t) => {
  const h = await startDtHarness(t);
  const outcome = await h.backend.push(many(2), { deadlineAt: Date.now() - 1, final: true });
  t.equal(outcome.ok, false);
  t.match(outcome.summary, /^failed: .*deadline/);
  t.equal(h.dt.requests.length, 0);
});

t.test('the OneAgent local endpoint: no token sent, linesValid read', async (t) => {
  const h = await startDtHarness(t, { path: '/metrics/ingest', token: null });
  const outcome = await h.backend.push(many(2), push);
  t.same(outcome, { backend: 'dynatrace', ok: true, summary: '202, 2 ok, 0 invalid' });
  t.equal(h.dt.requests[0]?.path, '/metrics/ingest');
  t.equal(h.dt.requests[0]?.headers.authorization, undefined);
  t.match(h.dt.requests[0]?.response, /"linesValid":2/);
});

t.test('the OneAgent local endpoint with a token configured: the token is not sent', async (t) => {
  const h = await startDtHarness(t, { path: '/metrics/ingest', token: 'dt0c01.ONEAGENT.notforoneagent' });
  const outcome = await h.backend.push(many(1), push);
  t.equal(outcome.summary, '202, 1 ok, 0 invalid');
  t.equal(h.dt.requests[0]?.headers.authorization, undefined);
  t.match(h.text(), /OneAgent local endpoint needs no token; it is not sent/);
  t.notMatch(h.text(), 'notforoneagent');
});

t.test('server warnings are shown once', async (t) => {
  const h = await startDtHarness(t);
  const body = JSON.stringify({
    linesOk: 1,
    linesInvalid: 0,
    error: null,
    warnings: {
      message: 'First 1 warnings reported',
      warningLines: [{ line: 1, warning: "metric key 'a.b' changed to 'a.b.count'" }],
    },
  });
  h.dt.setFaults({ status: 202, body, times: 2 });
  await h.backend.push(many(1), push);
  await h.backend.push(many(1), push);
  const out = h.text();
  t.equal(out.split("changed to 'a.b.count'").length - 1, 1);
  t.match(out, /server warning: line 1: metric key 'a\.b' changed to 'a\.b\.count'/);
});

t.test('series that cannot be sent: warned once per reason; nothing left means no request', async (t) => {
  const h = await startDtHarness(t);
  const outcome = await h.backend.push(
    [gauge('keptn_t_nan', NaN), gauge('keptn_t_inf', Infinity), gauge('keptn_t_ok', 1)],
    push,
  );
  t.same(outcome, { backend: 'dynatrace', ok: true, summary: '202, 1 ok, 0 invalid, 2 not sendable' });
  t.match(h.text(), /2 series not sent, value is NaN or infinite .*: keptn_t_nan, keptn_t_inf/);
  const none = await h.backend.push([gauge('keptn_t_nan', NaN)], push);
  t.same(none, { backend: 'dynatrace', ok: true, summary: 'nothing to send, 1 not sendable' });
  t.equal(h.dt.requests.length, 1);
});

t.test('a periodic (non-final) push does not print the unsent lines', async (t) => {
  const h = await startDtHarness(t, { token: 'dt0c01.WRONG.wrongwrongwrong' });
  await h.backend.push(many(2), { deadlineAt: Number.MAX_SAFE_INTEGER, final: false });
  t.match(h.text(), /-> 401/);
  t.notMatch(h.text(), /Dynatrace lines not ingested/);
});
