// A strict, independent reader of the Dynatrace line protocol, for the ingest emulator.
// It follows Dynatrace's metric ingestion protocol (https://docs.dynatrace.com/docs/ingest-from/extend-dynatrace/extend-metrics/reference/metric-ingestion-protocol)
// and the ingest API's answers (https://docs.dynatrace.com/docs/dynatrace-api/environment-api/metric-v2/post-ingest-metrics), and where the sources disagree it takes the strictest reading the
// real service has been seen to apply. It shares no code with lib/ on purpose.

export const LIMITS = {
  lineChars: 50_000,
  keyMin: 3,
  keyMax: 250,
  dimensions: 50,
  dimensionKey: 100,
  /** Counted on the escaped form, in UTF-8 bytes (the strictest reading; unverified). */
  dimensionValue: 250,
  pastMs: 60 * 60 * 1000,
  futureMs: 10 * 60 * 1000,
  gaugeTolerance: 1e-6,
} as const;

export type DtPayload =
  | { kind: 'gauge'; value: number }
  | { kind: 'summary'; min: number; max: number; sum: number; count: number }
  | { kind: 'count'; delta: number };

export interface ParsedLine {
  key: string;
  /** Unescaped values; on a duplicate key the first one is kept (OTLP docs). */
  dimensions: Record<string, string>;
  payload: DtPayload;
  /** The value a test most often wants: the gauge value, the delta, or the summary's sum. */
  value: number;
  timestamp?: number;
}

export type LineVerdict = { ok: true; line: ParsedLine } | { ok: true; metadata: true } | { ok: false; error: string };

export interface ValidateOptions {
  /** Epoch ms for the timestamp window; Date.now() by default. */
  now?: number;
}

const KEY_CHARS = /^[A-Za-z0-9_-]$/;
const DIM_KEY_SECTION = /^[a-z_][a-z0-9_:-]*$/;
/** Decimal, optional `-`; an exponent only after a decimal point (GO: the API requires it). */
const NUMBER = /^-?\d+(?:\.\d+(?:[eE][+-]?\d+)?)?$/;

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error };
}

/** The metric key's first problem, in the server's observed wording, or null. */
function metricKeyError(key: string, line: string): string | null {
  if (key.length < LIMITS.keyMin || key.length > LIMITS.keyMax) return 'invalid metric key';
  if (key.startsWith('dt.')) return 'invalid metric key';
  let sectionStart = true;
  for (let i = 0; i < key.length; i++) {
    const c = key.charAt(i);
    if (c === '.') {
      if (sectionStart) return `failed to parse metric key of message '${line}'; error at '.'  (index ${i})`;
      sectionStart = true;
      continue;
    }
    const bad =
      !KEY_CHARS.test(c) ||
      (sectionStart && c === '-') ||
      // Docs and libraries allow a digit here; the server refused it in 2020 and 2023.
      (sectionStart && /[0-9]/.test(c));
    if (bad) return `failed to parse metric key of message '${line}'; error at '${c}'  (index ${i})`;
    sectionStart = false;
  }
  if (sectionStart) return 'invalid metric key';
  return null;
}

function dimensionKeyError(key: string, line: string, index: number): string | null {
  if (key.length === 0 || key.length > LIMITS.dimensionKey) return `invalid dimension key in message '${line}'`;
  let offset = 0;
  for (const section of key.split('.')) {
    if (!DIM_KEY_SECTION.test(section)) {
      let at = 0;
      while (at < section.length && (at === 0 ? /[a-z_]/ : /[a-z0-9_:-]/).test(section.charAt(at))) at++;
      const c = section.charAt(at) || '.';
      return `invalid dimension key in message '${line}'; error at '${c}'  (index ${index + offset + at})`;
    }
    offset += section.length + 1;
  }
  return null;
}

function parseNumber(text: string): number | null {
  if (!NUMBER.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

function parsePayload(text: string, line: string): DtPayload | string {
  const comma = text.indexOf(',');
  if (comma === -1) {
    const v = parseNumber(text);
    return v === null ? `invalid value in message '${line}'` : { kind: 'gauge', value: v };
  }
  const type = text.slice(0, comma);
  const rest = text.slice(comma + 1);
  if (type === 'gauge') {
    if (!rest.includes('=')) {
      const v = parseNumber(rest);
      return v === null ? `invalid value in message '${line}'` : { kind: 'gauge', value: v };
    }
    const m = /^min=([^,]*),max=([^,]*),sum=([^,]*),count=([^,]*)$/.exec(rest);
    if (!m) return `invalid gauge fields in message '${line}'`;
    const [min, max, sum, count] = [m[1], m[2], m[3], m[4]].map((x) => parseNumber(x ?? ''));
    if (
      min === null ||
      max === null ||
      sum === null ||
      count === null ||
      min === undefined ||
      max === undefined ||
      sum === undefined ||
      count === undefined
    ) {
      return `invalid value in message '${line}'`;
    }
    if (!Number.isInteger(count) || count < 0)
      return `inconsistent gauge fields: count ${count} is not a non-negative integer`;
    if (max < min) return `inconsistent gauge fields: max ${max} < min ${min}`;
    if (count === 0) {
      if (min !== 0 || max !== 0 || sum !== 0) return 'inconsistent gauge fields: count is 0 but min, max, sum are not';
    } else {
      const avg = sum / count;
      const tol = LIMITS.gaugeTolerance;
      if (avg < min - tol || avg > max + tol) {
        return `inconsistent gauge fields: min <= avg <= max doesn't hold: ${min} <= ${avg} <= ${max}, tolerance: 0.000001`;
      }
    }
    return { kind: 'summary', min, max, sum, count };
  }
  if (type === 'count') {
    // `count,<v>` is undocumented and no library emits it: the delta field is mandatory.
    if (!rest.startsWith('delta=')) return `invalid metric type in message '${line}'`;
    const v = parseNumber(rest.slice('delta='.length));
    return v === null ? `invalid value in message '${line}'` : { kind: 'count', delta: v };
  }
  return `invalid metric type in message '${line}'`;
}

/**
 * Reads the dimension list that starts at `start` (just after a `,`). Returns the
 * dimensions and the index of the space that ends them, or an error.
 */
function parseDimensions(
  line: string,
  start: number,
): { dims: Array<[string, string]>; end: number } | { error: string } {
  const dims: Array<[string, string]> = [];
  let i = start;
  for (;;) {
    const eq = line.indexOf('=', i);
    const keyEnd = eq === -1 ? line.length : eq;
    const key = line.slice(i, keyEnd);
    if (eq === -1 || /[ ,]/.test(key)) return { error: `invalid dimension in message '${line}' (index ${i})` };
    const keyError = dimensionKeyError(key, line, i);
    if (keyError) return { error: keyError };
    i = eq + 1;
    let value = '';
    const valueStart = i;
    if (line[i] === '"') {
      // Quoted form: only `"` and `\` are escaped inside.
      i++;
      for (;;) {
        if (i >= line.length) return { error: `unterminated quoted dimension value in message '${line}'` };
        const c = line.charAt(i);
        if (c === '\\') {
          const n = line.charAt(i + 1);
          if (n !== '"' && n !== '\\') return { error: `invalid escape sequence in dimension value (index ${i})` };
          value += n;
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (i < line.length && line[i] !== ',' && line[i] !== ' ')
        return { error: `invalid character after quoted dimension value (index ${i})` };
    } else {
      for (;;) {
        if (i >= line.length) break;
        const c = line.charAt(i);
        if (c === ',' || c === ' ') break;
        if (c === '\\') {
          const n = line.charAt(i + 1);
          if (!'=, "\\'.includes(n) || n === '')
            return { error: `invalid escape sequence in dimension value (index ${i})` };
          value += n;
          i += 2;
        } else if (c === '=' || c === '"') {
          return { error: `unescaped '${c}' in dimension value of message '${line}' (index ${i})` };
        } else {
          value += c;
          i++;
        }
      }
    }
    const escapedLength = Buffer.byteLength(line.slice(valueStart, i), 'utf8');
    if (escapedLength > LIMITS.dimensionValue)
      return { error: `dimension value length exceeded: ${escapedLength} > ${LIMITS.dimensionValue}` };
    // Empty values are refused by the OTLP API; unverified here, so the strict reading.
    if (value === '') return { error: `empty dimension value for key '${key}'` };
    dims.push([key, value]);
    if (i >= line.length) return { error: `missing payload in message '${line}'` };
    if (line[i] === ' ') return { dims, end: i };
    i++; // the `,`
  }
}

/** Validates one line of a request body, as the strict emulator's server does. */
export function validateDtLine(line: string, opts: ValidateOptions = {}): LineVerdict {
  if (line.length === 0) return fail('empty line');
  if (line.length > LIMITS.lineChars) return fail(`line length exceeded: ${line.length} > ${LIMITS.lineChars}`);
  if (/[\r\n]/.test(line)) return fail('line contains a raw line break');
  if (line.startsWith('#')) return validateMetadataLine(line);

  const keyEnd = line.search(/[ ,]/);
  if (keyEnd === -1) return fail(`missing payload in message '${line}'`);
  const key = line.slice(0, keyEnd);
  const keyError = metricKeyError(key, line);
  if (keyError) return fail(keyError);

  let dims: Array<[string, string]> = [];
  let payloadStart = keyEnd + 1;
  if (line[keyEnd] === ',') {
    const parsed = parseDimensions(line, keyEnd + 1);
    if ('error' in parsed) return fail(parsed.error);
    dims = parsed.dims;
    payloadStart = parsed.end + 1;
  }
  if (dims.length > LIMITS.dimensions) return fail(`too many dimensions: ${dims.length} > ${LIMITS.dimensions}`);

  const parts = line.slice(payloadStart).split(' ');
  if (parts.length > 2 || parts.some((p) => p === '')) return fail(`invalid payload in message '${line}'`);
  const payload = parsePayload(parts[0] ?? '', line);
  if (typeof payload === 'string') return fail(payload);

  let timestamp: number | undefined;
  if (parts.length === 2) {
    const ts = parts[1] ?? '';
    if (!/^\d+$/.test(ts)) return fail(`invalid timestamp in message '${line}'`);
    timestamp = Number(ts);
    const now = opts.now ?? Date.now();
    if (timestamp < now - LIMITS.pastMs || timestamp > now + LIMITS.futureMs) {
      return fail(`timestamp ${ts} outside of the allowed range (1 hour in the past to 10 minutes in the future)`);
    }
  }

  const dimensions: Record<string, string> = {};
  for (const [k, v] of dims) if (!(k in dimensions)) dimensions[k] = v;
  const value = payload.kind === 'gauge' ? payload.value : payload.kind === 'count' ? payload.delta : payload.sum;
  const parsed: ParsedLine = { key, dimensions, payload, value };
  if (timestamp !== undefined) parsed.timestamp = timestamp;
  return { ok: true, line: parsed };
}

/** `#<key> <gauge|count> dt.meta.<property>=<value>[,…]` (the protocol's metadata lines). */
function validateMetadataLine(line: string): LineVerdict {
  const m = /^#([^ ]+) (gauge|count) (.+)$/.exec(line);
  if (!m) return fail(`invalid metadata line '${line}'`);
  const key = m[1] ?? '';
  const keyError = metricKeyError(key, line);
  if (keyError) return fail(keyError);
  const dimsStart = line.length - (m[3] ?? '').length;
  const parsed = parseDimensions(`${line} `, dimsStart);
  if ('error' in parsed) return fail(parsed.error);
  if (parsed.end !== line.length) return fail(`invalid metadata line '${line}'`);
  if (parsed.dims.some(([k]) => !k.startsWith('dt.meta.'))) return fail(`invalid metadata property in '${line}'`);
  // The documented properties only, and a unit as the Java utils accept it (≤ 63 of [A-Za-z0-9%[]{}/_]).
  const known = new Set(['dt.meta.displayName', 'dt.meta.displayname', 'dt.meta.description', 'dt.meta.unit']);
  if (parsed.dims.some(([k]) => !known.has(k))) return fail(`unknown metadata property in '${line}'`);
  const unit = parsed.dims.find(([k]) => k === 'dt.meta.unit')?.[1];
  if (unit !== undefined && !/^[A-Za-z0-9%[\]{}/_]{1,63}$/.test(unit)) return fail(`invalid dt.meta.unit in '${line}'`);
  return { ok: true, metadata: true };
}
