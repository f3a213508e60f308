// Prometheus text exposition format 0.0.4, one line at a time.
//
// - `# TYPE name type`: records the type (counter, gauge; histogram, summary and untyped are
//   stored as untyped, since their samples are plain numbers here) → { samples: [] }.
// - `# HELP name text`: records the name as declared (untyped unless a TYPE says more).
// - any other `#` line: a comment → null.
// - `name{label="v",…} value [timestamp]`: label values unescape `\\`, `\"`, `\n` (other
//   escapes are kept as written, like the Prometheus server's parser); a trailing comma and
//   blanks inside the braces are allowed; the timestamp (integer ms, or a float as OpenMetrics
//   writes it) and an OpenMetrics exemplar (`# {trace_id="x"} 0.5`) are accepted and dropped;
//   `# EOF` is a comment like any other (it ends nothing: a tool may print more after it).
// Ambiguity rule: a brace-less `word number` line is usually prose (`Processed 1027`,
// `Done 5`), so it counts only when the name contains `_` or `:` or was declared by
// `# TYPE`/`# HELP`. A line with braces counts whatever the name. A brace-less name ending in
// `:` (`cpus: 2`, a YAML mapping) counts only after some `# TYPE`/`# HELP` line was seen.
// Sample.type: the declared type, 'untyped' when undeclared (the backends treat it as gauge).
// A well-formed sample whose value is not a number, or overflows, is a problem; brace-less
// lines with anything else after the name are not samples (null).

import { excerpt, numberShapeEnd, parseNumber } from './number.js';
import { setLabel } from '../../store/labels.js';
import {
  byteSet,
  NAME_START,
  isBlank as isBlankByte,
  isBlankOrCr,
  nameEnd,
  skipBlanks as skipBlankBytes,
  skipBlanksOrCr,
} from './bytes.js';
import type { DefaultParser, LineGate, LineParser, ParseOutcome, ParseState } from './sample.js';
import type { MetricType } from '../../store/series.js';

/** Declarations kept per run: bounds memory when an input declares names without end. */
export const MAX_DECLARED_NAMES = 10_000;

const DECLARED_TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'untyped',
  summary: 'untyped',
  untyped: 'untyped',
};

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;

export const parseProm: LineParser = (line, state) => {
  const end = trimmedEnd(line);
  const start = skipBlanks(line, 0, end);
  if (start >= end) return null;
  if (line.charCodeAt(start) === 0x23 /* # */) return parseComment(line, start + 1, end, state);

  const nameEnd = scanMetricName(line, start, end);
  if (nameEnd === start) return null;
  const name = line.slice(start, nameEnd);
  let at = skipBlanks(line, nameEnd, end);
  let labels: Record<string, string> = {};
  const braced = at < end && line.charCodeAt(at) === 0x7b; /* { */
  if (braced) {
    const parsed = parseLabels(line, at + 1, end);
    if (parsed === null) return null;
    if (typeof parsed === 'string') return { samples: [], problem: `${name}: ${parsed}` };
    labels = parsed.labels;
    at = skipBlanks(line, parsed.next, end);
  } else {
    if (at === nameEnd) return null; // `name` glued to something else: not a sample
    if (!name.includes('_') && !name.includes(':') && !state.promTypes.has(name)) return null;
    // `cpus: 2` is YAML (stress-ng --yaml), not a sample named `cpus:`: a brace-less name ending
    // in `:` counts only once the input declared itself Prometheus text (a # TYPE or # HELP).
    if (name.charCodeAt(name.length - 1) === 0x3a /* : */ && state.promTypes.size === 0) return null;
  }

  const valueEnd = scanToken(line, at, end);
  if (valueEnd === at) return null;
  const text = line.slice(at, valueEnd);
  const after = skipBlanks(line, valueEnd, end);
  if (after < end && !isTimestampOrExemplar(line, after, end)) return null;

  const value = parseNumber(text);
  if (value === undefined) {
    return braced ? { samples: [], problem: `${name}: value ${excerpt(text)} is not a number` } : null;
  }
  if (value === 'out-of-range') return { samples: [], problem: `${name}: value ${excerpt(text)} is out of range` };
  return { samples: [{ name, value, labels, type: state.promTypes.get(name) ?? 'untyped' }] };
};

/** `# TYPE name type` / `# HELP name text`; `at` is just after the `#`. */
function parseComment(line: string, at: number, end: number, state: ParseState): ParseOutcome {
  const keywordStart = skipBlanks(line, at, end);
  if (keywordStart === at) return null;
  const keyword = line.slice(keywordStart, keywordStart + 4);
  if (keyword !== 'TYPE' && keyword !== 'HELP') return null;
  const nameStart = skipBlanks(line, keywordStart + 4, end);
  if (nameStart === keywordStart + 4) return null;
  const nameEnd = scanMetricName(line, nameStart, end);
  if (nameEnd === nameStart) return null;
  const name = line.slice(nameStart, nameEnd);
  const rest = skipBlanks(line, nameEnd, end);
  if (rest === nameEnd && rest < end) return null; // the name runs into other characters

  if (keyword === 'HELP') {
    if (!state.promTypes.has(name)) declare(state, name, 'untyped');
    return { samples: [] };
  }
  const typeEnd = scanToken(line, rest, end);
  if (typeEnd !== end) return null;
  const type = DECLARED_TYPES[line.slice(rest, typeEnd)];
  if (type === undefined) return null;
  declare(state, name, type);
  return { samples: [] };
}

function declare(state: ParseState, name: string, type: MetricType): void {
  if (state.promTypes.size >= MAX_DECLARED_NAMES && !state.promTypes.has(name)) return;
  state.promTypes.set(name, type);
}

/**
 * `label="value", …}`; `at` is just after the `{`. Returns the labels and the index after
 * the `}`, null when the text is not a label set, or a problem for a duplicate label.
 */
function parseLabels(
  line: string,
  at: number,
  end: number,
): { labels: Record<string, string>; next: number } | string | null {
  const labels: Record<string, string> = {};
  let i = skipBlanks(line, at, end);
  for (;;) {
    if (i >= end) return null;
    if (line.charCodeAt(i) === 0x7d /* } */) return { labels, next: i + 1 };
    const nameEnd = scanLabelName(line, i, end);
    if (nameEnd === i) return null;
    const labelName = line.slice(i, nameEnd);
    i = skipBlanks(line, nameEnd, end);
    if (line.charCodeAt(i) !== 0x3d /* = */) return null;
    i = skipBlanks(line, i + 1, end);
    if (line.charCodeAt(i) !== 0x22 /* " */) return null;
    const quoted = readQuoted(line, i + 1, end);
    if (quoted === null) return null;
    if (Object.prototype.hasOwnProperty.call(labels, labelName)) return `duplicate label ${excerpt(labelName)}`;
    setLabel(labels, labelName, quoted.value);
    i = skipBlanks(line, quoted.next, end);
    const c = line.charCodeAt(i);
    if (c === 0x2c /* , */) i = skipBlanks(line, i + 1, end);
    else if (c !== 0x7d /* } */) return null;
  }
}

/** A label value after its opening quote → the unescaped value and the index after the closing quote. */
function readQuoted(line: string, at: number, end: number): { value: string; next: number } | null {
  let value = '';
  let chunkStart = at;
  for (let i = at; i < end; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x22 /* " */) return { value: value + line.slice(chunkStart, i), next: i + 1 };
    if (c === 0x5c /* \ */) {
      if (i + 1 >= end) return null;
      const escaped = line[i + 1];
      const replacement = labelEscape(escaped);
      if (replacement !== undefined) {
        value += line.slice(chunkStart, i) + replacement;
        chunkStart = i + 2;
      }
      i++; // an unknown escape is kept as written, both characters
    }
  }
  return null;
}

/**
 * After the value: `[timestamp] [# {labels} value [timestamp]]`. The timestamp may be a float
 * (`1.5e3`, OpenMetrics seconds) and an OpenMetrics exemplar may follow; both are accepted and
 * ignored, as the conformance suites (prometheus/common, client_python, OpenMetrics) expect.
 */
function isTimestampOrExemplar(line: string, at: number, end: number): boolean {
  let i = at;
  if (line.charCodeAt(i) !== 0x23 /* # */) {
    const tsEnd = scanToken(line, i, end);
    if (!isFiniteNumber(line.slice(i, tsEnd))) return false;
    i = skipBlanks(line, tsEnd, end);
    if (i >= end) return true;
    if (line.charCodeAt(i) !== 0x23) return false;
  }
  // `# {a="b"} 0.5 [ts]`: the exemplar's label set and value, not kept.
  i = skipBlanks(line, i + 1, end);
  if (line.charCodeAt(i) !== 0x7b /* { */) return false;
  const labels = parseLabels(line, i + 1, end);
  if (labels === null || typeof labels === 'string') return false;
  i = skipBlanks(line, labels.next, end);
  const valueEnd = scanToken(line, i, end);
  if (valueEnd === i || typeof parseNumber(line.slice(i, valueEnd)) !== 'number') return false;
  i = skipBlanks(line, valueEnd, end);
  if (i >= end) return true;
  const tsEnd = scanToken(line, i, end);
  return isFiniteNumber(line.slice(i, tsEnd)) && skipBlanks(line, tsEnd, end) === end;
}

function isFiniteNumber(text: string): boolean {
  const v = parseNumber(text);
  return typeof v === 'number' && Number.isFinite(v);
}

function trimmedEnd(line: string): number {
  let end = line.length;
  // Trailing blanks and a leftover `\r` (CRLF input) end the line; inside it only space and tab separate.
  while (end > 0 && (isBlank(line.charCodeAt(end - 1)) || line.charCodeAt(end - 1) === CR)) end--;
  return end;
}

function skipBlanks(line: string, at: number, end: number): number {
  let i = at;
  while (i < end && isBlank(line.charCodeAt(i))) i++;
  return i;
}

function scanToken(line: string, at: number, end: number): number {
  let i = at;
  while (i < end && !isBlank(line.charCodeAt(i))) i++;
  return i;
}

/** `[a-zA-Z_:][a-zA-Z0-9_:]*` */
function scanMetricName(line: string, at: number, end: number): number {
  if (at >= end) return at;
  const first = line.charCodeAt(at);
  if (!isLetter(first) && first !== 0x5f && first !== 0x3a) return at;
  let i = at + 1;
  for (; i < end; i++) {
    const c = line.charCodeAt(i);
    if (!isLetter(c) && !isDigit(c) && c !== 0x5f && c !== 0x3a) break;
  }
  return i;
}

/** `[a-zA-Z_][a-zA-Z0-9_]*` */
function scanLabelName(line: string, at: number, end: number): number {
  if (at >= end) return at;
  const first = line.charCodeAt(at);
  if (!isLetter(first) && first !== 0x5f) return at;
  let i = at + 1;
  for (; i < end; i++) {
    const c = line.charCodeAt(i);
    if (!isLetter(c) && !isDigit(c) && c !== 0x5f) break;
  }
  return i;
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * The gate: `# TYPE ` / `# HELP ` (any run of blanks after `#`), or a name followed by `{`, or
 * a name, blanks and a number-shaped token that ends the line or is followed by a blank.
 */
export const promGate: LineGate = (buf, start, end) => {
  const at = skipBlanksOrCr(buf, start, end);
  if (at >= end) return false;
  if (buf[at] === 0x23 /* # */) return isTypeOrHelp(buf, at + 1, end);
  let i = nameEnd(buf, at, end);
  if (i === at) return false;
  i = skipBlankBytes(buf, i, end);
  if (i >= end) return false;
  if (buf[i] === 0x7b /* { */) return true;
  const after = numberShapeEnd(buf, i, end);
  return after === end || (after >= 0 && isBlankOrCr(buf[after] as number));
};

export const promParser: DefaultParser = {
  parse: parseProm,
  gate: () => promGate,
  firstBytes: byteSet(NAME_START, '#'),
};

/** After a `#`: blanks, then `TYPE` or `HELP`, then a blank. */
function isTypeOrHelp(buf: Uint8Array, at: number, end: number): boolean {
  const i = skipBlankBytes(buf, at, end);
  if (i === at || i + 5 > end) return false;
  const [a, b, c, d] = [buf[i], buf[i + 1], buf[i + 2], buf[i + 3]];
  const keyword =
    (a === 0x54 && b === 0x59 && c === 0x50 && d === 0x45) /* TYPE */ ||
    (a === 0x48 && b === 0x45 && c === 0x4c && d === 0x50); /* HELP */
  return keyword && isBlankByte(buf[i + 4] as number);
}

/** What a label value's escape stands for (https://prometheus.io/docs/instrumenting/exposition_formats/); undefined: kept as written. */
function labelEscape(escaped: string | undefined): string | undefined {
  switch (escaped) {
    case 'n':
      return '\n';
    case '\\':
      return '\\';
    case '"':
      return '"';
    default:
      return undefined;
  }
}
