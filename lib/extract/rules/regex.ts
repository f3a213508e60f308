// The one place rule regexes are compiled: through the project's safe-regex helper
// (lib/extract/rules/safe-regex.ts: the full JavaScript syntax; matching runs under its time budget).

import { compileUserRegex } from './safe-regex.js';

export function compileRuleRegex(source: string): RegExp {
  return compileUserRegex(source);
}

/**
 * Every named group of a regex, whether or not it takes part in a match, in the order they open.
 * Read from the source; a name written with an escape is left to the regex engine (an
 * always-matching twin of the regex, whose match lists every group). The twin cost --preset auto
 * about 17 ms of its start: one more regex compiled for each of its rules.
 */
export function namedGroupsOf(regex: RegExp): string[] {
  return (
    namedGroupsInSource(regex.source, regex.flags.includes('v')) ??
    Object.keys(new RegExp(`(?:${regex.source})|`, regex.flags.replace(/[gy]/g, '')).exec('')?.groups ?? {})
  );
}

/** `(?<name>` outside character classes and escapes; undefined when a name holds an escape. */
function namedGroupsInSource(source: string, nestedClasses: boolean): string[] | undefined {
  const names: string[] = [];
  let inClass = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (inClass > 0) {
      if (c === ']') inClass--;
      // With the v flag a class may hold classes.
      else if (c === '[' && nestedClasses) inClass++;
    } else if (c === '[') inClass = 1;
    else if (c === '(' && source.startsWith('?<', i + 1) && source[i + 3] !== '=' && source[i + 3] !== '!') {
      const end = source.indexOf('>', i + 3);
      const name = source.slice(i + 3, end);
      if (end < 0 || name.includes('\\')) return undefined;
      if (!names.includes(name)) names.push(name);
      i = end;
    }
  }
  return names;
}
