// The one place rule regexes are compiled: through the project's safe-regex helper
// (lib/extract/rules/safe-regex.ts: the full JavaScript syntax; matching runs under its time budget).

import { compileUserRegex } from './safe-regex.js';

export function compileRuleRegex(source: string): RegExp {
  return compileUserRegex(source);
}

/** Every named group of a regex, whether or not it takes part in a match. */
export function namedGroupsOf(regex: RegExp): string[] {
  // An always-matching twin of the regex lists every named group, matched or not.
  return Object.keys(new RegExp(`(?:${regex.source})|`, regex.flags.replace(/[gy]/g, '')).exec('')?.groups ?? {});
}
