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
// - Evaluated by the JSON document rules (lib/extract/rules/json-rules.ts; jsonPathFlagRule in
//   lib/extract/rules/flag-rules.ts makes --json-path such a rule).
// - Never throws: deep nesting and huge documents end as problems. Problem texts start with
//   the rule's name (`cost: no value at $.x`); the caller prefixes `--json-path: `.

import { excerpt } from './number.js';
import { INPUT_NAME } from '../../store/metric-name.js';

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
  if (!INPUT_NAME.test(name))
    return { error: `${where}: ${excerpt(name)} is not a metric name ([A-Za-z_][A-Za-z0-9_.:-]*)` };
  if (given === '' || given === '$' || given === '$.') return { error: `${where}: the path is empty` };
  return { name, path: rooted(given) };
}

/** A path as JSONPath wants it: `$` first (`cost` is `$.cost`, `[0]` is `$[0]`). */
function rooted(given: string): string {
  if (given.startsWith('$')) return given;
  if (given.startsWith('[')) return `$${given}`;
  return `$.${given}`;
}
