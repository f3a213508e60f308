// Series → Dynatrace Metrics API v2 line protocol, in batches within the API's limits.
// Pure: no I/O, no clock. The protocol: https://docs.dynatrace.com/docs/ingest-from/extend-dynatrace/extend-metrics/reference/metric-ingestion-protocol

import type { Series } from '../../store/series.js';
import {
  metricKeyProblem,
  normalizeDimensionKey,
  normalizeDimensionValue,
  normalizeMetricKey,
  utf8Length,
} from './naming.js';

export const MAX_LINE_CHARS = 50_000;
export const MAX_DIMENSIONS = 50;
export const MAX_BATCH_LINES = 1_000;
/** "1 MB": 10^6 or 2^20 is unverified, so the smaller. */
export const MAX_BATCH_BYTES = 1_000_000;

/**
 * Added to every line, after the series' own labels (so it wins), as Telegraf, the OTel
 * exporter and Micrometer do: lets a Dynatrace user find what this tool sent.
 */
export const DEFAULT_STATIC_DIMENSIONS: Readonly<Record<string, string>> = { 'dt.metrics.source': 'jes-metrics-pipe' };

export interface DtLine {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** A metadata line (`#<key> gauge dt.meta.unit=…`), not a data point. */
  metadata?: true;
}

/** dt.meta.unit for a series' base unit (the protocol's metadata lines; units as the Dynatrace unit list names them). */
const DT_UNIT: Readonly<Record<NonNullable<Series['unit']>, string>> = {
  seconds: 'Second',
  bytes: 'Byte',
  ratio: 'Ratio',
};

/** `#<key> gauge dt.meta.unit=<Unit>`: the metric's unit, sent once per key in a request. */
export function dtMetadataLine(key: string, unit: NonNullable<Series['unit']>): string {
  return `#${key} gauge dt.meta.unit=${DT_UNIT[unit]}`;
}

export interface DtBatch {
  /** Lines joined with `\n`, no trailing newline. */
  body: string;
  /** One entry per line of `body`, in order: invalidLines[].line (1-based) maps to lines[line - 1]. */
  lines: DtLine[];
}

export interface DtDropped {
  name: string;
  /** The same text for the same kind of problem, so drops can be grouped. */
  reason: string;
}

/** A name that had to change to be valid for Dynatrace (reported once by the backend). */
export interface DtRenamed {
  /** 'dimension key clash': `from` and `also` both become `to`; `also`'s value is sent. */
  kind: 'metric key' | 'dimension key' | 'dimension key clash';
  from: string;
  /** null: nothing valid was left, the dimension is left out. */
  to: string | null;
  also?: string;
}

export interface DtBatches {
  batches: DtBatch[];
  dropped: DtDropped[];
  renamed: DtRenamed[];
}

export interface DtSerializeOptions {
  /** Dimensions added to every line, winning over the series' labels. Default DEFAULT_STATIC_DIMENSIONS. */
  staticDimensions?: Readonly<Record<string, string>>;
  /** Limits, smaller in tests. */
  maxBatchLines?: number;
  maxBatchBytes?: number;
}

/**
 * A number in the notation the API accepts: shortest round-trip decimal, `-0` as `0`, and a
 * decimal point before any exponent (`1e+21` → `1.0e+21`; GO: "the API spec requires a
 * decimal point for scientific notation"). Null for NaN and ±Infinity, which the API refuses.
 */
export function formatDtNumber(v: number): string | null {
  if (!Number.isFinite(v)) return null;
  if (v === 0) return '0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e !== -1 && !s.slice(0, e).includes('.')) return `${s.slice(0, e)}.0${s.slice(e)}`;
  return s;
}

/** One series as one line, or why it cannot be sent. `renamed` collects name changes. */
export function serializeDtLine(
  series: Series,
  staticDimensions: Readonly<Record<string, string>>,
  renamed?: (r: DtRenamed) => void,
): { line: string } | { reason: string } {
  const value = formatDtNumber(series.value);
  if (value === null) return { reason: 'value is NaN or infinite (Dynatrace accepts only finite numbers)' };

  const key = normalizeMetricKey(series.name);
  if (key === null) return { reason: 'metric name cannot be made a valid Dynatrace key' };
  const keyProblem = metricKeyProblem(key);
  if (keyProblem !== null) return { reason: keyProblem };
  if (key !== series.name) renamed?.({ kind: 'metric key', from: series.name, to: key });

  // Sorted input keys make "last wins" on a normalized-key clash independent of input order.
  const dims = new Map<string, string>();
  // normalized key → the input label that gave it: two labels that end up the same (`Region`,
  // `region`) are reported, as two metric names that end up the same are.
  const dimFrom = new Map<string, string>();
  const addAll = (labels: Readonly<Record<string, string>>, own: boolean): void => {
    for (const name of Object.keys(labels).sort()) {
      const raw = labels[name] ?? '';
      // An empty value is an absent label (as in Prometheus); the API's handling is unverified.
      if (raw === '') continue;
      const dk = normalizeDimensionKey(name);
      if (dk !== name) renamed?.({ kind: 'dimension key', from: name, to: dk });
      if (dk === null) continue;
      const dv = normalizeDimensionValue(raw);
      if (dv === '') continue;
      if (own) {
        const earlier = dimFrom.get(dk);
        if (earlier !== undefined && earlier !== name)
          renamed?.({ kind: 'dimension key clash', from: earlier, also: name, to: dk });
        dimFrom.set(dk, name);
      }
      dims.set(dk, dv);
    }
  };
  addAll(series.labels, true);
  addAll(staticDimensions, false);
  if (dims.size > MAX_DIMENSIONS) return { reason: `more than ${MAX_DIMENSIONS} dimensions` };

  let line = key;
  for (const [k, v] of dims) line += `,${k}=${v}`;
  // Every type goes as a gauge: a cumulative counter's value is not a delta.
  line += ` gauge,${value}`;
  if (line.length > MAX_LINE_CHARS) return { reason: `line longer than ${MAX_LINE_CHARS} characters` };
  return { line };
}

/**
 * Serializes the series in the given order and cuts them into requests of at most
 * 1,000 lines and 1,000,000 bytes. Series that cannot be sent are listed in `dropped`.
 */
export function buildDynatraceBatches(series: readonly Series[], opts: DtSerializeOptions = {}): DtBatches {
  const staticDimensions = opts.staticDimensions ?? DEFAULT_STATIC_DIMENSIONS;
  const maxLines = opts.maxBatchLines ?? MAX_BATCH_LINES;
  const maxBytes = opts.maxBatchBytes ?? MAX_BATCH_BYTES;
  const batches: DtBatch[] = [];
  const dropped: DtDropped[] = [];
  const renamed: DtRenamed[] = [];
  const seenRenames = new Set<string>();
  const onRename = (r: DtRenamed): void => {
    const id = `${r.kind}\u0000${r.from}\u0000${r.also ?? ''}`;
    if (seenRenames.has(id)) return;
    seenRenames.add(id);
    renamed.push(r);
  };

  let texts: string[] = [];
  let lines: DtLine[] = [];
  let bytes = 0;
  /** Keys whose metadata line is in the current batch already. */
  let described = new Set<string>();
  const close = (): void => {
    if (lines.length === 0) return;
    batches.push({ body: texts.join('\n'), lines });
    texts = [];
    lines = [];
    bytes = 0;
    described = new Set();
  };

  for (const s of series) {
    const out = serializeDtLine(s, staticDimensions, onRename);
    if ('reason' in out) {
      dropped.push({ name: s.name, reason: out.reason });
      continue;
    }
    const key = out.line.slice(0, out.line.search(/[, ]/));
    const meta = s.unit !== undefined ? dtMetadataLine(key, s.unit) : undefined;
    const size = utf8Length(out.line);
    // A new key's metadata line goes with its first data line; +1 for each joining `\n`.
    const extra = meta !== undefined && !described.has(key) ? utf8Length(meta) + 1 : 0;
    const count = extra > 0 ? 2 : 1;
    if (lines.length > 0 && (lines.length + count > maxLines || bytes + size + extra + 1 > maxBytes)) close();
    if (meta !== undefined && !described.has(key)) {
      described.add(key);
      bytes += utf8Length(meta) + (lines.length === 0 ? 0 : 1);
      texts.push(meta);
      lines.push({ name: s.name, labels: {}, metadata: true });
    }
    bytes += lines.length === 0 ? size : size + 1;
    texts.push(out.line);
    lines.push({ name: s.name, labels: s.labels });
  }
  close();
  return { batches, dropped, renamed };
}
