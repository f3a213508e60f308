// The literal words a line must contain for a rule to match it: the rule's own `words:`, or
// derived from the regex source, conservatively: only literal runs at the top level of a regex
// without a top-level alternation or flags that change matching (i, so a line's bytes may
// differ from the word's). Null when nothing can be derived: then every line goes to the rules.

import type { ContextRule, LineRule } from './rule.js';

const MIN_WORD = 2;

export function requiredWords(rule: Pick<LineRule | ContextRule, 'regex' | 'words'>): readonly string[] | null {
  if (rule.words !== null && rule.words.length > 0) return rule.words;
  return wordsOfRegex(rule.regex.source, rule.regex.flags);
}

export function wordsOfRegex(source: string, flags: string): string[] | null {
  if (flags.includes('i')) return null;
  const words: string[] = [];
  let run = '';
  let depth = 0;
  const flush = (): void => {
    if (run.length >= MIN_WORD) words.push(run);
    run = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1];
      i++;
      if (next === undefined) return null;
      // `\.`, `\/`, `\(`: the character itself; `\d`, `\s`, `\b`, `\x41`, `\1`: not a literal.
      if (depth === 0 && /[^A-Za-z0-9]/.test(next)) run += next;
      else if (depth === 0) flush();
      continue;
    }
    if (c === '[') {
      // A class: skip to its end (a `]` first in it, or escaped, is a member).
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      if (depth === 0) flush();
      continue;
    }
    if (c === '(') {
      depth++;
      if (depth === 1) flush();
      continue;
    }
    if (c === ')') {
      depth--;
      if (depth < 0) return null;
      continue;
    }
    if (c === '|') {
      if (depth === 0) return null;
      continue;
    }
    if (depth > 0) continue;
    if (c === '?' || c === '*') {
      // The character before is optional: it is not required.
      run = run.slice(0, -1);
      flush();
      continue;
    }
    if (c === '+') {
      flush();
      continue;
    }
    const braces = c === '{' ? /^\{(\d*)(?:,\d*)?\}/.exec(source.slice(i, i + 24)) : null;
    if (braces !== null) {
      // `{n,m}`: with n = 0 the character before is optional.
      if (Number(braces[1] || '0') === 0) run = run.slice(0, -1);
      flush();
      i += braces[0].length - 1;
      continue;
    }
    if (c === '.' || c === '^' || c === '$') {
      flush();
      continue;
    }
    run += c;
  }
  flush();
  return words.length > 0 ? [...new Set(words)] : null;
}
