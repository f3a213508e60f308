// The OTLP encoder, read back with the official message definitions (test/support/proto-decode.ts).

import t from 'tap';
import {
  decodeOtlpResponse,
  describeOtlpRequest,
  encodeOtlpRequest,
  type OtlpEncodeOptions,
} from '../../../lib/sinks/otlp/serialize.js';
import { decodeRpcStatus } from '../../../lib/sinks/otlp/rpc-status.js';
import type { UnitSeries } from '../../../lib/sinks/encoding/number-text.js';
import { decodeOtlp, encodeOtlpResponse } from '../../support/proto-decode.js';

const opts: OtlpEncodeOptions = {
  resource: [
    ['service.name', 'ci'],
    ['ci_platform', 'keptn'],
  ],
  scope: { name: 'jes-metrics-pipe', version: '1.2.3' },
  temporality: 'cumulative',
  context: { ci_platform: 'keptn' },
  // 2026-01-01T00:00:00.123Z: nanoseconds beyond 2^53, which a double would round.
  timeMs: 1767225600123,
  startMs: 1767225590001,
};

const series: UnitSeries[] = [
  { name: 'keptn_k6_rps', labels: { ci_platform: 'keptn', scenario: 'b' }, value: 12.5, type: 'gauge' },
  { name: 'keptn_k6_rps', labels: { ci_platform: 'keptn', scenario: 'a' }, value: -0.25, type: 'gauge' },
  { name: 'keptn_k6_reqs_total', labels: { ci_platform: 'keptn' }, value: 1e21, type: 'counter', unit: '{request}' },
  {
    name: 'keptn_k6_dur',
    labels: { ci_platform: 'other', q: 'a"b\\c\nd', e: '', u: 'ünï ✓' },
    value: NaN,
    type: 'gauge',
    unit: 'seconds',
  },
];

t.test('resource, scope, one metric a name, gauges and cumulative monotonic sums', async (t) => {
  const got = decodeOtlp(await encodeOtlpRequest(series, opts));
  t.same(got.resource, { 'service.name': 'ci', ci_platform: 'keptn' });
  t.same(got.scope, { name: 'jes-metrics-pipe', version: '1.2.3' });
  t.same(
    got.metrics.map((m) => [m.name, m.kind, m.unit, m.temporality, m.monotonic, m.points.length]),
    [
      ['keptn_k6_dur', 'gauge', 's', undefined, undefined, 1],
      ['keptn_k6_reqs_total', 'sum', '{request}', 'AGGREGATION_TEMPORALITY_CUMULATIVE', true, 1],
      ['keptn_k6_rps', 'gauge', '', undefined, undefined, 2],
    ],
  );
  const [dur, reqs, rps] = got.metrics;
  // A context label with the resource's value is left out of the point; another value stays.
  t.same(dur!.points[0]!.attributes, { ci_platform: 'other', e: '', q: 'a"b\\c\nd', u: 'ünï ✓' });
  t.ok(Number.isNaN(dur!.points[0]!.value));
  t.equal(reqs!.points[0]!.value, 1e21);
  t.same(reqs!.points[0]!.attributes, {});
  t.same(
    rps!.points.map((p) => [p.attributes.scenario, p.value]),
    [
      ['b', 12.5],
      ['a', -0.25],
    ],
  );
  t.equal(rps!.points[0]!.timeNanos, '1767225600123000000', 'time_unix_nano exact');
  t.equal(rps!.points[0]!.startNanos, undefined, 'gauges have no start time');
  t.equal(reqs!.points[0]!.startNanos, '1767225590001000000');
});

t.test('temporality delta makes counters delta sums', async (t) => {
  const got = decodeOtlp(await encodeOtlpRequest(series, { ...opts, temporality: 'delta' }));
  t.equal(got.metrics.find((m) => m.kind === 'sum')!.temporality, 'AGGREGATION_TEMPORALITY_DELTA');
});

t.test('values the wire must keep exactly', async (t) => {
  for (const value of [0, -0, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, 5e-324, 2 ** 53 + 2, 0.1]) {
    const got = decodeOtlp(await encodeOtlpRequest([{ name: 'v', labels: {}, value, type: 'gauge' }], opts));
    t.ok(Object.is(got.metrics[0]!.points[0]!.value, value), String(value));
  }
});

t.test("units: the extraction's Prometheus words become UCUM", async (t) => {
  const units = ['seconds', 'bytes', 'ratio', '{request}'];
  const got = await encodeOtlpRequest(
    units.map((unit, i) => ({ name: `m${i}`, labels: {}, value: 1, type: 'gauge', unit })),
    opts,
  );
  t.same(
    decodeOtlp(got).metrics.map((m) => m.unit),
    ['s', 'By', '1', '{request}'],
  );
});

t.test('no series: a request with no metrics', async (t) => {
  t.same(decodeOtlp(await encodeOtlpRequest([], opts)).metrics, []);
});

t.test('the dry-run text is deterministic and says what is sent', async (t) => {
  t.equal(
    describeOtlpRequest(series, opts),
    [
      'resource {service.name="ci", ci_platform="keptn"}',
      'scope jes-metrics-pipe 1.2.3',
      'metric keptn_k6_dur gauge unit="s"',
      '  {ci_platform="other", e="", q="a\\"b\\\\c\\nd", u="ünï ✓"} NaN',
      'metric keptn_k6_reqs_total sum cumulative monotonic unit="{request}"',
      '  {} 1e+21',
      'metric keptn_k6_rps gauge',
      '  {scenario="b"} 12.5',
      '  {scenario="a"} -0.25',
      '',
    ].join('\n'),
  );
});

t.test('partial success and error status answers', async (t) => {
  t.same(await decodeOtlpResponse(encodeOtlpResponse(3, 'bad unit')), {
    rejectedDataPoints: 3,
    errorMessage: 'bad unit',
  });
  t.same(await decodeOtlpResponse(encodeOtlpResponse(0, 'just a warning')), {
    rejectedDataPoints: 0,
    errorMessage: 'just a warning',
  });
  t.equal(await decodeOtlpResponse(new Uint8Array()), undefined, 'an empty body: all accepted');
  t.equal(await decodeOtlpResponse(Buffer.from('<html>bad gateway</html>')), undefined, 'not protobuf');
  // google.rpc.Status { code = 3; message = "no" }
  t.same(await decodeRpcStatus(Uint8Array.from([0x08, 0x03, 0x12, 0x02, 0x6e, 0x6f])), { code: 3, message: 'no' });
});
