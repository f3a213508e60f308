// `--pattern REGEX` and `--pattern NAME=REGEX`: the user's own regex with named groups.
//
// - NAME=REGEX: the text before the FIRST `=` is a fixed metric name when it is a valid name
//   (`[A-Za-z_][A-Za-z0-9_.:-]*`); otherwise the whole text is the regex, so
//   `(?<name>\w+)=(?<value>\d+)` is a regex. A fixed NAME and a `name` group together are
//   an error (write the `=` as `[=]` or `\x3d` if the regex itself starts with `word=`).
// - The regex needs a `value` group, and a `name` group unless NAME was given; every other
//   named group becomes a label. Compiled without flags, as JavaScript users expect.
// - The flag becomes a line rule of the command line's rule set (lib/extract/rules/flag-rules.ts), matched
//   by the line-rule engine (lib/extract/rules/line-rules.ts): every match on a line counts, a series
//   met twice on one line keeps its first value, at most MAX_MATCHES_PER_LINE samples a line.
// ReDoS: the regex is compiled by compileUserRegex and run under the time budget of
// safe-regex.ts (GuardedRules, used by the Extractor): a rule that runs too long is dropped.

import { INPUT_NAME } from '../../store/metric-name.js';
import { excerpt } from './number.js';
import { compileUserRegex } from '../rules/safe-regex.js';

export interface PatternRule {
  /** Fixed metric name (`--pattern NAME=REGEX`), or undefined when the regex has a `name` group. */
  name?: string;
  regex: RegExp;
  /** The flag's text, for messages. */
  source: string;
}

/** Every named group of a regex, whether or not it takes part in a match. */
function namedGroups(source: string, flags = ''): string[] {
  // An always-matching twin of the regex lists every named group, matched or not.
  return Object.keys(new RegExp(`(?:${source})|`, flags.replace(/[gy]/g, '')).exec('')?.groups ?? {});
}

export function parsePatternFlag(text: string): PatternRule | { error: string } {
  const where = `--pattern ${excerpt(text, 120)}`;
  const eq = text.indexOf('=');
  const before = eq > 0 ? text.slice(0, eq) : '';
  const name = INPUT_NAME.test(before) ? before : undefined;
  const source = name === undefined ? text : text.slice(eq + 1);
  if (source === '') return { error: `${where}: the regex is empty` };

  let regex: RegExp;
  let groups: string[];
  try {
    regex = compileUserRegex(source);
    groups = namedGroups(source);
  } catch (err) {
    // V8's message starts with "Invalid regular expression: " itself.
    return {
      error: `${where}: invalid regular expression: ${(err instanceof Error ? err.message : String(err)).replace(/^Invalid regular expression: /, '')}`,
    };
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
