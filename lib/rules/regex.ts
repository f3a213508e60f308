// The one place rule regexes are compiled: the project's safe-regex helper takes over here
// when it lands (lib/parse/safe-regex.ts); until then a plain JavaScript RegExp.

export function compileRuleRegex(source: string): RegExp {
  return new RegExp(source);
}

/** Every named group of a regex, whether or not it takes part in a match. */
export function namedGroupsOf(regex: RegExp): string[] {
  // An always-matching twin of the regex lists every named group, matched or not.
  return Object.keys(new RegExp(`(?:${regex.source})|`, regex.flags.replace(/[gy]/g, '')).exec('')?.groups ?? {});
}
