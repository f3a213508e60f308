// Series → an OTLP ExportMetricsServiceRequest in protobuf (opentelemetry-proto v1,
// opentelemetry/proto/collector/metrics/v1/metrics_service.proto and metrics/v1/metrics.proto):
// one ResourceMetrics (the run's context as resource attributes), one ScopeMetrics, a Metric per
// name; gauges as Gauge, counters as a monotonic Sum with the temporality asked for. Also the
// readable form --dry-run prints and the reader of the partial-success answer. Pure: the clock
// comes in as arguments. Written with protobufjs's Writer, the messages declared by hand below
// (field numbers from the official .proto files).

import type { Writer as ProtoWriter } from 'protobufjs/minimal.js';
import { compareText, formatNumber, ucumUnit, type UnitSeries } from '../encoding/number-text.js';
import { loadProtobuf } from '../encoding/protobuf.js';

/** AggregationTemporality in metrics.proto. */
export type Temporality = 'cumulative' | 'delta';
const TEMPORALITY_CODE: Record<Temporality, number> = { delta: 1, cumulative: 2 };

export interface OtlpEncodeOptions {
  /** Resource attributes, in the order given (service.name, OTEL_RESOURCE_ATTRIBUTES, context labels). */
  resource: ReadonlyArray<readonly [string, string]>;
  /** InstrumentationScope name and version. */
  scope: { name: string; version: string };
  /** For every counter (Sum). */
  temporality: Temporality;
  /** Label names with these values are on the resource already: left out of the data points. */
  context?: Readonly<Record<string, string>>;
  /** Epoch ms the values were collected: every data point's time_unix_nano. */
  timeMs: number;
  /** Epoch ms the collection started (the run's start): start_time_unix_nano of sums. */
  startMs: number;
}

export interface OtlpMetric {
  name: string;
  kind: 'gauge' | 'sum';
  unit: string;
  points: Array<{ attributes: Array<readonly [string, string]>; value: number }>;
}

/** The request's content, in the order it is encoded: the same for the bytes and the dry run. */
export function otlpMetrics(
  series: readonly UnitSeries[],
  context: Readonly<Record<string, string>> = {},
): OtlpMetric[] {
  const byName = new Map<string, OtlpMetric>();
  for (const s of [...series].sort((a, b) => compareText(a.name, b.name))) {
    // A name seen as a counter and as a gauge (two inputs disagreeing) stays one metric: the
    // first type wins, as one OTLP metric has one data type.
    let metric = byName.get(s.name);
    if (!metric) {
      metric = { name: s.name, kind: s.type === 'counter' ? 'sum' : 'gauge', unit: ucumUnit(s.unit), points: [] };
      byName.set(s.name, metric);
    }
    const attributes = Object.keys(s.labels)
      .filter((k) => context[k] !== s.labels[k])
      .sort(compareText)
      .map((k) => [k, s.labels[k]!] as const);
    metric.points.push({ attributes, value: s.value });
  }
  return [...byName.values()];
}

/** The protobuf bytes of one ExportMetricsServiceRequest. */
export async function encodeOtlpRequest(series: readonly UnitSeries[], opts: OtlpEncodeOptions): Promise<Uint8Array> {
  const { Writer } = await loadProtobuf();
  const metrics = otlpMetrics(series, opts.context);
  const time = nanos(opts.timeMs);
  const start = nanos(opts.startMs);
  const w = Writer.create();
  // ExportMetricsServiceRequest.resource_metrics = 1
  w.uint32(tag(1, LEN)).fork();
  {
    // ResourceMetrics.resource = 1 → Resource.attributes = 1
    w.uint32(tag(1, LEN)).fork();
    for (const [k, v] of opts.resource) keyValue(w, 1, k, v);
    w.ldelim();
    // ResourceMetrics.scope_metrics = 2
    w.uint32(tag(2, LEN)).fork();
    {
      // ScopeMetrics.scope = 1 → InstrumentationScope name = 1, version = 2
      w.uint32(tag(1, LEN))
        .fork()
        .uint32(tag(1, LEN))
        .string(opts.scope.name)
        .uint32(tag(2, LEN))
        .string(opts.scope.version)
        .ldelim();
      // ScopeMetrics.metrics = 2
      for (const m of metrics) {
        w.uint32(tag(2, LEN)).fork();
        w.uint32(tag(1, LEN)).string(m.name);
        if (m.unit !== '') w.uint32(tag(3, LEN)).string(m.unit);
        // Metric.gauge = 5 or Metric.sum = 7
        w.uint32(tag(m.kind === 'gauge' ? 5 : 7, LEN)).fork();
        for (const p of m.points) {
          // Gauge/Sum.data_points = 1: NumberDataPoint
          w.uint32(tag(1, LEN)).fork();
          if (m.kind === 'sum') fixed64(w, 2, start);
          fixed64(w, 3, time);
          w.uint32(tag(4, I64)).double(p.value);
          for (const [k, v] of p.attributes) keyValue(w, 7, k, v);
          w.ldelim();
        }
        if (m.kind === 'sum') {
          w.uint32(tag(2, VARINT)).uint32(TEMPORALITY_CODE[opts.temporality]);
          w.uint32(tag(3, VARINT)).bool(true);
        }
        w.ldelim();
        w.ldelim();
      }
    }
    w.ldelim();
  }
  w.ldelim();
  return w.finish();
}

/** The dry run's text: what the request holds, without its timestamps (so it is deterministic). */
export function describeOtlpRequest(
  series: readonly UnitSeries[],
  opts: Pick<OtlpEncodeOptions, 'resource' | 'scope' | 'temporality' | 'context'>,
): string {
  const metrics = otlpMetrics(series, opts.context);
  const lines = [`resource ${attributeText(opts.resource)}`, `scope ${opts.scope.name} ${opts.scope.version}`];
  for (const m of metrics) {
    const type = m.kind === 'gauge' ? 'gauge' : `sum ${opts.temporality} monotonic`;
    lines.push(`metric ${m.name} ${type}${m.unit !== '' ? ` unit=${JSON.stringify(m.unit)}` : ''}`);
    for (const p of m.points) lines.push(`  ${attributeText(p.attributes)} ${formatNumber(p.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function attributeText(pairs: ReadonlyArray<readonly [string, string]>): string {
  return `{${pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}}`;
}

export interface PartialSuccess {
  rejectedDataPoints: number;
  errorMessage: string;
}

/**
 * An ExportMetricsServiceResponse: its partial_success (1) with rejected_data_points (1) and
 * error_message (2). Undefined when the body has none or is not protobuf (a proxy's HTML page).
 */
export async function decodeOtlpResponse(body: Uint8Array): Promise<PartialSuccess | undefined> {
  const { Reader } = await loadProtobuf();
  try {
    const r = Reader.create(body);
    let found: PartialSuccess | undefined;
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t >>> 3 === 1 && (t & 7) === LEN) {
        const end = r.uint32() + r.pos;
        found = { rejectedDataPoints: 0, errorMessage: '' };
        while (r.pos < end) {
          const u = r.uint32();
          if (u >>> 3 === 1 && (u & 7) === VARINT) found.rejectedDataPoints = longToNumber(r.int64());
          else if (u >>> 3 === 2 && (u & 7) === LEN) found.errorMessage = r.string();
          else r.skipType(u & 7);
        }
      } else r.skipType(t & 7);
    }
    return found;
  } catch {
    return undefined;
  }
}

/** protobufjs gives int64 as a Long when the `long` package is there, as a number otherwise. */
function longToNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  const long = v as { low: number; high: number };
  return long.high * 2 ** 32 + (long.low >>> 0);
}

const VARINT = 0;
const I64 = 1;
const LEN = 2;

function tag(field: number, wire: number): number {
  return ((field << 3) | wire) >>> 0;
}

/** Epoch ms → nanoseconds, exact (a double cannot hold them). */
function nanos(ms: number): bigint {
  return BigInt(Math.round(ms)) * 1_000_000n;
}

/** A fixed64 field, written as its two little-endian 32-bit halves. */
function fixed64(w: ProtoWriter, field: number, value: bigint): void {
  w.uint32(tag(field, I64))
    .fixed32(Number(value & 0xffffffffn))
    .fixed32(Number(value >> 32n));
}

/** KeyValue { key = 1; AnyValue value = 2 { string_value = 1 } } as field `field`. */
function keyValue(w: ProtoWriter, field: number, key: string, value: string): void {
  w.uint32(tag(field, LEN)).fork();
  w.uint32(tag(1, LEN)).string(key);
  w.uint32(tag(2, LEN)).fork().uint32(tag(1, LEN)).string(value).ldelim();
  w.ldelim();
}
