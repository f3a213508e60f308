// The CLI's OTLP and remote-write outputs into real receivers, read back: VictoriaMetrics 1.112
// (OTLP at /opentelemetry/v1/metrics, remote write at /api/v1/write, read with /api/v1/export)
// and Prometheus 2.42 (--web.enable-remote-write-receiver, read with PromQL). Names, label values
// (unicode, quotes, backslashes, newlines, empty), values (NaN, ±Inf, large, tiny), a counter and
// gauges, and 10,000 series.

import t from 'tap';
import { runInProcess } from '../support/in-process.js';
import { useReceivers } from '../support/receivers.js';
import { victoriaMetricsMissing, type ExportedSeries } from '../support/victoriametrics.js';

const skip = victoriaMetricsMissing();

// Prometheus text: label values with a quote, a backslash, a newline (escaped as the format
// wants), unicode, an empty value; NaN, ±Inf, the largest and a tiny normal double, a counter.
const INPUT = [
  'starting',
  '# TYPE requests_total counter',
  'requests_total{route="/api/\\"q\\"",path="C:\\\\tmp"} 1234',
  'latency_seconds{stage="prüfung ✓",note="line1\\nline2",empty=""} 0.25',
  'nan_value NaN',
  'pos_inf +Inf',
  'neg_inf -Inf',
  // kv lines: a bare `name number` line is not taken as Prometheus text (too common in logs).
  'largest=1.7976931348623157e+308',
  'tiny=1e-300',
  'smallest_normal=2.2250738585072014e-308',
  'negative=-42.5',
  'done',
  '',
].join('\n');

interface Expected {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const EXPECTED = (integration: string): Expected[] => [
  { name: `keptn_${integration}_requests_total`, labels: { route: '/api/"q"', path: 'C:\\tmp' }, value: 1234 },
  // Prometheus and VictoriaMetrics treat an empty label value as no label.
  { name: `keptn_${integration}_latency_seconds`, labels: { stage: 'prüfung ✓', note: 'line1\nline2' }, value: 0.25 },
  { name: `keptn_${integration}_nan_value`, labels: {}, value: NaN },
  { name: `keptn_${integration}_pos_inf`, labels: {}, value: Infinity },
  { name: `keptn_${integration}_neg_inf`, labels: {}, value: -Infinity },
  { name: `keptn_${integration}_largest`, labels: {}, value: Number.MAX_VALUE },
  { name: `keptn_${integration}_tiny`, labels: {}, value: 1e-300 },
  { name: `keptn_${integration}_smallest_normal`, labels: {}, value: 2.2250738585072014e-308 },
  { name: `keptn_${integration}_negative`, labels: {}, value: -42.5 },
];

/**
 * VictoriaMetrics keeps about 15 significant digits (its values are decimal internally), and the
 * smallest normal double (2.2e-308) becomes 0 in it; Prometheus keeps every value exactly.
 */
function closeTo(got: number, want: number): boolean {
  if (Number.isNaN(want) || !Number.isFinite(want)) return Object.is(got, want);
  if (want === 2.2250738585072014e-308) return got === 0 || got === want;
  return Math.abs(got - want) <= Math.abs(want) * 1e-12;
}

/** A PromQL value: Go's shortest decimal, NaN, +Inf or -Inf. */
function promValue(text: string): number {
  return text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
}

function byName(rows: readonly ExportedSeries[]): Map<string, ExportedSeries> {
  return new Map(rows.map((r) => [r.metric.__name__!, r]));
}

const rx = useReceivers(t, !skip);

t.test('OTLP into VictoriaMetrics: names, labels, values, the resource as labels', { skip }, async (t) => {
  const r = await runInProcess(['--integration', 'otlprt', '--otlp', `${rx.vm!.url}/opentelemetry/v1/metrics`], {
    input: INPUT,
    env: {
      OTEL_SERVICE_NAME: 'roundtrip',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=ci',
      KEPTN_PROJECT: 'sockshop',
    },
  });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString('utf8'), INPUT, 'passthrough byte for byte');
  t.match(r.stderr, /; otlp: 200, 9 series\n/);
  // VictoriaMetrics drops NaN samples at ingestion (they are Prometheus staleness markers to it).
  const want = EXPECTED('otlprt').filter((e) => !Number.isNaN(e.value));
  const rows = byName(await rx.vm!.waitForExport('{__name__=~"keptn_otlprt_.*"}', (rs) => rs.length >= want.length));
  t.equal(rows.size, want.length, [...rows.keys()].join(', '));
  for (const e of want) {
    const row = rows.get(e.name);
    if (!t.ok(row, `${e.name} is stored`)) continue;
    t.same(
      row!.metric,
      {
        __name__: e.name,
        ...e.labels,
        ci_platform: 'keptn',
        keptn_project: 'sockshop',
        'service.name': 'roundtrip',
        'deployment.environment': 'ci',
      },
      `${e.name}: labels, resource attributes among them`,
    );
    t.equal(row!.values.length, 1, `${e.name}: one sample`);
    t.ok(closeTo(row!.values[0]!, e.value), `${e.name}: ${row!.values[0]} ≈ ${e.value}`);
    t.ok(Math.abs(row!.timestamps[0]! - Date.now()) < 120_000, `${e.name}: stamped at collection time`);
  }
});

t.test('remote write into VictoriaMetrics and Prometheus at once', async (t) => {
  const args = ['--integration', 'rwrt', '--remote-write', `${rx.prom.url}/api/v1/write`];
  if (rx.vm) args.push('--remote-write', `${rx.vm.url}/api/v1/write`);
  const r = await runInProcess(args, { input: INPUT, env: { KEPTN_STAGE: 'dev' } });
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString('utf8'), INPUT);
  if (rx.vm) t.match(r.stderr, /; remote-write 1: 204, 9 series; remote-write 2: 204, 9 series\n/);
  else t.match(r.stderr, /; remote-write: 204, 9 series\n/);

  const want = EXPECTED('rwrt');
  const got = await rx.prom.waitFor('{__name__=~"keptn_rwrt_.*"}', (rs) => rs.length >= want.length);
  const promRows = new Map(got.map((s) => [s.metric.__name__!, s]));
  for (const e of want) {
    const s = promRows.get(e.name);
    if (!t.ok(s, `Prometheus has ${e.name}`)) continue;
    t.same(s!.metric, { __name__: e.name, ...e.labels, ci_platform: 'keptn', keptn_stage: 'dev' }, `${e.name}: labels`);
    // PromQL writes values with Go's strconv 'f', -1 … and NaN, +Inf, -Inf.
    t.ok(Object.is(promValue(s!.value), e.value), `${e.name}: ${s!.value} = ${e.value}`);
  }

  if (!rx.vm) return;
  const wantVm = want.filter((e) => !Number.isNaN(e.value));
  const rows = byName(await rx.vm.waitForExport('{__name__=~"keptn_rwrt_.*"}', (rs) => rs.length >= wantVm.length));
  for (const e of wantVm) {
    const row = rows.get(e.name);
    if (!t.ok(row, `VictoriaMetrics has ${e.name}`)) continue;
    t.same(
      row!.metric,
      { __name__: e.name, ...e.labels, ci_platform: 'keptn', keptn_stage: 'dev' },
      `${e.name}: labels`,
    );
    t.ok(closeTo(row!.values[0]!, e.value), `${e.name}: ${row!.values[0]} ≈ ${e.value}`);
  }
});

t.test('10,000 series through both outputs', async (t) => {
  const n = 10_000;
  let input = '';
  for (let i = 0; i < n; i++) input += `bulk{i="${i}"} ${i}\n`;
  const args = ['--integration', 'bulk', '--max-series', String(n), '--remote-write', `${rx.prom.url}/api/v1/write`];
  if (rx.vm)
    args.push('--otlp', `${rx.vm.url}/opentelemetry/v1/metrics`, '--remote-write', `${rx.vm.url}/api/v1/write`);
  const r = await runInProcess(args, { input });
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, new RegExp(`${n} series`));
  t.notMatch(r.stderr, /error/);
  const total = String((n * (n - 1)) / 2);
  await rx.prom.waitFor('count(keptn_bulk_bulk)', (rs) => rs[0]?.value === String(n));
  t.same(
    (await rx.prom.query('sum(keptn_bulk_bulk)')).map((s) => s.value),
    [total],
    'Prometheus: every value',
  );
  if (!rx.vm) return;
  const rows = await rx.vm.waitForExport('{__name__="keptn_bulk_bulk"}', (rs) => rs.length >= 2 * n);
  // The OTLP copy carries service.name; the remote-write one does not: two series per index.
  t.equal(rows.filter((r) => r.metric['service.name'] === 'jes-metrics-pipe').length, n, 'OTLP: every series');
  t.equal(rows.filter((r) => r.metric['service.name'] === undefined).length, n, 'remote write: every series');
  t.equal(
    rows.reduce((sum, r) => sum + r.values[0]!, 0),
    n * (n - 1),
    'VictoriaMetrics: every value, twice',
  );
});
