// The OTLP/HTTP backend against a scripted receiver on 127.0.0.1 with the real HTTP client: the
// request (protobuf, gzip, headers), and how it reads each answer: a 2xx with or without a
// partial success (protobuf or JSON), a refusal's google.rpc.Status or text with a hint, the
// retryable statuses, no answer.

import t from 'tap';
import { createHttpClient } from '../../../lib/sinks/http/client.js';
import {
  CONTENT_TYPE,
  createOtlpBackend,
  isOtlpRetryable,
  otlpResource,
  partialCounts,
} from '../../../lib/sinks/otlp/sink.js';
import type { OtlpConfig } from '../../../lib/sinks/otlp/settings.js';
import { loadProtobuf } from '../../../lib/sinks/encoding/protobuf.js';
import { Reporter } from '../../../lib/report/report.js';
import type { Series } from '../../../lib/store/series.js';
import { startFaultServer, type FaultAction } from '../../support/fault-server.js';
import { decodeOtlp, encodeOtlpResponse } from '../../support/proto-decode.js';

const SERIES: Series[] = [
  { name: 'keptn_k6_rps', labels: { ci_platform: 'keptn' }, value: 12, type: 'gauge' },
  { name: 'keptn_k6_duration_seconds', labels: { ci_platform: 'keptn' }, value: 0.5, type: 'gauge', unit: 'seconds' },
];

/** The backend for a scripted receiver at `url`, with the real HTTP client (closed by the caller). */
function backendAt(url: string, cfg: Partial<OtlpConfig>, write: (text: string) => void) {
  const reporter = new Reporter({ verbosity: 'verbose', write });
  const http = createHttpClient({
    timeoutMs: 5000,
    userAgent: 'jes-metrics-pipe/test',
    retry: { baseMs: 5, maxMs: 10, maxAttempts: 2 },
    env: {},
  });
  const config: OtlpConfig = {
    url: new URL(`${url}/v1/metrics`),
    headers: [],
    temporality: 'cumulative',
    resource: [['service.name', 'jes-metrics-pipe']],
    gzip: true,
    source: '--otlp',
    ...cfg,
  };
  return { http, backend: createOtlpBackend(config, { labels: { ci_platform: 'keptn' } }, { http, reporter }) };
}

async function push(actions: FaultAction[], cfg: Partial<OtlpConfig> = {}, series = SERIES, final = true) {
  const server = await startFaultServer(actions);
  let stderr = '';
  const { http, backend } = backendAt(server.url, cfg, (text) => (stderr += text));
  try {
    const outcome = await backend.push(series, { deadlineAt: Date.now() + 20_000, final });
    return { outcome, stderr, requests: server.requests };
  } finally {
    await http.close();
    await server.close();
  }
}

// The scripted server answers with a string (sent as UTF-8): the protobuf answers here are all
// bytes below 0x80, which latin1 and UTF-8 write the same.
async function rpcStatus(message: string): Promise<Uint8Array> {
  // google.rpc.Status { int32 code = 1; string message = 2; }
  const pb = await loadProtobuf();
  return pb.Writer.create().uint32(8).int32(3).uint32(18).string(message).finish();
}

t.test('a 2xx: one gzipped protobuf POST with the headers; the series and resource in it', async (t) => {
  const r = await push([{ status: 200 }], { headers: [['authorization', 'Api-Token abc.def']] });
  t.same(r.outcome, { backend: 'otlp', ok: true, summary: '200, 2 series' });
  const req = r.requests[0]!;
  t.equal(req.method, 'POST');
  t.equal(req.url, '/v1/metrics');
  t.equal(req.headers['content-type'], CONTENT_TYPE);
  t.equal(req.headers['content-encoding'], 'gzip');
  t.equal(req.headers.authorization, 'Api-Token abc.def');
  const body = decodeOtlp(req.raw, true);
  t.same(body.metrics.map((m) => m.name).sort(), ['keptn_k6_duration_seconds', 'keptn_k6_rps']);
  t.equal(body.resource['service.name'], 'jes-metrics-pipe');
  t.equal(body.resource.ci_platform, 'keptn');
  t.notMatch(r.stderr, /abc\.def/, 'the header value is a secret');
});

t.test('without gzip the body is plain protobuf', async (t) => {
  const r = await push([{ status: 200 }], { gzip: false });
  t.equal(r.requests[0]!.headers['content-encoding'], undefined);
  t.equal(decodeOtlp(r.requests[0]!.raw).metrics.length, 2);
});

t.test('a partial success, in protobuf or JSON: counted, quoted, the push not ok', async (t) => {
  const proto = await push([
    {
      status: 200,
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(encodeOtlpResponse(1, 'name too long')).toString('latin1'),
    },
  ]);
  t.same(proto.outcome, { backend: 'otlp', ok: false, summary: '200, 1 ok, 1 rejected' });
  t.match(proto.stderr, /-> 200: 1 of 2 data points rejected \(the others were accepted\): name too long/);
  t.match(proto.stderr, /unsent OTLP data/);
  const json = await push([
    {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partialSuccess: { rejectedDataPoints: '2', errorMessage: 'no' } }),
    },
  ]);
  t.same(json.outcome, { backend: 'otlp', ok: false, summary: '200, 0 ok, 2 rejected' });
  const warning = await push([
    {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ partialSuccess: { errorMessage: 'deprecated\nendpoint' } }),
    },
  ]);
  t.same(warning.outcome, { backend: 'otlp', ok: true, summary: '200, 2 series' });
  t.match(warning.stderr, /-> 200: receiver warning: deprecated endpoint/);
});

t.test("a refusal: a google.rpc.Status's message, else the text; a hint by status", async (t) => {
  const status = await rpcStatus('invalid temporality');
  const proto = await push([
    {
      status: 400,
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(status).toString('latin1'),
    },
  ]);
  t.same(proto.outcome, { backend: 'otlp', ok: false, summary: '400 (refused), 2 series not pushed' });
  t.match(proto.stderr, /-> 400: invalid temporality\n/);
  t.match(proto.stderr, /otlp: hint: .*TEMPORALITY_PREFERENCE=delta/);
  const text = await push([{ status: 404, body: 'no  such\npath' }], {}, SERIES, false);
  t.match(text.stderr, /-> 404: no such path\n/);
  t.match(text.stderr, /hint: no OTLP metrics endpoint at this URL/);
  t.notMatch(text.stderr, /unsent/, 'a periodic push prints no unsent data');
});

t.test("OTLP's retryable statuses: 429, 502, 503, 504", async (t) => {
  for (const s of [429, 502, 503, 504]) t.equal(isOtlpRetryable(s), true, String(s));
  for (const s of [408, 500, 501, 400]) t.equal(isOtlpRetryable(s), false, String(s));
  const r = await push([{ status: 500 }]);
  t.equal(r.requests.length, 1, '500 is final');
  const again = await push([{ status: 503 }, { status: 200 }]);
  t.equal(again.requests.length, 2);
  t.equal(again.outcome.ok, true);
});

t.test('no answer: failed, said once, the unsent data printed', async (t) => {
  const r = await push([{ reset: true }, { reset: true }]);
  t.match(r.outcome.summary, /^failed \(.+\), 2 series not pushed$/);
  t.equal(r.stderr.match(/otlp: no answer: /g)?.length, 1);
  t.match(r.stderr, /unsent OTLP data \(2 data points in 2 metrics\)/);
});

t.test('nothing to push: no request', async (t) => {
  const r = await push([], {}, []);
  t.same(r.outcome, { backend: 'otlp', ok: true, summary: 'nothing to push, 0 series' });
  t.equal(r.requests.length, 0);
});

t.test('otlpResource and partialCounts', async (t) => {
  t.same(
    otlpResource(
      {
        resource: [
          ['service.name', 's'],
          ['ci_platform', 'gitlab'],
        ],
      },
      { labels: { ci_platform: 'keptn', a: 'b' } },
    ),
    [
      ['service.name', 's'],
      ['ci_platform', 'gitlab'],
      ['a', 'b'],
    ],
  );
  t.same(partialCounts(5, 7), {
    ok: 0,
    rejected: 5,
    said: 'the receiver says 7 data points were rejected, of 5 sent: counted as all 5 rejected',
  });
});

t.test('delta: what a push delivered is remembered, not what its series hold when the answer comes', async (t) => {
  // The store updates a series in place; a periodic push's POST may still be out when it does.
  const server = await startFaultServer([{ status: 200, delayMs: 200 }, { status: 200 }]);
  t.teardown(() => server.close());
  const { http, backend } = backendAt(server.url, { temporality: 'delta', gzip: false }, () => undefined);
  t.teardown(() => http.close());
  const counter: Series = { name: 'keptn_t_reqs_total', labels: {}, value: 10, type: 'counter' };
  const first = backend.push([counter], { deadlineAt: Date.now() + 20_000, final: false });
  // The request is built at once; the answer takes 200 ms. Meanwhile the tool printed 25.
  for (let i = 0; i < 100 && server.requests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  counter.value = 25;
  t.equal((await first).ok, true);
  t.equal((await backend.push([counter], { deadlineAt: Date.now() + 20_000, final: true })).ok, true);
  const values = server.requests.map(
    (q) => decodeOtlp(q.raw).metrics.find((m) => m.name === 'keptn_t_reqs_total')!.points[0]!.value,
  );
  t.same(values, [10, 15], 'the increases add up to the total');
});
