// Decodes what the encoders write with the official message definitions, parsed by protobufjs's
// full build (not the hand-declared writers under test): the fields below are copied from
// opentelemetry-proto v1.5 (collector/metrics/v1/metrics_service.proto, metrics/v1/metrics.proto,
// common/v1/common.proto, resource/v1/resource.proto) and prometheus/prompb (remote.proto,
// types.proto), with the messages the encoders do not use left out.

import protobuf from 'protobufjs';
import { gunzipSync } from 'node:zlib';
import { uncompress } from 'snappyjs';

const OTLP_PROTO = `
syntax = "proto3";
package otlp;
message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }
message ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2; }
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; bytes bytes_value = 7; } }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; string schema_url = 3; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; string schema_url = 3; }
message Metric {
  string name = 1; string description = 2; string unit = 3;
  oneof data { Gauge gauge = 5; Sum sum = 7; }
  repeated KeyValue metadata = 12;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; AggregationTemporality aggregation_temporality = 2; bool is_monotonic = 3; }
enum AggregationTemporality { AGGREGATION_TEMPORALITY_UNSPECIFIED = 0; AGGREGATION_TEMPORALITY_DELTA = 1; AGGREGATION_TEMPORALITY_CUMULATIVE = 2; }
message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value { double as_double = 4; sfixed64 as_int = 6; }
  uint32 flags = 8;
}
`;

const PROMPB_PROTO = `
syntax = "proto3";
package prometheus;
message WriteRequest { repeated TimeSeries timeseries = 1; reserved 2; repeated MetricMetadata metadata = 3; }
message MetricMetadata {
  enum MetricType { UNKNOWN = 0; COUNTER = 1; GAUGE = 2; HISTOGRAM = 3; GAUGEHISTOGRAM = 4; SUMMARY = 5; INFO = 6; STATESET = 7; }
  MetricType type = 1; string metric_family_name = 2; string help = 4; string unit = 5;
}
message Sample { double value = 1; int64 timestamp = 2; }
message TimeSeries { repeated Label labels = 1; repeated Sample samples = 2; }
message Label { string name = 1; string value = 2; }
`;

const otlp = protobuf.parse(OTLP_PROTO, { keepCase: true }).root;
const prompb = protobuf.parse(PROMPB_PROTO, { keepCase: true }).root;
const CONVERT = { longs: String, enums: String, defaults: false, arrays: true, oneofs: false } as const;

export interface DecodedPoint {
  attributes: Record<string, string>;
  value: number;
  startNanos?: string;
  timeNanos: string;
}

export interface DecodedMetric {
  name: string;
  unit: string;
  kind: 'gauge' | 'sum';
  temporality?: string;
  monotonic?: boolean;
  points: DecodedPoint[];
}

export interface DecodedOtlp {
  resource: Record<string, string>;
  scope: { name: string; version: string };
  metrics: DecodedMetric[];
}

type KV = { key: string; value?: { string_value?: string } };
const attrs = (list: KV[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, kv.value?.string_value ?? '']));

/** An ExportMetricsServiceRequest body (gzip undone when `gzip`), flattened for assertions. */
export function decodeOtlp(body: Uint8Array, gzip = false): DecodedOtlp {
  const bytes = gzip ? gunzipSync(body) : body;
  const Req = otlp.lookupType('otlp.ExportMetricsServiceRequest');
  const msg = Req.toObject(Req.decode(bytes), CONVERT) as {
    resource_metrics: Array<{
      resource?: { attributes?: KV[] };
      scope_metrics: Array<{ scope?: { name?: string; version?: string }; metrics: Array<Record<string, unknown>> }>;
    }>;
  };
  if (msg.resource_metrics.length !== 1) throw new Error(`${msg.resource_metrics.length} ResourceMetrics`);
  const rm = msg.resource_metrics[0]!;
  const sm = rm.scope_metrics[0]!;
  const metrics = sm.metrics.map((m): DecodedMetric => {
    const data = (m.gauge ?? m.sum) as {
      data_points: Array<Record<string, unknown>>;
      aggregation_temporality?: string;
      is_monotonic?: boolean;
    };
    const points = data.data_points.map((p): DecodedPoint => {
      const point: DecodedPoint = {
        attributes: attrs(p.attributes as KV[]),
        value: p.as_double as number,
        timeNanos: String(p.time_unix_nano),
      };
      if (p.start_time_unix_nano !== undefined) point.startNanos = String(p.start_time_unix_nano);
      return point;
    });
    const out: DecodedMetric = {
      name: m.name as string,
      unit: (m.unit as string | undefined) ?? '',
      kind: m.gauge ? 'gauge' : 'sum',
      points,
    };
    if (m.sum) {
      out.temporality = data.aggregation_temporality;
      out.monotonic = data.is_monotonic ?? false;
    }
    return out;
  });
  return {
    resource: attrs(rm.resource?.attributes),
    scope: { name: sm.scope?.name ?? '', version: sm.scope?.version ?? '' },
    metrics,
  };
}

/** An ExportMetricsServiceResponse, for a test receiver's partial-success answer. */
export function encodeOtlpResponse(rejected: number, message: string): Uint8Array {
  const Res = otlp.lookupType('otlp.ExportMetricsServiceResponse');
  return Res.encode(
    Res.fromObject({ partial_success: { rejected_data_points: rejected, error_message: message } }),
  ).finish();
}

export interface DecodedWrite {
  series: Array<{ labels: Array<[string, string]>; samples: Array<{ value: number; timestamp: string }> }>;
  metadata: Array<{ type: string; metric_family_name: string; unit?: string }>;
}

/** A remote-write body: snappy block format, then a WriteRequest. */
export function decodeRemoteWrite(body: Uint8Array): DecodedWrite {
  const Req = prompb.lookupType('prometheus.WriteRequest');
  const msg = Req.toObject(Req.decode(uncompress(new Uint8Array(body))), CONVERT) as {
    timeseries?: Array<{
      labels: Array<{ name: string; value?: string }>;
      samples: Array<{ value?: number; timestamp?: string }>;
    }>;
    metadata?: Array<{ type?: string; metric_family_name: string; unit?: string }>;
  };
  return {
    series: (msg.timeseries ?? []).map((ts) => ({
      labels: ts.labels.map((l) => [l.name, l.value ?? ''] as [string, string]),
      samples: ts.samples.map((s) => ({ value: s.value ?? 0, timestamp: s.timestamp ?? '0' })),
    })),
    metadata: (msg.metadata ?? []).map((m) => ({
      type: m.type ?? 'UNKNOWN',
      metric_family_name: m.metric_family_name,
      ...(m.unit ? { unit: m.unit } : {}),
    })),
  };
}
