// Delta temporality with --flush-interval: the pushes' counter values add up to the tool's
// total, and each push's interval starts where the last one ended (what a delta-only receiver
// such as Dynatrace's OTLP ingest needs so as not to count twice).

import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { liveCli } from '../support/cli-reliability.js';
import { startFaultServer } from '../support/fault-server.js';
import { decodeOtlp } from '../support/proto-decode.js';

t.test('periodic pushes send increases since the last accepted push', async (t) => {
  const server = await startFaultServer([], { status: 200 });
  t.teardown(() => server.close());
  const cli = liveCli(['--integration', 'dl', '--flush-interval', '200ms', '--otlp', `${server.url}/v1/metrics`], {
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta',
  });
  t.teardown(cli.kill);
  cli.write('# TYPE reqs_total counter\nreqs_total 10\nrps=3\n');
  // Bounded: a periodic push within 20 s, however busy the machine.
  for (let i = 0; i < 200 && server.requests.length === 0; i++) await sleep(100);
  t.ok(server.requests.length > 0, 'a periodic push arrived');
  cli.end('reqs_total 25\nrps=4\n');
  const r = await cli.done;
  t.equal(r.status, 0, r.stderr);
  const pushes = server.requests.map((q) => decodeOtlp(gunzipSync(q.raw)));
  const counts = pushes.map((p) => p.metrics.find((m) => m.name === 'keptn_dl_reqs_total')!.points[0]!);
  t.equal(
    counts.reduce((sum, p) => sum + p.value, 0),
    25,
    `the deltas add up to the total: ${counts.map((p) => p.value).join(' + ')}`,
  );
  for (const p of pushes.flatMap((x) => x.metrics))
    if (p.kind === 'sum') t.equal(p.temporality, 'AGGREGATION_TEMPORALITY_DELTA');
  for (let i = 1; i < counts.length; i++)
    t.equal(counts[i]!.startNanos, counts[i - 1]!.timeNanos, `push ${i + 1} starts where push ${i} ended`);
  t.equal(
    pushes.at(-1)!.metrics.find((m) => m.name === 'keptn_dl_rps')!.points[0]!.value,
    4,
    'gauges are sent as they are',
  );
});
