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

// Longer than ~60 lines: one left-to-right scan of the regex source, a case per construct (escapes,
// classes, groups, quantifiers, alternation), conservative at each so no required word is invented.
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

/** A literal a matching line starts with, after blanks when the regex allows them (`^\s*word`). */
export interface RequiredPrefix {
  prefix: string;
  /** `^\s*`/`^ *`: any blanks before it; `^\s+`/`^ +`: at least one. */
  blanks: 'none' | 'any' | 'some';
}

/**
 * The literal an anchored regex (`^Requests per second:`) needs at the start of the line: a
 * check of a few bytes per line, where a word must be searched for. Null when the regex is not
 * anchored that way, has flags that change matching, or a top-level alternation.
 */
export function requiredPrefix(rule: Pick<LineRule | ContextRule, 'regex'>): RequiredPrefix | null {
  const { source, flags } = rule.regex;
  if (flags.includes('i') || !source.startsWith('^') || hasTopLevelAlternation(source)) return null;
  let i = 1;
  let blanks: RequiredPrefix['blanks'] = 'none';
  const lead = /^(?:\\s|[ ]|\[ \\t\]|\[\\t \])([*+])/.exec(source.slice(1, 8));
  if (lead !== null) {
    blanks = lead[1] === '*' ? 'any' : 'some';
    i += lead[0].length;
  }
  let run = '';
  for (; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined || /[A-Za-z0-9]/.test(next)) break;
      run += next;
      i++;
      continue;
    }
    if ('.^$|()[]{}'.includes(c)) break;
    if (c === '?' || c === '*') {
      run = run.slice(0, -1);
      break;
    }
    if (c === '+') break;
    run += c;
  }
  // `a{0,2}` after the run: its last character may be absent.
  if (source[i] === '{') run = run.slice(0, -1);
  // One character is enough here: it is compared at the start of the line, not searched for.
  return run.length >= 1 ? { prefix: run, blanks } : null;
}

/** `a|b` outside any group: then no literal of one side is required. */
function hasTopLevelAlternation(source: string): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return true;
  }
  return false;
}
