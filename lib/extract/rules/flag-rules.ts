// The command-line forms as rules: `--pattern [NAME=]REGEX` is {pattern: REGEX, name: NAME},
// `--json-path NAME=PATH` is {json: PATH, name: NAME} with the 0.1 `index` labels.

import type { JsonPathRule } from '../parsers/json-path.js';
import type { PatternRule } from '../parsers/pattern.js';
import { excerpt } from '../parsers/number.js';
import type { JsonRule, LineRule, RuleSet } from './model.js';
import { namedGroupsOf } from './regex.js';
import { wordsOfRegex } from './words.js';

export function patternFlagRule(rule: PatternRule, index: number): LineRule {
  const line: LineRule = {
    kind: 'line',
    id: `--pattern ${excerpt(rule.source, 60)}`,
    origin: '--pattern',
    index,
    labels: {},
    type: 'gauge',
    regex: rule.regex,
    groups: namedGroupsOf(rule.regex),
    words: wordsOfRegex(rule.regex.source, rule.regex.flags),
    flagText: rule.source,
  };
  if (rule.name !== undefined) line.name = rule.name;
  return line;
}

export function jsonPathFlagRule(rule: JsonPathRule, index: number): JsonRule {
  return {
    kind: 'json',
    id: rule.name,
    origin: '--json-path',
    index,
    name: rule.name,
    labels: {},
    type: 'gauge',
    path: rule.path,
    labelFields: new Map(),
    indexLabels: true,
  };
}

/** The command line's rules as one set (its own context scope). */
export function flagRuleSet(patterns: readonly PatternRule[], jsonPaths: readonly JsonPathRule[]): RuleSet {
  return {
    origin: 'the command line',
    rules: [
      ...patterns.map((p, i) => patternFlagRule(p, i + 1)),
      ...jsonPaths.map((j, i) => jsonPathFlagRule(j, i + 1)),
    ],
  };
}
