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
/** The same for findJsonDocumentsNear (--preset auto's marks ask it once per preset). */
let lastNear: { text: string; head: number; tail: number; found: Found } | undefined;

let jsonPath: Promise<typeof import('jsonpath-plus')> | undefined;

/** jsonpath-plus: loaded when a JSON rule or mark first needs it (startup does not pay for it), then kept. */
export function loadJsonPath(): Promise<typeof import('jsonpath-plus')> {
  return (jsonPath ??= import('jsonpath-plus'));
}

export function findJsonDocuments(text: string): Found {
  if (last !== undefined && last.text === text) return last.found;
  const found = findDocuments(text);
  last = { text, found };
  return found;
}

/**
 * As findJsonDocuments, except that JSON lines (one document per line) are read only from the
 * lines that start in the first `head` or the last `tail` characters: --preset auto's marks read
 * the input's start and end (docs/presets.md), and a long JSON log is not parsed whole for them.
 * A whole document, or several concatenated, is found as findJsonDocuments finds it.
 */
export function findJsonDocumentsNear(text: string, head: number, tail: number): Found {
  if (text.length <= head + tail) return findJsonDocuments(text);
  if (last !== undefined && last.text === text && last.found.lines !== true && last.found.documents.length > 0)
    return last.found;
  if (lastNear !== undefined && lastNear.text === text && lastNear.head === head && lastNear.tail === tail)
    return lastNear.found;
  const found = findDocuments(text, { head, tail });
  lastNear = { text, head, tail, found };
  // A document (or several) found before the JSON lines were read: as findJsonDocuments would find it.
  if (found.lines !== true && found.documents.length > 0) last = { text, found };
  return found;
}

function findDocuments(text: string, near?: { head: number; tail: number }): Found {
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
    // Only the lines near the start and the end: from the head, on to the first line of the tail.
    if (near !== undefined && at >= near.head && at < text.length - near.tail) {
      at = firstLineStartingWith(text, lineStartAtOrAfter(text, text.length - near.tail));
      if (at < 0) break;
    }
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

/** The start of the first line that starts at or after `at` (any position); text.length when none. */
function lineStartAtOrAfter(text: string, at: number): number {
  if (at <= 0 || text[at - 1] === '\n') return at;
  const nl = text.indexOf('\n', at);
  return nl < 0 ? text.length : nl + 1;
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
  let steps = STEPS.get(segments);
  if (steps === undefined) {
    steps = stepsOf(segments);
    STEPS.set(segments, steps);
  }
  return steps === null || walk(document, steps, 0);
}

/** Each path's steps, worked out once (a mark is asked of every JSON line). */
const STEPS = new WeakMap<readonly (string | number)[], Step[] | null>();

/** The path as steps couldSelect can walk, or null when it has anything else. */
function stepsOf(segments: readonly (string | number)[]): Step[] | null {
  const path = segments[0] === '$' ? segments.slice(1) : segments;
  const steps: Step[] = [];
  for (const s of path) {
    if (typeof s !== 'string') return null;
    if (s === '*' || isPropertyName(s)) steps.push(s);
    else {
      const filter = s.startsWith('?(') && s.endsWith(')') ? filterOf(s.slice(2, -1)) : undefined;
      if (filter === undefined) return null;
      steps.push(filter);
    }
  }
  return steps;
}

/**
 * A name, `*`, a filter of tests that are false for a missing field, all (`&&`) or any (`||`) of
 * them, or a filter on the child's own name (`@property === 'name'`: an array's items have numbers).
 */
type Step = string | { all: boolean; keys: string[] } | { property: string };

function walk(value: unknown, path: readonly Step[], i: number): boolean {
  if (i === path.length) return true;
  const step = path[i] as Step;
  if (typeof step === 'string' && step !== '*') {
    // jsonpath-plus: `val && Object.hasOwn(val, loc)` (a string has its indexes and length as own properties).
    if (!owns(value, step)) return false;
    return walk((Object(value) as Record<string, unknown>)[step], path, i + 1);
  }
  // `*` and a filter walk the children: an array's items, an object's own keys.
  if (typeof step === 'object' && 'property' in step) {
    if (Array.isArray(value) || typeof value !== 'object' || value === null) return false;
    return owns(value, step.property) && walk((value as Record<string, unknown>)[step.property], path, i + 1);
  }
  let children: unknown[] = [];
  if (Array.isArray(value)) children = value;
  else if (typeof value === 'object' && value !== null) children = Object.values(value);
  const test = (c: unknown): boolean =>
    typeof step === 'string' || (step.all ? step.keys.every((k) => owns(c, k)) : step.keys.some((k) => owns(c, k)));
  return children.some((c) => test(c) && walk(c, path, i + 1));
}

function owns(value: unknown, key: string): boolean {
  return !!value && Object.hasOwn(Object(value), key);
}

/** The filter `expr` as the fields it needs (or the one name it selects), or undefined when it tests anything else. */
function filterOf(expr: string): { all: boolean; keys: string[] } | { property: string } | undefined {
  const byName = /^\s*@property\s*===\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*$/.exec(expr);
  if (byName !== null) return { property: (byName[1] ?? byName[2]) as string };
  const all = !expr.includes('||');
  if (!all && expr.includes('&&')) return undefined;
  const keys: string[] = [];
  for (const term of expr.split(all ? '&&' : '||')) {
    const k = FALSE_WHEN_MISSING.exec(term.trim());
    const name = k === null ? undefined : (k[1] ?? k[2] ?? k[3]);
    // A name a value has without holding it (`constructor`, an array's `map`, a string's `length`).
    if (name === undefined || INHERITED.some((proto) => name in proto)) return undefined;
    keys.push(name);
  }
  return { all, keys };
}

const INHERITED: readonly object[] = [
  Object.prototype,
  Array.prototype,
  String.prototype,
  Number.prototype,
  Boolean.prototype,
  Function.prototype,
];

const LITERAL = String.raw`(?:'[^'\\]*'|"[^"\\]*"|-?\d+(?:\.\d+)?|true|false)`;
const FIELD = String.raw`@(?:\.([A-Za-z_][A-Za-z0-9_]*)|\['([^'\\]+)'\]|\["([^"\\]+)"\])`;
const FALSE_WHEN_MISSING = new RegExp(
  String.raw`^${FIELD}(?:\s*(?:!==\s*undefined|===?\s*${LITERAL}|[<>]=?\s*-?\d+(?:\.\d+)?))?$`,
);

function filterKeysOf(path: string): string[] | undefined {
  const m = /^\$\[\?\((.*)\)\]$/.exec(path);
  const filter = m === null ? undefined : filterOf(m[1] as string);
  return filter !== undefined && 'all' in filter && filter.all ? filter.keys : undefined;
}

/** Whether `document` has every key of `keys` as its own (undefined: nothing is known, so yes). */
export function hasKeys(document: unknown, keys: readonly string[] | undefined): boolean {
  if (keys === undefined) return true;
  // As jsonpath-plus tests a name: `val && Object.hasOwn(val, loc)`.
  if (!document) return false;
  for (const k of keys) if (!Object.hasOwn(Object(document), k)) return false;
  return true;
}
