// `--json-path NAME=PATH`: values picked from the whole input read as one JSON document
// (pretty-printed output such as `infracost breakdown --format json`), at end of input.
//
// - PATH is a JSONPath evaluated by jsonpath-plus with its safe evaluator (never native
//   eval); the leading `$.` may be left out (`totalMonthlyCost` → `$.totalMonthlyCost`).
// - Document: the whole input; if that is not JSON, the text from the first line that starts
//   with `{` or `[` (a banner printed first), then that text up to the last line that starts
//   with `}` or `]` (a footer printed after).
// - Values: JSON numbers, and strings holding a number (infracost writes "154.2038"), "NaN",
//   "+Inf", "-Inf". null, a missing value, or anything else is a problem naming the path.
// - A path that can match several values (`*`, `..`, a filter, a slice or a union) gives one
//   sample per match with the label index="<i>" (0-based, in jsonpath-plus' result order: for
//   `..` a level's own value before its descendants; stable for a given document), also when it
//   matches once, so the series stay the same from run to run.
// - Never throws: deep nesting and huge documents end as problems. Problem texts start with
//   the rule's name (`cost: no value at $.x`); the caller prefixes `--json-path: `.

import { excerpt, parseNumber } from './number.js';
import type { Sample } from './sample.js';
import { INPUT_NAME } from '../naming/metric-name.js';


export interface JsonPathRule {
  name: string;
  /** JSONPath, always starting with `$`. */
  path: string;
}

export function parseJsonPathFlag(text: string): JsonPathRule | { error: string } {
  const where = `--json-path ${excerpt(text, 120)}`;
  const eq = text.indexOf('=');
  if (eq < 0) return { error: `${where}: expected NAME=PATH, e.g. cost=totalMonthlyCost` };
  const name = text.slice(0, eq);
  const given = text.slice(eq + 1).trim();
  if (!INPUT_NAME.test(name)) return { error: `${where}: ${excerpt(name)} is not a metric name ([A-Za-z_][A-Za-z0-9_.:-]*)` };
  if (given === '' || given === '$' || given === '$.') return { error: `${where}: the path is empty` };
  const path = given.startsWith('$') ? given : given.startsWith('[') ? `$${given}` : `$.${given}`;
  return { name, path };
}

export async function evaluateJsonPaths(
  document: string,
  rules: readonly JsonPathRule[],
): Promise<{ samples: Sample[]; problems: string[] }> {
  const samples: Sample[] = [];
  const problems: string[] = [];
  if (rules.length === 0) return { samples, problems };

  const parsed = parseDocument(document);
  if (!parsed.ok) {
    problems.push(`the input is not one JSON document (${parsed.reason}); nothing extracted for ${rules.map((r) => r.name).join(', ')}`);
    return { samples, problems };
  }
  let JSONPath: typeof import('jsonpath-plus').JSONPath;
  try {
    // Loaded only when a --json-path is given: startup does not pay for it.
    ({ JSONPath } = await import('jsonpath-plus'));
  } catch (err) {
    problems.push(`cannot load jsonpath-plus: ${err instanceof Error ? err.message : String(err)}`);
    return { samples, problems };
  }

  for (const rule of rules) {
    let matches: unknown[];
    let several: boolean;
    try {
      several = !JSONPath.toPathArray(rule.path).every(isDefiniteSegment);
      const result: unknown = JSONPath({ path: rule.path, json: parsed.value as object, wrap: true, eval: 'safe' });
      matches = Array.isArray(result) ? result : [];
    } catch (err) {
      problems.push(`${rule.name}=${rule.path}: ${err instanceof RangeError ? 'the document is nested too deeply' : err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    if (matches.length === 0) {
      problems.push(`${rule.name}: no value at ${rule.path}`);
      continue;
    }
    matches.forEach((match, index) => {
      const where = several ? `${rule.path} (match ${index})` : rule.path;
      const value = toNumber(match);
      if (typeof value === 'string') {
        problems.push(`${rule.name}: ${value === '' ? 'no value' : `not a number (${value})`} at ${where}`);
        return;
      }
      samples.push({ name: rule.name, value, labels: several ? { index: String(index) } : {} });
    });
  }
  return { samples, problems };
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

function parseDocument(document: string): Parsed {
  const whole = tryParse(document);
  if (whole.ok) return whole;
  const start = firstLineStartingWith(document, '{', '[');
  if (start < 0) return whole;
  const fromStart = tryParse(document.slice(start));
  if (fromStart.ok) return fromStart;
  const end = endOfLastLineStartingWith(document, start, '}', ']');
  if (end < 0) return fromStart;
  const between = tryParse(document.slice(start, end));
  return between.ok ? between : whole;
}

function tryParse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.slice(0, 200) : 'invalid JSON' };
  }
}

function firstLineStartingWith(text: string, a: string, b: string): number {
  for (let at = 0; at < text.length; ) {
    if (text[at] === a || text[at] === b) return at;
    const nl = text.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return -1;
}

/** The end (its `\n`, or the text's end) of the last line at or after `from` that starts with a or b; -1 if none. */
function endOfLastLineStartingWith(text: string, from: number, a: string, b: string): number {
  let lineEnd = text.length;
  for (;;) {
    const nl = lineEnd > 0 ? text.lastIndexOf('\n', lineEnd - 1) : -1;
    const lineStart = nl < from ? from : nl + 1;
    if (text[lineStart] === a || text[lineStart] === b) return lineEnd;
    if (nl < from) return -1;
    lineEnd = nl;
  }
}

/** A path segment that selects exactly one place: a property or an integer index. */
function isDefiniteSegment(segment: string | number): boolean {
  if (typeof segment === 'number') return true;
  if (segment === '*' || segment === '..' || segment === '$') return segment === '$';
  if (/^-?\d+$/.test(segment)) return true;
  return !/[?():,@*]/.test(segment);
}

/** A matched JSON value → a number, or a description of it ('' for null/missing). */
function toNumber(value: unknown): number | string {
  if (typeof value === 'number') return Number.isFinite(value) ? value : 'out of range';
  if (typeof value === 'string') {
    const parsed = parseNumber(value.trim());
    if (parsed === 'out-of-range') return `${excerpt(value)} is out of range`;
    if (parsed === undefined) return excerpt(value);
    return parsed;
  }
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
