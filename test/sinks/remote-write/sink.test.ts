// The remote-write backend against a scripted receiver on 127.0.0.1 with the real HTTP client:
// the request (headers the spec names, credentials, a snappy WriteRequest), and how it reads
// each answer (2xx, a refusal with a hint, 5xx retried, no answer), the unsent series printed on
// a final push.

import t from 'tap';
import { createHttpClient } from '../../../lib/sinks/http/client.js';
import {
  createRemoteWriteBackend,
  isRemoteWriteRetryable,
  REMOTE_WRITE_HEADERS,
  remoteWriteName,
} from '../../../lib/sinks/remote-write/sink.js';
import type { RemoteWriteConfig } from '../../../lib/sinks/remote-write/settings.js';
import { Reporter } from '../../../lib/report/report.js';
import type { Series } from '../../../lib/store/series.js';
import { startFaultServer, type FaultAction } from '../../support/fault-server.js';
import { decodeRemoteWrite } from '../../support/proto-decode.js';

const SERIES: Series[] = [
  { name: 'keptn_k6_rps', labels: { ci_platform: 'keptn' }, value: 12, type: 'gauge' },
  { name: 'keptn_k6_errors_total', labels: { ci_platform: 'keptn' }, value: 3, type: 'counter' },
];

async function push(actions: FaultAction[], cfg: Partial<RemoteWriteConfig> = {}, series = SERIES, final = true) {
  const server = await startFaultServer(actions);
  let stderr = '';
  const reporter = new Reporter({ verbosity: 'verbose', write: (text) => (stderr += text) });
  const http = createHttpClient({
    timeoutMs: 5000,
    userAgent: 'jes-metrics-pipe/test',
    retry: { baseMs: 5, maxMs: 10, maxAttempts: 2 },
    env: {},
  });
  try {
    const backend = createRemoteWriteBackend({ url: new URL(`${server.url}/api/v1/write`), ...cfg }, 'remote-write', {
      http,
      reporter,
    });
    const outcome = await backend.push(series, { deadlineAt: Date.now() + 20_000, final });
    return { outcome, stderr, requests: server.requests };
  } finally {
    await http.close();
    await server.close();
  }
}

t.test('a 2xx: one POST with the spec headers, bearer token and --remote-write-header, the series in it', async (t) => {
  const r = await push([{ status: 204 }], { token: 'tok-123', headers: [['X-Scope-OrgID', 'team-a']] });
  t.same(r.outcome, { backend: 'remote-write', ok: true, summary: '204, 2 series' });
  t.equal(r.requests.length, 1);
  const req = r.requests[0]!;
  t.equal(req.method, 'POST');
  t.equal(req.url, '/api/v1/write');
  for (const [k, v] of Object.entries(REMOTE_WRITE_HEADERS)) t.equal(req.headers[k], v, k);
  t.equal(req.headers.authorization, 'Bearer tok-123');
  t.equal(req.headers['x-scope-orgid'], 'team-a');
  const names = decodeRemoteWrite(req.raw).series.map((s) => Object.fromEntries(s.labels).__name__);
  t.same(names.sort(), ['keptn_k6_errors_total', 'keptn_k6_rps']);
  t.match(r.stderr, /remote-write POST http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write: 2 series, \d+ bytes/);
});

t.test('basic auth from user and password wins over a token; the password never reaches stderr', async (t) => {
  const r = await push([{ status: 400, body: 'bad request' }], { username: 'u', password: 's3cret-pw', token: 't' });
  t.equal(r.requests[0]!.headers.authorization, `Basic ${Buffer.from('u:s3cret-pw').toString('base64')}`);
  t.notMatch(r.stderr, /s3cret-pw/);
});

t.test('a refusal: the status, the answer on one line, a hint, the unsent series on a final push', async (t) => {
  const r = await push([{ status: 400, body: 'out of order\nsample for series' }]);
  t.same(r.outcome, { backend: 'remote-write', ok: false, summary: '400 (refused), 2 series not pushed' });
  t.equal(r.requests.length, 1, 'a 4xx is final');
  t.match(r.stderr, /-> 400: out of order sample for series\n/);
  t.match(r.stderr, /remote-write: hint: the receiver already holds newer samples/);
  t.match(r.stderr, /unsent remote-write series \(2\):/);
  const notFinal = await push([{ status: 401 }], {}, SERIES, false);
  t.match(notFinal.stderr, /hint: the receiver wants credentials/);
  t.notMatch(notFinal.stderr, /unsent/, 'a periodic push prints no unsent series');
});

t.test('5xx and 429 are retried, 408 is final', async (t) => {
  t.equal(isRemoteWriteRetryable(429), true);
  t.equal(isRemoteWriteRetryable(503), true);
  t.equal(isRemoteWriteRetryable(408), false);
  t.equal(isRemoteWriteRetryable(404), false);
  const r = await push([{ status: 503, body: 'busy' }, { status: 200 }]);
  t.equal(r.requests.length, 2);
  t.equal(r.outcome.ok, true);
});

t.test('no answer: failed, the reason said once, the unsent series printed', async (t) => {
  const r = await push([{ reset: true }, { reset: true }]);
  t.equal(r.outcome.ok, false);
  t.match(r.outcome.summary, /^failed \(.+\), 2 series not pushed$/);
  t.notMatch(r.outcome.summary, /failed \(POST /);
  t.equal(r.stderr.match(/remote-write: no answer: /g)?.length, 1);
  t.match(r.stderr, /unsent remote-write series \(2\):/);
});

t.test('nothing to push: no request', async (t) => {
  const r = await push([], {}, []);
  t.same(r.outcome, { backend: 'remote-write', ok: true, summary: 'nothing to push, 0 series' });
  t.equal(r.requests.length, 0);
});

t.test('remoteWriteName: numbered only when there are several', async (t) => {
  t.equal(remoteWriteName(0, 1), 'remote-write');
  t.equal(remoteWriteName(0, 2), 'remote-write 1');
  t.equal(remoteWriteName(1, 2), 'remote-write 2');
});
