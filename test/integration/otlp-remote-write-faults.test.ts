// The OTLP and remote-write outputs behind a flaky front (429 + Retry-After, 503, a reset, a
// hang) before a real receiver (OTLP: VictoriaMetrics; remote write: Prometheus): the retry
// lands and the data is there. Against the scripted fault server: the headers each protocol
// wants, OTLP's partial success, the statuses that are final, and no secret in any message.

import t from 'tap';
import { gunzipSync } from 'node:zlib';
import { runInProcess, type InProcessResult } from '../support/in-process.js';
import { gaps, startFlakyFront, type FrontFault } from '../support/cli-reliability.js';
import { startFaultServer } from '../support/fault-server.js';
import { useReceivers } from '../support/receivers.js';
import { decodeOtlp, decodeRemoteWrite, encodeOtlpResponse } from '../support/proto-decode.js';
import { victoriaMetricsMissing } from '../support/victoriametrics.js';

const skip = victoriaMetricsMissing();
const INPUT = 'log line\nalpha=1\nbeta=2.5\n{"name":"gamma","value":7,"labels":{"region":"eu"}}\n';
const TOKEN = 'rw-token-0123456789abcdef';
const OTLP_KEY = 'otlp-key-fedcba9876543210';

const rx = useReceivers(t, !skip);

function cli(args: string[], env: Record<string, string> = {}): Promise<InProcessResult> {
  return runInProcess(['--integration', 'flt', '--timeout', '1s', '--verbose', ...args], { input: INPUT, env });
}

const FAULTS: Array<[string, FrontFault, RegExp]> = [
  [
    '429 with Retry-After: 1',
    { status: 429, retryAfter: '1' },
    /-> 429 in \d+ ms \(attempt 1\/\d+\); retrying in 1000 ms/,
  ],
  ['503', { status: 503 }, /-> 503 in \d+ ms \(attempt 1\/\d+\); retrying/],
  ['a reset', { reset: true }, /\(attempt 1\/\d+\); retrying/],
  ['a hang', { hang: true }, /no complete answer within 1000 ms\) in \d+ ms \(attempt 1\/\d+\); retrying/],
];

function outcomeOf(fault: FrontFault): string {
  return 'reset' in fault ? 'reset' : 'hang' in fault ? 'hang' : String(fault.status);
}

for (const [what, fault, said] of FAULTS) {
  t.test(`otlp: ${what}, then the retry lands at VictoriaMetrics`, { skip }, async (t) => {
    const front = await startFlakyFront(rx.vm!.url, [fault]);
    t.teardown(() => front.close());
    const tag = what.replace(/\W+/g, '_');
    const r = await cli(['--otlp', `${front.url}/opentelemetry/v1/metrics`, '--label', `case=${tag}`]);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout.toString('utf8'), INPUT);
    t.match(r.stderr, said);
    t.match(r.stderr, /; otlp: 200, 3 series\n/);
    t.same(
      front.requests.map((q) => q.outcome),
      [outcomeOf(fault), 'forwarded 200'],
    );
    if ('retryAfter' in fault) t.ok(gaps(front.requests)[0]! >= 950, `retry after ${gaps(front.requests)[0]} ms`);
    const rows = await rx.vm!.waitForExport(`{__name__=~"keptn_flt_.*",case="${tag}"}`, (rs) => rs.length >= 3);
    t.same(rows.map((row) => `${row.metric.__name__}=${row.values.join(',')}`).sort(), [
      'keptn_flt_alpha=1',
      'keptn_flt_beta=2.5',
      'keptn_flt_gamma=7',
    ]);
  });

  t.test(`remote write: ${what}, then the retry lands at Prometheus`, async (t) => {
    const front = await startFlakyFront(rx.prom.url, [fault]);
    t.teardown(() => front.close());
    const tag = what.replace(/\W+/g, '_');
    const r = await cli(['--remote-write', `${front.url}/api/v1/write`, '--label', `case=${tag}`], {
      REMOTE_WRITE_TOKEN: TOKEN,
    });
    t.equal(r.status, 0, r.stderr);
    t.match(r.stderr, said);
    t.match(r.stderr, /; remote-write: 204, 3 series\n/);
    t.notMatch(r.stderr, TOKEN);
    t.same(
      front.requests.map((q) => q.outcome),
      [outcomeOf(fault), 'forwarded 204'],
    );
    if ('retryAfter' in fault) t.ok(gaps(front.requests)[0]! >= 950, `retry after ${gaps(front.requests)[0]} ms`);
    const got = await rx.prom.waitFor(`{__name__=~"keptn_flt_.*",case="${tag}"}`, (rs) => rs.length >= 3);
    t.same(got.map((s) => `${s.metric.__name__}=${s.value}`).sort(), [
      'keptn_flt_alpha=1',
      'keptn_flt_beta=2.5',
      'keptn_flt_gamma=7',
    ]);
  });
}

t.test(
  'otlp: a partial success rejecting more points than were sent is all of them, never a negative count (issue 24, item 15)',
  async (t) => {
    const server = await startFaultServer([
      {
        status: 200,
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from(encodeOtlpResponse(9, 'quota')).toString('latin1'),
      },
    ]);
    t.teardown(() => server.close());
    const r = await cli(['--otlp', `${server.url}/v1/metrics`]);
    t.match(
      r.stderr,
      /-> 200: the receiver says 9 data points were rejected, of 3 sent: counted as all 3 rejected: quota/,
    );
    t.match(r.stderr, /; otlp: 200, 0 ok, 3 rejected\n/);
    t.notMatch(r.stderr, /-\d+ ok/);
  },
);

t.test(
  'otlp: the request as the protocol wants it; partial success reported, exit 3 with --fail-on-push-error',
  async (t) => {
    const server = await startFaultServer([
      {
        status: 200,
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from(encodeOtlpResponse(1, 'gamma: unit not allowed')).toString('latin1'),
      },
    ]);
    t.teardown(() => server.close());
    const r = await cli(['--otlp', `${server.url}/v1/metrics`, '--fail-on-push-error'], {
      OTEL_EXPORTER_OTLP_HEADERS: `api-key=${OTLP_KEY}`,
      OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
    });
    t.equal(r.status, 3, r.stderr);
    t.match(
      r.stderr,
      /otlp POST http:\/\/127\.0\.0\.1:\d+\/v1\/metrics -> 200: 1 of 3 data points rejected \(the others were accepted\): gamma: unit not allowed/,
    );
    t.match(r.stderr, /; otlp: 200, 2 ok, 1 rejected\n/);
    t.match(r.stderr, /unsent OTLP data \(3 data points in 3 metrics\)/);
    t.notMatch(r.stderr, OTLP_KEY);
    const req = server.requests[0]!;
    t.equal(req.method, 'POST');
    t.equal(req.url, '/v1/metrics');
    t.equal(req.headers['content-type'], 'application/x-protobuf');
    t.equal(req.headers['content-encoding'], 'gzip');
    t.equal(req.headers['api-key'], OTLP_KEY);
    t.match(req.headers['user-agent'], /^jes-metrics-pipe\//);
    const decoded = decodeOtlp(gunzipSync(req.raw));
    t.same(
      decoded.metrics.map((m) => m.name),
      ['keptn_flt_alpha', 'keptn_flt_beta', 'keptn_flt_gamma'],
    );
    t.equal(decoded.resource['service.name'], 'jes-metrics-pipe');
  },
);

t.test('otlp: a 400 is final, a 500 too (OTLP retries only 429, 502, 503, 504)', async (t) => {
  for (const status of [400, 500]) {
    const server = await startFaultServer([{ status, body: 'bad data' }]);
    t.teardown(() => server.close());
    const r = await cli(['--otlp', `${server.url}/v1/metrics`]);
    t.equal(r.status, 0, r.stderr);
    t.equal(server.requests.length, 1, `${status}: sent once`);
    t.match(r.stderr, new RegExp(`-> ${status}: bad data`));
    t.match(r.stderr, new RegExp(`; otlp: ${status} \\(refused\\), 3 series not pushed\\n`));
  }
});

t.test("remote write: the spec's headers, a bearer token from the env, basic auth from the URL", async (t) => {
  const server = await startFaultServer([{ status: 204 }, { status: 204 }]);
  t.teardown(() => server.close());
  const r = await cli(
    [
      '--remote-write',
      `${server.url}/api/v1/write`,
      '--remote-write',
      `http://bob:pa%24%24word@127.0.0.1:${server.port}/other`,
    ],
    {
      REMOTE_WRITE_TOKEN: TOKEN,
    },
  );
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /; remote-write 1: 204, 3 series; remote-write 2: 204, 3 series\n/);
  t.notMatch(r.stderr, /pa\$\$word|pa%24%24word/);
  t.notMatch(r.stderr, TOKEN);
  const [first, second] = server.requests;
  for (const req of [first!, second!]) {
    t.equal(req.headers['content-type'], 'application/x-protobuf');
    t.equal(req.headers['content-encoding'], 'snappy');
    t.equal(req.headers['x-prometheus-remote-write-version'], '0.1.0');
    t.match(req.headers['user-agent'], /^jes-metrics-pipe\//);
  }
  t.equal(first!.headers.authorization, `Bearer ${TOKEN}`);
  t.equal(second!.headers.authorization, `Basic ${Buffer.from('bob:pa$$word').toString('base64')}`);
  const decoded = decodeRemoteWrite(first!.raw);
  t.same(
    decoded.series.map((s) => s.labels),
    [
      [
        ['__name__', 'keptn_flt_alpha'],
        ['ci_platform', 'keptn'],
      ],
      [
        ['__name__', 'keptn_flt_beta'],
        ['ci_platform', 'keptn'],
      ],
      [
        ['__name__', 'keptn_flt_gamma'],
        ['ci_platform', 'keptn'],
        ['region', 'eu'],
      ],
    ],
  );
  const stamp = Number(decoded.series[0]!.samples[0]!.timestamp);
  t.ok(Math.abs(stamp - Date.now()) < 60_000, 'stamped at collection time');
});

t.test('remote write: 4xx other than 429 is final (408 included), as the spec says', async (t) => {
  for (const status of [400, 408, 401]) {
    const server = await startFaultServer([{ status, body: 'out of order sample' }]);
    t.teardown(() => server.close());
    const r = await cli(['--remote-write', `${server.url}/api/v1/write`, '--fail-on-push-error']);
    t.equal(r.status, 3, r.stderr);
    t.equal(server.requests.length, 1, `${status}: sent once`);
    t.match(r.stderr, new RegExp(`; remote-write: ${status} \\(refused\\), 3 series not pushed\\n`));
    t.match(r.stderr, /unsent remote-write series \(3\):/);
  }
});

t.test('dry run: both outputs printed, deterministic, credentials masked', async (t) => {
  const run = (): Promise<InProcessResult> =>
    runInProcess(
      [
        '--integration',
        'flt',
        '--dry-run',
        '--otlp',
        'http://127.0.0.1:9/v1/metrics',
        '--remote-write',
        'http://u:hunter22@127.0.0.1:9/api/v1/write',
      ],
      {
        input: INPUT,
        env: { OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer%20${OTLP_KEY}` },
      },
    );
  const [a, b] = [await run(), await run()];
  t.equal(a.status, 0, a.stderr);
  t.equal(a.stderr, b.stderr, 'the same text every run');
  t.notMatch(a.stderr, OTLP_KEY);
  t.notMatch(a.stderr, /hunter22/);
  t.match(
    a.stderr,
    /# otlp: POST http:\/\/127\.0\.0\.1:9\/v1\/metrics \(3 metrics, 3 data points, protobuf, gzip\)\n# otlp: authorization: \*\*\*\n/,
  );
  t.match(
    a.stderr,
    /# remote-write: POST http:\/\/127\.0\.0\.1:9\/api\/v1\/write \(3 series, remote write 1\.0, snappy\)\n# remote-write: authorization: \*\*\*\n/,
  );
  t.match(a.stderr, /\{__name__="keptn_flt_gamma", ci_platform="keptn", region="eu"\} 7\n/);
  t.match(a.stderr, /metric keptn_flt_gamma gauge\n {2}\{region="eu"\} 7\n/);
  t.notMatch(a.stderr, /# pushgateway|# dynatrace/, 'only the configured outputs');
});
