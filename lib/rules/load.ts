// Rule files (`--rules FILE`, and the built-in presets): YAML, JSON accepted (it is YAML).
// The yaml package is loaded only here, only when a file is given: startup does not pay for it.

import { fileProblem } from '../files.js';
import { compileRuleFile } from './compile.js';
import type { RuleSet } from './rule.js';

export type LoadResult = { set: RuleSet } | { errors: string[] };

/** A rule file's text → its rules; `origin` names it in messages (the file name as given). */
export async function loadRuleText(origin: string, text: string): Promise<LoadResult> {
  let content: unknown;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      content = JSON.parse(text);
    } catch {
      // not strict JSON: YAML says what is wrong
    }
    if (content !== undefined) {
      // JSON.parse keeps the last of two equal keys without a word; YAML (uniqueKeys) refuses them.
      const dup = duplicateJsonKey(text);
      if (dup) return { errors: [`${origin}: line ${dup.line}: duplicate key "${dup.key}" (a key may appear once in a mapping)`] };
      return compileRuleFile(origin, content);
    }
  }
  const { parseDocument } = await import('yaml');
  // Aliases bounded: a "billion laughs" file must not expand without end.
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { errors: doc.errors.slice(0, 5).map((e) => `${origin}: ${e.linePos ? `line ${e.linePos[0].line}: ` : ''}${e.message.split('\n')[0]}`) };
  }
  try {
    content = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { errors: [`${origin}: ${err instanceof Error ? err.message : String(err)}`] };
  }
  return compileRuleFile(origin, content);
}

/** The first key that appears twice in one object of a valid JSON text, and its line. */
export function duplicateJsonKey(text: string): { key: string; line: number } | undefined {
  // One entry per open object (its keys so far) or array (null); the scan trusts JSON.parse's verdict.
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return { key, line: text.slice(0, i).split('\n').length };
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === '{') {
      stack.push(new Set());
      expectKey = true;
    } else if (c === '[') {
      stack.push(null);
      expectKey = false;
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') expectKey = stack[stack.length - 1] !== null && stack.length > 0;
  }
  return undefined;
}

/** Reads and compiles each file; every error of every file is returned, not only the first. */
export async function loadRuleFiles(paths: readonly string[], readText: (path: string) => string): Promise<{ sets: RuleSet[]; errors: string[] }> {
  const sets: RuleSet[] = [];
  const errors: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readText(path);
    } catch (err) {
      errors.push(`--rules ${path}: cannot read it: ${fileProblem(err)}`);
      continue;
    }
    const loaded = await loadRuleText(path, text);
    if ('errors' in loaded) errors.push(...loaded.errors);
    else sets.push(loaded.set);
  }
  return { sets, errors };
}
