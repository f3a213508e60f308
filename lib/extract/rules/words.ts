// The literal words a line must contain for a rule to match it: the rule's own `words:`, or
// derived from the regex source, conservatively: only literal runs at the top level of a regex
// without a top-level alternation or flags that change matching (i, so a line's bytes may
// differ from the word's). Null when nothing can be derived: then every line goes to the rules.
// A word of `words:` that starts with `\d` needs a digit (0-9) just before the rest of it
// (`\d passed`: `3 passed`, not `Test passed`), one that ends with `\d` a digit just after it
// (`\d,\d`: a comma between two digits); a derived word is always literal.

import type { ContextRule, LineRule } from './model.js';

const MIN_WORD = 2;

export function requiredWords(rule: Pick<LineRule | ContextRule, 'regex' | 'words'>): readonly string[] | null {
  if (rule.words !== null && rule.words.length > 0) return rule.words;
  return wordsOfRegex(rule.regex.source, rule.regex.flags);
}

/** In `words:`, at a word's start: a digit just before the rest of it; at its end: a digit just after. */
const DIGIT = '\\d';

/** A word of `words:` as the pre-filter looks for it: its literal text, and the digits it needs beside it. */
export interface Word {
  text: string;
  digitBefore: boolean;
  digitAfter: boolean;
}

/** A `words:` entry as text and its digits (`\d passed` → ` passed` after a digit; `\d,\d` → `,` between two). */
export function wordOf(word: string): Word {
  let text = word;
  const digitBefore = text.length > DIGIT.length && text.startsWith(DIGIT);
  if (digitBefore) text = text.slice(DIGIT.length);
  const digitAfter = text.length > DIGIT.length && text.endsWith(DIGIT);
  if (digitAfter) text = text.slice(0, -DIGIT.length);
  return { text, digitBefore, digitAfter };
}

/** Why a `words:` entry cannot be used, or null (only digits: nothing literal is left to look for). */
export function wordProblem(word: string): string | null {
  return word === DIGIT || word === DIGIT + DIGIT
    ? 'a word of only `\\d` has no text to look for (`\\d passed`: a digit, then ` passed`)'
    : null;
}

const isDigitCode = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** `line` holds `word` (a `words:` entry, `\d` honoured; a derived word is plain text and needs no `\d`). */
export function lineHasWord(line: string, word: string): boolean {
  if (!word.includes(DIGIT)) return line.includes(word);
  const { text, digitBefore, digitAfter } = wordOf(word);
  for (let i = line.indexOf(text); i !== -1; i = line.indexOf(text, i + 1))
    if (
      (!digitBefore || (i > 0 && isDigitCode(line.charCodeAt(i - 1)))) &&
      (!digitAfter || isDigitCode(line.charCodeAt(i + text.length)))
    )
      return true;
  return false;
}

/** The state of wordsOfRegex's scan: the words found, the literal run being read, the group depth. */
interface WordScan {
  words: string[];
  run: string;
  depth: number;
}

function flushRun(scan: WordScan): void {
  // A literal backslash and d (`\\d` in the regex) at the run's start or end would read as `words:`' digits: the run without them is required too.
  if (scan.run.startsWith(DIGIT)) scan.run = scan.run.slice(1);
  if (scan.run.endsWith(DIGIT)) scan.run = scan.run.slice(0, -DIGIT.length);
  if (scan.run.length >= MIN_WORD) scan.words.push(scan.run);
  scan.run = '';
}

/** The index of the `]` closing the class whose `[` is at `i` (a `]` first in it, or escaped, is a member). */
function classEnd(source: string, i: number): number {
  i++;
  if (source[i] === '^') i++;
  if (source[i] === ']') i++;
  while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
  return i;
}

/** A character outside any group, escape or class; returns the index of the last character it used. */
function topLevelChar(source: string, i: number, scan: WordScan): number {
  const c = source[i] as string;
  if (c === '?' || c === '*') {
    // The character before is optional: it is not required.
    scan.run = scan.run.slice(0, -1);
    flushRun(scan);
    return i;
  }
  if (c === '+') {
    flushRun(scan);
    return i;
  }
  const braces = c === '{' ? /^\{(\d*)(?:,\d*)?\}/.exec(source.slice(i, i + 24)) : null;
  if (braces !== null) {
    // `{n,m}`: with n = 0 the character before is optional.
    if (Number(braces[1] || '0') === 0) scan.run = scan.run.slice(0, -1);
    flushRun(scan);
    return i + braces[0].length - 1;
  }
  if (c === '.' || c === '^' || c === '$') {
    flushRun(scan);
    return i;
  }
  scan.run += c;
  return i;
}

/**
 * The index of the last character of the escape whose `\\` is at `i`: `\xHH`, `\uHHHH`, `\u{…}`,
 * `\cX`, `\p{…}`, `\k<name>`, `\12` (https://tc39.es/ecma262/#sec-patterns), else the one character after it.
 */
export function escapeEnd(source: string, i: number): number {
  const rest = source.slice(i + 1, i + 64);
  const m = /^(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|u\{[0-9A-Fa-f]+\}|c[A-Za-z]|[pP]\{[^}]*\}|k<[^>]*>|[0-9]+)/.exec(rest);
  return i + (m === null ? 1 : m[0].length);
}

/** One left-to-right scan of the regex source, conservative at each construct so no required word is invented. */
export function wordsOfRegex(source: string, flags: string): string[] | null {
  if (flags.includes('i')) return null;
  const scan: WordScan = { words: [], run: '', depth: 0 };
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) return null;
      // `\.`, `\/`, `\(`: the character itself; `\d`, `\s`, `\b`, `\x41`, `\u0000`, `\1`: not a literal,
      // and an escape's own digits and letters (`41` of `\x41`) are no word either.
      if (scan.depth === 0 && /[^A-Za-z0-9]/.test(next)) scan.run += next;
      else if (scan.depth === 0) flushRun(scan);
      i = escapeEnd(source, i);
    } else if (c === '[') {
      i = classEnd(source, i);
      if (scan.depth === 0) flushRun(scan);
    } else if (c === '(') {
      scan.depth++;
      if (scan.depth === 1) flushRun(scan);
    } else if (c === ')') {
      scan.depth--;
      if (scan.depth < 0) return null;
    } else if (c === '|') {
      if (scan.depth === 0) return null;
    } else if (scan.depth === 0) i = topLevelChar(source, i, scan);
  }
  flushRun(scan);
  return scan.words.length > 0 ? [...new Set(scan.words)] : null;
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

/**
 * The literal an end-anchored regex (`^(?<trend>[A-Za-z][^\s:]*):$`) needs at the end of the
 * line: a check of its last bytes. Null when the regex does not end with a literal before `$`,
 * has flags that change matching, or a top-level alternation. Conservative at each construct:
 * a group, class, escape class or quantifier before the literal starts it afresh.
 */
export function requiredSuffix(rule: Pick<LineRule | ContextRule, 'regex'>): string | null {
  const { source, flags } = rule.regex;
  // With `m`, `$` also matches before a line separator (U+2028) inside the line.
  if (flags.includes('i') || flags.includes('m') || !source.endsWith('$') || hasTopLevelAlternation(source))
    return null;
  // The `$` must not be escaped: an odd number of backslashes before it makes it a literal.
  let slashes = 0;
  for (let i = source.length - 2; i >= 0 && source[i] === '\\'; i--) slashes++;
  if (slashes % 2 === 1) return null;
  let run = '';
  let depth = 0;
  const last = source.length - 1;
  for (let i = 0; i < last; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const next = source[i + 1];
      if (next === undefined) return null;
      if (depth === 0 && /[^A-Za-z0-9]/.test(next)) run += next;
      else if (depth === 0) run = '';
      i = escapeEnd(source, i);
    } else if (c === '[') {
      i = classEnd(source, i);
      if (depth === 0) run = '';
    } else if (c === '(') {
      depth++;
      run = '';
    } else if (c === ')') {
      depth--;
      if (depth < 0) return null;
      run = '';
    } else if (depth > 0) continue;
    else if (c === '?' || c === '*' || c === '+' || c === '{' || c === '.' || c === '^' || c === '$') {
      // A quantifier (its character may repeat or be absent), any character, an anchor: no literal before here counts.
      if (c === '{') i = Math.max(i, source.indexOf('}', i));
      run = '';
    } else run += c;
  }
  return depth === 0 && run.length > 0 ? run : null;
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
