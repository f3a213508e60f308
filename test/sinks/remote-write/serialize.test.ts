// The remote-write encoder, read back with the official prompb definitions (test/support/proto-decode.ts).

import t from 'tap';
import { compress } from 'snappyjs';
import {
  describeWriteRequest,
  encodeWriteRequest,
  remoteWriteContent,
} from '../../../lib/sinks/remote-write/serialize.js';
import type { UnitSeries } from '../../../lib/sinks/encoding/number-text.js';
import { decodeRemoteWrite } from '../../support/proto-decode.js';

const series: UnitSeries[] = [
  { name: 'keptn_k6_rps', labels: { scenario: 'b', ci_platform: 'keptn' }, value: 12.5, type: 'gauge' },
  {
    name: 'keptn_k6_reqs_total',
    labels: { 'http.method': 'GET', empty: '' },
    value: 7,
    type: 'counter',
    unit: 'requests',
  },
  { name: 'keptn_k6_rps', labels: { scenario: 'a"\\\nü', ci_platform: 'keptn' }, value: -Infinity, type: 'gauge' },
];

t.test('labels sorted with __name__, one sample at the collection time, metadata per family', async (t) => {
  const content = remoteWriteContent(series);
  const got = decodeRemoteWrite(compress(await encodeWriteRequest(content, 1767225600123)));
  t.same(got.series, [
    {
      labels: [
        ['__name__', 'keptn_k6_reqs_total'],
        ['http_method', 'GET'],
      ],
      samples: [{ value: 7, timestamp: '1767225600123' }],
    },
    {
      labels: [
        ['__name__', 'keptn_k6_rps'],
        ['ci_platform', 'keptn'],
        ['scenario', 'a"\\\nü'],
      ],
      samples: [{ value: -Infinity, timestamp: '1767225600123' }],
    },
    {
      labels: [
        ['__name__', 'keptn_k6_rps'],
        ['ci_platform', 'keptn'],
        ['scenario', 'b'],
      ],
      samples: [{ value: 12.5, timestamp: '1767225600123' }],
    },
  ]);
  t.same(got.metadata, [
    { type: 'COUNTER', metric_family_name: 'keptn_k6_reqs_total', unit: 'requests' },
    { type: 'GAUGE', metric_family_name: 'keptn_k6_rps' },
  ]);
  t.same(content.notes, ['label "http.method" sent as http_method']);
});

t.test('label names made valid; a clash after renaming keeps the first; duplicate series sent once', async (t) => {
  const content = remoteWriteContent([
    { name: 'm', labels: { 'a.b': '1', a_b: '2', __x: '3', '9z': '4' }, value: 1, type: 'gauge' },
    { name: 'm', labels: { 'a-b': '1', a_b: '2', __x: '3', '9z': '4' }, value: 2, type: 'gauge' },
  ]);
  // Sorted byte-wise, as Prometheus wants them: `_9` sorts before `__name__`.
  t.same(content.series, [
    {
      labels: [
        ['_9z', '4'],
        ['__name__', 'm'],
        ['_x', '3'],
        ['a_b', '1'],
      ],
      value: 2,
    },
  ]);
  t.equal(content.notes.length, 6, content.notes.join('\n'));
});

t.test('exact values', async (t) => {
  for (const value of [NaN, 0, -0, Infinity, Number.MAX_VALUE, 5e-324, 0.1, 1e21]) {
    const got = decodeRemoteWrite(
      compress(await encodeWriteRequest(remoteWriteContent([{ name: 'v', labels: {}, value, type: 'gauge' }]), 0)),
    );
    t.ok(Object.is(got.series[0]!.samples[0]!.value, value), String(value));
  }
});

t.test('dry-run text', async (t) => {
  t.equal(
    describeWriteRequest(remoteWriteContent(series)),
    [
      '# TYPE keptn_k6_reqs_total counter unit="requests"',
      '# TYPE keptn_k6_rps gauge',
      '{__name__="keptn_k6_reqs_total", http_method="GET"} 7',
      '{__name__="keptn_k6_rps", ci_platform="keptn", scenario="a\\"\\\\\\nü"} -Inf',
      '{__name__="keptn_k6_rps", ci_platform="keptn", scenario="b"} 12.5',
      '',
    ].join('\n'),
  );
});
