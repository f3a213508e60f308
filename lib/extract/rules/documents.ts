// Finding JSON documents in an input: the whole input; else from the first line that starts with
// `{` or `[` (a banner printed first), then up to the last line that starts with `}` or `]` (a
// footer after); else every line that starts with `{` or `[` and is a document by itself (one
// document per line, as `go test -json` and JSON-lines loggers print).

export type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * `lines`: the documents are the input's JSON lines, one per line. `cut`: no document, but one
 * started (a line starting with `{` or `[`) and the input ended inside it, as a report cut short does.
 */
type Found = { documents: unknown[]; reason?: string; lines?: true; cut?: true };

/** The last input's answer: marks (lib/extract/rules/marks.ts) and each set of JSON rules ask about the same text. */
let last: { text: string; found: Found } | undefined;

export function findJsonDocuments(text: string): Found {
  if (last !== undefined && last.text === text) return last.found;
  const found = findDocuments(text);
  last = { text, found };
  return found;
}

function findDocuments(text: string): Found {
  const whole = tryParse(text);
  if (whole.ok) return { documents: [whole.value] };
  // Two reports concatenated (`cat a.json b.json`, or glued without a newline): each one counts.
  const several = concatenatedValues(text);
  // One value per line (go test -json): JSON lines, whose root filters test each line's object.
  if (several !== undefined)
    return several.length === nonBlankLines(text) ? { documents: several, lines: true } : { documents: several };
  const start = firstLineStartingWith(text, 0);
  if (start < 0) return { documents: [], reason: whole.reason };
  const fromStart = tryParse(text.slice(start));
  if (fromStart.ok) return { documents: [fromStart.value] };
  const end = endOfLastLineStartingWith(text, start);
  // The reason given when nothing parses: the 0.1 one (from the first `{`/`[` line when no footer).
  const reason = end < 0 ? fromStart.reason : whole.reason;
  if (end >= 0) {
    const between = tryParse(text.slice(start, end));
    if (between.ok) return { documents: [between.value] };
  }
  const documents: unknown[] = [];
  for (let at = start; at >= 0 && at < text.length; at = firstLineStartingWith(text, at)) {
    const nl = text.indexOf('\n', at);
    const line = tryParse(text.slice(at, nl < 0 ? text.length : nl));
    if (line.ok && typeof line.value === 'object' && line.value !== null) documents.push(line.value);
    if (nl < 0) break;
    at = nl + 1;
  }
  if (documents.length > 0) return { documents, lines: true };
  return endsInside(text, start) ? { documents, reason: fromStart.reason, cut: true } : { documents, reason };
}

/** Whether the text from `from` on ends inside an object, an array or a string (one pass, strings skipped). */
export function endsInside(text: string, from: number): boolean {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (i >= text.length) return true;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
  }
  return depth > 0;
}

/**
 * The JSON objects and arrays of a text that is nothing but two or more of them one after the
 * other (whitespace between or none); undefined otherwise. One pass, strings skipped.
 */
export function concatenatedValues(text: string): unknown[] | undefined {
  const values: unknown[] = [];
  let depth = 0;
  let begin = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (depth === 0) {
      if (c === '{' || c === '[') {
        begin = i;
        depth = 1;
      } else if (c !== ' ' && c !== '\n' && c !== '\r' && c !== '\t') return undefined;
      continue;
    }
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) {
      const one = tryParse(text.slice(begin, i + 1));
      if (!one.ok) return undefined;
      values.push(one.value);
    }
  }
  return depth === 0 && values.length >= 2 ? values : undefined;
}

function nonBlankLines(text: string): number {
  let n = 0;
  for (const line of text.split('\n')) if (line.trim() !== '') n++;
  return n;
}

function tryParse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.slice(0, 200) : 'invalid JSON' };
  }
}

/** The start of the first line at or after `from` (a line start) that starts with `{` or `[`; -1 if none. */
function firstLineStartingWith(text: string, from: number): number {
  for (let at = from; at < text.length;) {
    const c = text[at];
    if (c === '{' || c === '[') return at;
    const nl = text.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return -1;
}

/** The end of the last line at or after `from` that starts with `}` or `]`; -1 if none. */
function endOfLastLineStartingWith(text: string, from: number): number {
  let lineEnd = text.length;
  for (;;) {
    const nl = lineEnd > 0 ? text.lastIndexOf('\n', lineEnd - 1) : -1;
    const lineStart = nl < from ? from : nl + 1;
    if (text[lineStart] === '}' || text[lineStart] === ']') return lineEnd;
    if (nl < from) return -1;
    lineEnd = nl;
  }
}

/**
 * The keys a document must have for `path` to select anything in it, or undefined when that
 * cannot be told from the path. A plain first name (`$.metrics.x`): jsonpath-plus follows it only
 * into an own property of that name. A root filter over JSON lines (`$[?(@.Action && @.Package)]`,
 * each line's object tested itself): when the filter is only `&&`-joined tests that are false for
 * a missing field (`@.k`, `@.k !== undefined`, `@.k == 'text'`, `@.k > 0`, …), every such `k`.
 * Anything else (`*`, `..`, `||`, `!`, `@property`, a comparison with null): undefined.
 */
export function requiredKeysOf(
  path: string,
  segments: readonly (string | number)[],
  eachLine: boolean,
): string[] | undefined {
  if (eachLine) return filterKeysOf(path);
  const first = segments[0] === '$' ? segments[1] : segments[0];
  return typeof first === 'string' && isPropertyName(first) ? [first] : undefined;
}

/**
 * A path segment jsonpath-plus follows only into an own property of that name: not `*`, `..`,
 * `^`, `~`, `$`, a filter, a script, a type selector (`@string()`), a backtick literal, a union or a slice.
 */
function isPropertyName(segment: string): boolean {
  if (segment === '' || segment === '*' || segment === '..' || segment === '^' || segment === '~' || segment === '$')
    return false;
  if (/^[@?(`]/.test(segment) || segment.includes(',')) return false;
  return !/^(-?\d*):(-?\d*):?(\d*)$/.test(segment);
}

/**
 * Whether a path of property names and `*` only (`$.*.latency.value`, `$[*].Target`) can select
 * something in `document`: false only when jsonpath-plus would select nothing (`*` walks an
 * array's items or an object's own keys; a name needs an own property); true when the path has
 * anything else, so JSONPath decides.
 */
export function couldSelect(segments: readonly (string | number)[], document: unknown): boolean {
  const path = segments[0] === '$' ? segments.slice(1) : segments;
  if (!path.every((s) => typeof s === 'string' && (s === '*' || isPropertyName(s)))) return true;
  return walk(document, path as readonly string[], 0);
}

function walk(value: unknown, path: readonly string[], i: number): boolean {
  if (i === path.length) return true;
  const segment = path[i] as string;
  if (segment === '*') {
    if (Array.isArray(value)) return value.some((v) => walk(v, path, i + 1));
    if (typeof value === 'object' && value !== null) {
      const o = value as Record<string, unknown>;
      return Object.keys(o).some((k) => walk(o[k], path, i + 1));
    }
    return false;
  }
  // jsonpath-plus: `val && Object.hasOwn(val, loc)` (a string has its indexes and length as own properties).
  if (!value || !Object.hasOwn(Object(value), segment)) return false;
  return walk((Object(value) as Record<string, unknown>)[segment], path, i + 1);
}

const LITERAL = String.raw`(?:'[^'\\]*'|"[^"\\]*"|-?\d+(?:\.\d+)?|true|false)`;
const FIELD = String.raw`@(?:\.([A-Za-z_][A-Za-z0-9_]*)|\['([^'\\]+)'\]|\["([^"\\]+)"\])`;
const FALSE_WHEN_MISSING = new RegExp(
  String.raw`^${FIELD}(?:\s*(?:!==\s*undefined|===?\s*${LITERAL}|[<>]=?\s*-?\d+(?:\.\d+)?))?$`,
);

function filterKeysOf(path: string): string[] | undefined {
  const m = /^\$\[\?\((.*)\)\]$/.exec(path);
  if (m === null) return undefined;
  const keys: string[] = [];
  for (const term of (m[1] as string).split('&&')) {
    const k = FALSE_WHEN_MISSING.exec(term.trim());
    const name = k === null ? undefined : (k[1] ?? k[2] ?? k[3]);
    // A name every object has (`constructor`, `toString`) is there without being in the line.
    if (name === undefined || name in Object.prototype) return undefined;
    keys.push(name);
  }
  return keys;
}

/** Whether `document` has every key of `keys` as its own (undefined: nothing is known, so yes). */
export function hasKeys(document: unknown, keys: readonly string[] | undefined): boolean {
  if (keys === undefined) return true;
  // As jsonpath-plus tests a name: `val && Object.hasOwn(val, loc)`.
  if (!document) return false;
  for (const k of keys) if (!Object.hasOwn(Object(document), k)) return false;
  return true;
}
