// `--pattern REGEX` and `--pattern NAME=REGEX`: the user's own regex with named groups.
//
// - NAME=REGEX: the text before the FIRST `=` is a fixed metric name when it is a valid name
//   (`[A-Za-z_][A-Za-z0-9_.:-]*`); otherwise the whole text is the regex, so
//   `(?<name>\w+)=(?<value>\d+)` is a regex. A fixed NAME and a `name` group together are
//   an error (write the `=` as `[=]` or `\x3d` if the regex itself starts with `word=`).
// - The regex needs a `value` group, and a `name` group unless NAME was given; every other
//   named group becomes a label. Compiled without flags, as JavaScript users expect.
// - On a line, the first match counts. A label group that did not take part in the match is
//   left out; a value that is not a number is a problem.
// ReDoS: the regex is the user's own, run on their own tool's output; lines longer than the
// parse limit (1 MiB by default) never reach it. Nothing else is done about it.

import type { PatternRule } from '../config/config.js';
import { excerpt, parseNumber } from './number.js';
import { setLabel } from './labels.js';
import type { LineParser, Sample } from './sample.js';

const FIXED_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

export function parsePatternFlag(text: string): PatternRule | { error: string } {
  const where = `--pattern ${excerpt(text, 120)}`;
  const eq = text.indexOf('=');
  const before = eq > 0 ? text.slice(0, eq) : '';
  const name = FIXED_NAME.test(before) ? before : undefined;
  const source = name === undefined ? text : text.slice(eq + 1);
  if (source === '') return { error: `${where}: the regex is empty` };

  let regex: RegExp;
  let groups: string[];
  try {
    regex = new RegExp(source);
    // An always-matching twin of the regex lists every named group, matched or not.
    groups = Object.keys(new RegExp(`(?:${source})|`).exec('')?.groups ?? {});
  } catch (err) {
    return { error: `${where}: invalid regular expression: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (!groups.includes('value')) return { error: `${where}: the regex needs a named group (?<value>…)` };
  if (name === undefined && !groups.includes('name')) {
    return { error: `${where}: the regex needs a named group (?<name>…), or give a fixed name as NAME=REGEX` };
  }
  if (name !== undefined && groups.includes('name')) {
    return {
      error: `${where}: "${name}" before the first = is taken as the metric name, so the regex must not have a (?<name>…) group; write that = as [=] to keep it in the regex`,
    };
  }
  const rule: PatternRule = { regex, source: text };
  if (name !== undefined) rule.name = name;
  return rule;
}

export function makePatternParser(rule: PatternRule): LineParser {
  const { regex } = rule;
  const where = `--pattern ${excerpt(rule.source, 60)}`;
  return (line) => {
    // A caller-built rule may carry g or y: start every line from the beginning.
    if (regex.global || regex.sticky) regex.lastIndex = 0;
    const match = regex.exec(line);
    if (match === null) return null;
    const groups = match.groups ?? {};
    const name = rule.name ?? groups['name'];
    if (name === undefined || name === '') return { samples: [], problem: `${where}: the name group matched nothing` };
    const text = groups['value'];
    if (text === undefined) return { samples: [], problem: `${where}: ${name}: the value group matched nothing` };
    const value = parseNumber(text.trim());
    if (value === undefined) return { samples: [], problem: `${where}: ${name}: value ${excerpt(text)} is not a number` };
    if (value === 'out-of-range') return { samples: [], problem: `${where}: ${name}: value ${excerpt(text)} is out of range` };
    const labels: Record<string, string> = {};
    for (const [group, groupValue] of Object.entries(groups)) {
      if (group === 'name' || group === 'value' || groupValue === undefined) continue;
      setLabel(labels, group, groupValue);
    }
    const sample: Sample = { name, value, labels };
    return { samples: [sample] };
  };
}
