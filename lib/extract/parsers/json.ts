// JSON metric lines: `{"name":"cost","value":42.5,"labels":{"region":"eu"}}` or an array of them.
//
// The shape is strict on purpose, because most JSON lines in a log are log records
// (pino/bunyan: level, msg, time, name, …), not metrics:
// - "name": a non-empty string; "value": a JSON number, or a string holding a number,
//   "NaN", "+Inf" or "-Inf" (JSON cannot write those);
// - optional "labels" and/or "dimensions" (objects; "labels" wins on a clash); label values
//   that are strings, numbers or booleans are stringified, other values skip that label;
// - optional "type": gauge | counter | untyped (histogram/summary are stored as untyped);
// - optional harmless keys: unit, help, description, timestamp (ignored);
// - any other key: a log record → null.
// An array counts only when every element has that shape. An element with an unusable
// value is reported as a problem; the others are still samples.
// The raw text must contain `"value"` (so a key spelled with \u escapes is not seen):
// this keeps the parser in step with the byte-level pre-check.
// Duplicate keys: the last one wins (JSON.parse). Deep nesting never throws.

import { excerpt, parseNumber } from './number.js';
import { setLabel } from '../../store/labels.js';
import { byteSet, isBlankOrCr, skipBlanksOrCr } from './bytes.js';
import type { DefaultParser, LineGate, LineParser, ParseOutcome, Sample } from './sample.js';
import type { MetricType } from '../../store/series.js';

/** The keys a metric object may have; any other key makes it a log record. The gate checks the first key against these too. */
const METRIC_KEYS = [
  'name',
  'value',
  'labels',
  'dimensions',
  'type',
  'unit',
  'help',
  'description',
  'timestamp',
] as const;
const ALLOWED_KEYS: ReadonlySet<string> = new Set(METRIC_KEYS);
/** Where labels come from, in this order: "labels" is read last, so it wins on a clash. */
const LABEL_KEYS = ['dimensions', 'labels'] as const;

const TYPES: Readonly<Record<string, MetricType>> = {
  gauge: 'gauge',
  counter: 'counter',
  untyped: 'untyped',
  histogram: 'untyped',
  summary: 'untyped',
};

type Element = { sample: Sample } | { problem: string } | null;

export const parseJson: LineParser = (line) => {
  const first = firstNonBlank(line);
  if (first !== '{' && first !== '[') return null;
  if (!line.includes('"value"')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    // Not JSON, or too deep for the engine (RangeError): either way not a metric line.
    return null;
  }
  const elements = Array.isArray(parsed) ? parsed : [parsed];
  if (elements.length === 0) return null;
  const samples: Sample[] = [];
  const problems: string[] = [];
  // Indexed loops here and in readElement: few lines are metrics, so this mostly runs before V8
  // optimizes it, where for…of costs more than the work.
  for (let i = 0; i < elements.length; i++) {
    const element = readElement(elements[i]);
    if (element === null) return null;
    if ('sample' in element) samples.push(element.sample);
    else problems.push(element.problem);
  }
  const outcome: ParseOutcome = { samples };
  if (problems.length > 0) {
    outcome.problem =
      problems.length === 1 ? problems[0] : `${problems[0]} (and ${problems.length - 1} more in this line)`;
  }
  return outcome;
};

function firstNonBlank(line: string): string | undefined {
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c !== ' ' && c !== '\t' && c !== '\r') return c;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One metric object → a sample, a problem, or null when it is not metric-shaped. */
function readElement(item: unknown): Element {
  if (!isRecord(item)) return null;
  const keys = Object.keys(item);
  for (let i = 0; i < keys.length; i++) if (!ALLOWED_KEYS.has(keys[i] as string)) return null;
  const name = item['name'];
  if (typeof name !== 'string' || name === '' || !('value' in item)) return null;

  const value = readValue(item['value']);
  if (typeof value === 'string') return { problem: `${name}: ${value}` };

  let type: MetricType | undefined;
  if ('type' in item) {
    const declared = item['type'];
    type = typeof declared === 'string' ? TYPES[declared.toLowerCase()] : undefined;
    if (type === undefined)
      return { problem: `${name}: unknown type ${excerpt(String(declared))} (gauge, counter or untyped)` };
  }

  const labels: Record<string, string> = {};
  for (let k = 0; k < LABEL_KEYS.length; k++) {
    const key = LABEL_KEYS[k] as string;
    if (!(key in item)) continue;
    const given = item[key];
    if (!isRecord(given)) return { problem: `${name}: "${key}" must be an object` };
    const names = Object.keys(given);
    for (let i = 0; i < names.length; i++) {
      const labelName = names[i] as string;
      const labelValue = given[labelName];
      if (labelName === '') continue;
      if (typeof labelValue === 'string') setLabel(labels, labelName, labelValue);
      else if (typeof labelValue === 'number' || typeof labelValue === 'boolean')
        setLabel(labels, labelName, String(labelValue));
    }
  }
  const sample: Sample = { name, value, labels };
  if (type !== undefined) sample.type = type;
  return { sample };
}

/** A JSON value → a number, or the reason it is not one. */
function readValue(value: unknown): number | string {
  // JSON.parse turns an overflowing literal (1e400) into Infinity.
  if (typeof value === 'number') return Number.isFinite(value) ? value : 'value is out of range';
  if (typeof value === 'string') {
    const parsed = parseNumber(value.trim());
    if (parsed === 'out-of-range') return `value ${excerpt(value)} is out of range`;
    if (parsed !== undefined) return parsed;
    return `value ${excerpt(value)} is not a number`;
  }
  // Described, not stringified: a deeply nested value would overflow JSON.stringify.
  return `value ${kindOf(value)} is not a number`;
}

const VALUE_KEY = Buffer.from('"value"', 'latin1');
const METRIC_KEY_BYTES = METRIC_KEYS.map((k) => Buffer.from(k, 'latin1'));
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;

/**
 * A new gate: `{` or `[` first, a first key (of the first element, for `[`) that a metric object
 * may have (a log record's `{"level":…` or `{"ts":…` is turned away here), and the bytes
 * `"value"` in the line, as parseJson wants them. The `"value"` search is amortized per buffer:
 * one native indexOf finds the next occurrence, and every line before it is answered without
 * scanning. That relies on a buffer's bytes not changing while lines of it are checked (true of
 * stream chunks, whose lines are checked in order).
 */
export function jsonGate(): LineGate {
  let searched: Uint8Array | undefined;
  let view: Buffer = Buffer.alloc(0);
  let searchedFrom = 0;
  let next = -1;
  const hasValueKey = (buf: Uint8Array, from: number, end: number): boolean => {
    // `<=`: the same start again means a new line in a reused buffer more often than a repeat.
    if (buf !== searched || from <= searchedFrom || (next !== -1 && next < from)) {
      if (buf !== searched) {
        searched = buf;
        // A Buffer view of a plain Uint8Array, made once per buffer, not per line.
        view = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
      }
      searchedFrom = from;
      next = view.indexOf(VALUE_KEY, from);
    }
    return next !== -1 && next + VALUE_KEY.length <= end;
  };
  return (buf, start, end) => {
    const at = skipBlanksOrCr(buf, start, end);
    const first = buf[at];
    if (at >= end || (first !== OPEN_BRACE && first !== OPEN_BRACKET)) return false;
    return firstKeyMayBeMetric(buf, at, end) && hasValueKey(buf, at, end);
  };
}

export const jsonParser: DefaultParser = { parse: parseJson, gate: jsonGate, firstBytes: byteSet(null, '{[') };

/**
 * At `{` or `[`: false when the first key is one no metric object has (a log record). A key
 * with a backslash may be an escaped metric key: only JSON.parse can tell, so it is let through.
 */
function firstKeyMayBeMetric(buf: Uint8Array, at: number, end: number): boolean {
  let i = at;
  if (buf[i] === OPEN_BRACKET) {
    i = skipJsonBlanks(buf, i + 1, end);
    if (buf[i] !== OPEN_BRACE) return i >= end; // `[1,2]`, `[]`: not metrics; a cut line: let JSON.parse say
  }
  i = skipJsonBlanks(buf, i + 1, end);
  if (i >= end) return true;
  if (buf[i] !== QUOTE) return false; // `{}` or not JSON
  const keyStart = i + 1;
  let keyEnd = keyStart;
  while (keyEnd < end && buf[keyEnd] !== QUOTE) {
    if (buf[keyEnd] === BACKSLASH) return true;
    keyEnd++;
  }
  if (keyEnd >= end) return true;
  const length = keyEnd - keyStart;
  for (const key of METRIC_KEY_BYTES) {
    if (key.length !== length) continue;
    let k = 0;
    while (k < length && buf[keyStart + k] === key[k]) k++;
    if (k === length) return true;
  }
  return false;
}

function skipJsonBlanks(buf: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && (isBlankOrCr(buf[i] as number) || buf[i] === 0x0a)) i++;
  return i;
}

/** What a JSON value is, in words: `null`, `an array`, `an object`, or the scalar itself. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
