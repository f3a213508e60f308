// `--pattern REGEX` and `--pattern NAME=REGEX`: the user's own regex with named groups.
//
// - NAME=REGEX: the text before the FIRST `=` is a fixed metric name when it is a valid name
//   (`[A-Za-z_][A-Za-z0-9_.:-]*`); otherwise the whole text is the regex, so
//   `(?<name>\w+)=(?<value>\d+)` is a regex. A fixed NAME and a `name` group together are
//   an error (write the `=` as `[=]` or `\x3d` if the regex itself starts with `word=`).
// - The regex needs a `value` group, and a `name` group unless NAME was given; every other
//   named group becomes a label. Compiled without flags, as JavaScript users expect.
// - On a line, every match counts when matches can name different series (the regex has a
//   `name` group or a label group): `(?<value>\d+) (?<name>failed|passed)` reads both numbers
//   of `2 failed, 3 passed`. A series met twice on one line keeps its first value. Otherwise
//   (a fixed NAME, no label group) the first match counts. A label group that did not take part
//   in the match is left out; a value that is not a number is a problem (the line's first).
// - At most MAX_MATCHES_PER_LINE samples come from one line, so that a hostile line cannot build
//   an unbounded list.
// ReDoS: the regex is compiled by compileUserRegex and run under the time budget of
// safe-regex.ts (GuardedRules, used by the Extractor): a rule that runs too long is dropped.

import { seriesKey } from '../series.js';
import { INPUT_NAME } from '../naming/metric-name.js';
import { excerpt, parseNumber } from './number.js';
import { setLabel } from './labels.js';
import { compileUserRegex } from './safe-regex.js';
import type { LineParser, Sample } from './sample.js';

export interface PatternRule {
  /** Fixed metric name (`--pattern NAME=REGEX`), or undefined when the regex has a `name` group. */
  name?: string;
  regex: RegExp;
  /** The flag's text, for messages. */
  source: string;
}

export const MAX_MATCHES_PER_LINE = 1000;

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

export function makePatternParser(rule: PatternRule): LineParser {
  const { regex } = rule;
  const where = `--pattern ${excerpt(rule.source, 60)}`;
  // Matches after the first can only add series when a group besides `value` tells them apart.
  const everyMatch = namedGroups(regex.source, regex.flags).some((g) => g !== 'value');
  const scanner = everyMatch ? compileUserRegex(regex.source, `${regex.flags.replace(/[gy]/g, '')}g`) : null;

  const sampleOf = (match: RegExpExecArray): Sample | string => {
    const groups = match.groups ?? {};
    const name = rule.name ?? groups['name'];
    if (name === undefined || name === '') return `${where}: the name group matched nothing`;
    const text = groups['value'];
    if (text === undefined) return `${where}: ${name}: the value group matched nothing`;
    const value = parseNumber(text.trim());
    if (value === undefined) return `${where}: ${name}: value ${excerpt(text)} is not a number`;
    if (value === 'out-of-range') return `${where}: ${name}: value ${excerpt(text)} is out of range`;
    const labels: Record<string, string> = {};
    for (const [group, groupValue] of Object.entries(groups)) {
      if (group === 'name' || group === 'value' || groupValue === undefined) continue;
      setLabel(labels, group, groupValue);
    }
    return { name, value, labels };
  };

  return (line) => {
    if (scanner === null) {
      // A caller-built rule may carry g or y: start every line from the beginning.
      if (regex.global || regex.sticky) regex.lastIndex = 0;
      const match = regex.exec(line);
      if (match === null) return null;
      const one = sampleOf(match);
      return typeof one === 'string' ? { samples: [], problem: one } : { samples: [one] };
    }
    scanner.lastIndex = 0;
    let match = scanner.exec(line);
    if (match === null) return null;
    const samples: Sample[] = [];
    const seen = new Set<string>();
    let problem: string | undefined;
    for (; match !== null; match = scanner.exec(line)) {
      // An empty match would be found again at the same place: step over it, as matchAll does.
      if (match[0] === '') scanner.lastIndex++;
      const got = sampleOf(match);
      if (typeof got === 'string') {
        problem ??= got;
        continue;
      }
      const key = seriesKey(got.name, got.labels);
      if (seen.has(key)) continue;
      if (samples.length === MAX_MATCHES_PER_LINE) {
        problem = `${where}: more than ${MAX_MATCHES_PER_LINE} metrics on one line; the rest were left out`;
        break;
      }
      seen.add(key);
      samples.push(got);
    }
    return problem === undefined ? { samples } : { samples, problem };
  };
}
