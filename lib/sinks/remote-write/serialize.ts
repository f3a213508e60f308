// Series → a Prometheus remote write 1.0 WriteRequest (prometheus/prompb/remote.proto and
// types.proto; https://prometheus.io/docs/specs/prw/remote_write_spec/): a TimeSeries per series
// with its labels sorted by name, `__name__` among them, one sample at the collection time; a
// MetricMetadata per family with its type. The body is this, snappy-compressed in the block
// format (snappyjs). Pure apart from the clock passed in. Written with protobufjs's Writer, the
// messages declared by hand below (field numbers from the official .proto files).

import { normalizeLabelName, normalizeMetricName } from '../../store/prometheus-names.js';
import { compareText, formatNumber, type UnitSeries } from '../encoding/number-text.js';
import { loadProtobuf } from '../encoding/protobuf.js';

export interface RemoteWriteSeries {
  /** Sorted by name, byte-wise (`__name__` among them), as the spec wants. */
  labels: Array<readonly [string, string]>;
  value: number;
}

export interface RemoteWriteFamily {
  name: string;
  type: 'counter' | 'gauge';
  unit: string;
}

export interface RemoteWriteContent {
  series: RemoteWriteSeries[];
  families: RemoteWriteFamily[];
  /** Renamed or left-out labels and series, once each, for the report. */
  notes: string[];
}

/** MetricMetadata.MetricType in types.proto. */
const METRIC_TYPE: Record<RemoteWriteFamily['type'], number> = { counter: 1, gauge: 2 };

/**
 * What the request holds, deterministic: series sorted by their label set. Label names get the
 * Prometheus rules (lib/store/prometheus-names.ts); an empty value is no label at all in Prometheus,
 * so it is left out; two series that end up with the same labels are sent once (the last wins).
 */
export function remoteWriteContent(input: readonly UnitSeries[]): RemoteWriteContent {
  const notes = new Set<string>();
  const byKey = new Map<string, RemoteWriteSeries>();
  const families = new Map<string, RemoteWriteFamily>();
  for (const s of input) {
    const name = normalizeMetricName(s.name);
    if (name === undefined) continue;
    if (name !== s.name) notes.add(`metric ${JSON.stringify(s.name)} sent as ${name}`);
    const labels = new Map<string, string>([['__name__', name]]);
    for (const key of Object.keys(s.labels).sort(compareText)) {
      const value = s.labels[key]!;
      const label = normalizeLabelName(key);
      if (label === undefined) continue;
      if (value === '') continue;
      if (label !== key) notes.add(`label ${JSON.stringify(key)} sent as ${label}`);
      if (labels.has(label)) {
        notes.add(`label ${JSON.stringify(key)} left out: ${label} is already set on ${name}`);
        continue;
      }
      labels.set(label, value);
    }
    const sorted = [...labels.entries()].sort(([a], [b]) => compareText(a, b));
    const key = sorted.map(([k, v]) => `${k}\u0000${v}`).join('\u0001');
    if (byKey.has(key)) notes.add(`${name}: two series with the same labels after renaming; the last one is sent`);
    byKey.set(key, { labels: sorted, value: s.value });
    if (!families.has(name))
      families.set(name, { name, type: s.type === 'counter' ? 'counter' : 'gauge', unit: s.unit ?? '' });
  }
  const series = [...byKey.entries()].sort(([a], [b]) => compareText(a, b)).map(([, s]) => s);
  return { series, families: [...families.values()].sort((a, b) => compareText(a.name, b.name)), notes: [...notes] };
}

/** The uncompressed WriteRequest: every sample at `timeMs` (epoch ms, the collection time). */
export async function encodeWriteRequest(content: RemoteWriteContent, timeMs: number): Promise<Uint8Array> {
  const { Writer } = await loadProtobuf();
  const w = Writer.create();
  const ts = Math.round(timeMs);
  for (const s of content.series) {
    // WriteRequest.timeseries = 1
    w.uint32(tag(1, LEN)).fork();
    // TimeSeries.labels = 1: Label { name = 1; value = 2 }
    for (const [k, v] of s.labels)
      w.uint32(tag(1, LEN)).fork().uint32(tag(1, LEN)).string(k).uint32(tag(2, LEN)).string(v).ldelim();
    // TimeSeries.samples = 2: Sample { double value = 1; int64 timestamp = 2 }
    w.uint32(tag(2, LEN)).fork().uint32(tag(1, I64)).double(s.value).uint32(tag(2, VARINT)).int64(ts).ldelim();
    w.ldelim();
  }
  for (const f of content.families) {
    // WriteRequest.metadata = 3: MetricMetadata { type = 1; metric_family_name = 2; unit = 5 }
    w.uint32(tag(3, LEN)).fork().uint32(tag(1, VARINT)).uint32(METRIC_TYPE[f.type]).uint32(tag(2, LEN)).string(f.name);
    if (f.unit !== '') w.uint32(tag(5, LEN)).string(f.unit);
    w.ldelim();
  }
  return w.finish();
}

/** The dry run's text: a series a line, as PromQL would show it, without the timestamp. */
export function describeWriteRequest(content: RemoteWriteContent): string {
  let out = '';
  for (const f of content.families)
    out += `# TYPE ${f.name} ${f.type}${f.unit !== '' ? ` unit=${JSON.stringify(f.unit)}` : ''}\n`;
  for (const s of content.series)
    out += `{${s.labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}} ${formatNumber(s.value)}\n`;
  return out;
}

const VARINT = 0;
const I64 = 1;
const LEN = 2;

function tag(field: number, wire: number): number {
  return ((field << 3) | wire) >>> 0;
}
