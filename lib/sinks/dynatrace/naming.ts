// Dynatrace metric keys, dimension keys and dimension values, normalized the way the
// official dynatrace-metric-utils libraries do (GO v0.5.0, github.com/dynatrace-oss/dynatrace-metric-utils-go normalize/*.go; JS
// 0.2.0, github.com/dynatrace-oss/dynatrace-metric-utils-js). Their golden vectors
// (test/fixtures/dynatrace-normalize-vectors.json) are the tests. Deviations, each only where the libraries would emit something invalid or
// lose data, are marked "Deviation".

/** GO/JS truncate metric keys here (Dynatrace's metric ingestion limits: 250 with the prefix included). */
export const MAX_METRIC_KEY = 250;
/** Shortest metric key the protocol documents. */
export const MIN_METRIC_KEY = 3;
export const MAX_DIMENSION_KEY = 100;
/** Limit for the serialized (escaped) value, counted in UTF-8 bytes like GO (the strict reading). */
export const MAX_DIMENSION_VALUE = 250;

const MK_FIRST_SECTION_START = /^[^A-Za-z_]+/;
const MK_LATER_SECTION_START = /^[^A-Za-z0-9_]+/;
const MK_INVALID_RUN = /[^A-Za-z0-9_-]+/g;

/**
 * Normalizes a metric key (GO normalize/metrickey.go). Returns null when the key cannot be made
 * valid (empty, or an empty first section such as `.a`).
 */
export function normalizeMetricKey(key: string): string | null {
  if (key.length === 0) return null;
  const cut = key.length > MAX_METRIC_KEY ? key.slice(0, MAX_METRIC_KEY) : key;
  const sections = cut.split('.');
  const first = sections[0] ?? '';
  if (first.length === 0) return null;
  const out = [first.replace(MK_FIRST_SECTION_START, '_').replace(MK_INVALID_RUN, '_')];
  for (const section of sections.slice(1)) {
    if (section.length === 0) continue;
    out.push(section.replace(MK_LATER_SECTION_START, '_').replace(MK_INVALID_RUN, '_'));
  }
  return out.join('.');
}

/**
 * Why a normalized key would still be refused by the server, or null when it is fine. The
 * reason is the same text for every key (the backend groups drops by reason).
 * Normalization cannot fix these: the key is too short, reserved, or has a section that
 * starts with a digit (accepted by the docs and libraries, but rejected by the server in
 * 2020 and 2023, as reported in the libraries' issues).
 */
export function metricKeyProblem(normalizedKey: string): string | null {
  if (normalizedKey.length < MIN_METRIC_KEY) return `metric key shorter than ${MIN_METRIC_KEY} characters`;
  if (normalizedKey.startsWith('dt.')) return "metric key uses the reserved prefix 'dt.'";
  if (normalizedKey.split('.').some((s) => /^[0-9]/.test(s)))
    return 'metric key has a section starting with a digit (rejected by the Dynatrace server)';
  return null;
}

const DK_SECTION_START = /^[^a-z_]+/;
const DK_INVALID_RUN = /[^a-z0-9_:-]+/g;

/**
 * Normalizes a dimension key (GO normalize/dimensionkey.go): lowercase, sections of `[a-z0-9_:-]` that
 * start with `[a-z_]`. Returns null when nothing is left (the dimension is dropped).
 */
export function normalizeDimensionKey(key: string): string | null {
  const cut = key.length > MAX_DIMENSION_KEY ? key.slice(0, MAX_DIMENSION_KEY) : key;
  const sections: string[] = [];
  for (const section of cut.split('.')) {
    if (section.length === 0) continue;
    sections.push(section.toLowerCase().replace(DK_SECTION_START, '_').replace(DK_INVALID_RUN, '_'));
  }
  if (sections.length === 0) return null;
  let out = sections.join('.');
  // Deviation: toLowerCase can lengthen a string ('İ' → 'i̇'); keep the documented limit.
  if (out.length > MAX_DIMENSION_KEY) out = out.slice(0, MAX_DIMENSION_KEY).replace(/\.+$/, '');
  return out.length > 0 ? out : null;
}

/**
 * Control characters become one `_` per run (a raw newline would end the line).
 * Deviation: GO replaces all of \p{C}; format characters (Cf) are kept here because the
 * zero-width joiner is part of emoji sequences, which must arrive intact. Lone surrogates
 * (not encodable as UTF-8) and the line/paragraph separators are replaced too.
 */
const DV_CONTROL_RUN = /[\p{Cc}\p{Cs}\u2028\u2029]+/gu;
const DV_TO_ESCAPE = /([= ,\\"])/g;

/**
 * Normalizes and escapes a dimension value (GO normalize/dimensionvalue.go): the result is the unquoted,
 * backslash-escaped form that goes on the wire, at most 250 UTF-8 bytes, never ending in
 * a dangling escape or half a surrogate pair. An empty input gives ''.
 */
export function normalizeDimensionValue(value: string): string {
  const cleaned = truncateUtf8(value, MAX_DIMENSION_VALUE).replace(DV_CONTROL_RUN, '_');
  let escaped = cleaned.replace(DV_TO_ESCAPE, '\\$1');
  if (utf8Length(escaped) > MAX_DIMENSION_VALUE) {
    escaped = truncateUtf8(escaped, MAX_DIMENSION_VALUE);
    let backslashes = 0;
    for (let i = escaped.length - 1; i >= 0 && escaped[i] === '\\'; i--) backslashes++;
    // An odd run of trailing backslashes means an escape was cut in half.
    if (backslashes % 2 === 1) escaped = escaped.slice(0, -1);
  }
  return escaped;
}

/** Number of bytes `s` takes in UTF-8 (a lone surrogate counts as the 3-byte U+FFFD). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * The longest prefix of `s` that fits in `maxBytes` UTF-8 bytes, cut on a code point
 * boundary (GO cuts bytes and may split a character; a cut emoji would be garbage).
 */
export function truncateUtf8(s: string, maxBytes: number): string {
  // Fast path: every UTF-16 unit takes at least one byte.
  if (s.length <= maxBytes && utf8Length(s) <= maxBytes) return s;
  let bytes = 0;
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i) ?? 0;
    const units = cp > 0xffff ? 2 : 1;
    const size = utf8Size(cp);
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += units;
  }
  return s.slice(0, i);
}

/** The UTF-8 length of one code point (RFC 3629, section 3). */
function utf8Size(cp: number): number {
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}
