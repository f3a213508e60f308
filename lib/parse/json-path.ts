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
// - Evaluated by the JSON document rules (lib/rules/json-rules.ts): --json-path is such a rule.
// - Never throws: deep nesting and huge documents end as problems. Problem texts start with
//   the rule's name (`cost: no value at $.x`); the caller prefixes `--json-path: `.

import type { JsonPathRule } from '../config/config.js';
import { excerpt } from './number.js';
import { jsonPathFlagRule } from '../rules/flags.js';
import type { Sample } from './sample.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

export function parseJsonPathFlag(text: string): JsonPathRule | { error: string } {
  const where = `--json-path ${excerpt(text, 120)}`;
  const eq = text.indexOf('=');
  if (eq < 0) return { error: `${where}: expected NAME=PATH, e.g. cost=totalMonthlyCost` };
  const name = text.slice(0, eq);
  const given = text.slice(eq + 1).trim();
  if (!NAME.test(name)) return { error: `${where}: ${excerpt(name)} is not a metric name ([A-Za-z_][A-Za-z0-9_.:-]*)` };
  if (given === '' || given === '$' || given === '$.') return { error: `${where}: the path is empty` };
  const path = given.startsWith('$') ? given : given.startsWith('[') ? `$${given}` : `$.${given}`;
  return { name, path };
}

/** The --json-path rules as JSON document rules (lib/rules/json-rules.ts), samples as the parsers give them. */
export async function evaluateJsonPaths(
  document: string,
  rules: readonly JsonPathRule[],
): Promise<{ samples: Sample[]; problems: string[] }> {
  const { evaluateJsonRules } = await import('../rules/json-rules.js');
  const found = await evaluateJsonRules(document, rules.map(jsonPathFlagRule), Number.MAX_SAFE_INTEGER);
  return { samples: found.samples.map(({ name, value, labels }) => ({ name, value, labels })), problems: found.problems.map((p) => p.replace(/^--json-path: /, '')) };
}
