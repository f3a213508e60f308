// Rule files (`--rules FILE`, and the built-in presets): YAML, JSON accepted (it is YAML).
// The yaml package is loaded only here, only when a file is given: startup does not pay for it.

import { fileProblem } from '../../files.js';
import { compileRuleFile } from './compile.js';
import type { RuleSet } from './model.js';

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
      if (dup)
        return {
          errors: [`${origin}: line ${dup.line}: duplicate key "${dup.key}" (a key may appear once in a mapping)`],
        };
      return compileRuleFile(origin, content);
    }
  }
  const parsed =
    (text.length >= OFF_THREAD_CHARS ? await parseYamlOffThread(text) : undefined) ??
    parseYaml((await import('yaml')).parseDocument, text);
  if ('errors' in parsed) return { errors: parsed.errors.map((e) => `${origin}: ${e}`) };
  // The main thread was free while a worker parsed; let the input that came meanwhile through first.
  await new Promise((resolve) => setImmediate(resolve));
  return compileRuleFile(origin, parsed.content);
}

/** A YAML text's content, or its first errors (each `line N: message`). */
type Parsed = { content: unknown } | { errors: string[] };

/**
 * The parse, as the worker runs it too (its source is this function's text): aliases bounded, so
 * a "billion laughs" file does not expand without end; keys unique, as JSON files are checked.
 */
function parseYaml(parseDocument: typeof import('yaml').parseDocument, text: string): Parsed {
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0)
    return {
      errors: doc.errors
        .slice(0, 5)
        .map((e) => `${e.linePos ? `line ${e.linePos[0].line}: ` : ''}${e.message.split('\n')[0]}`),
    };
  try {
    return { content: doc.toJS({ maxAliasCount: 100 }) };
  } catch (err) {
    return { errors: [err instanceof Error ? err.message : String(err)] };
  }
}

/**
 * From this size on, a rule file's YAML is parsed on a worker thread: a file near the 1 MiB cap
 * takes seconds to parse (the yaml package, mostly its garbage), and the passthrough, on the
 * main thread, must not wait for it (issue 24, item 5). Smaller files (the presets) parse in
 * milliseconds, less than a worker's start.
 */
export const OFF_THREAD_CHARS = 128 * 1024;

/**
 * Parses on a worker thread; undefined when no worker can load the yaml package (the standalone
 * and the action's bundles hold it inside: there the parse runs on the main thread, as before).
 */
async function parseYamlOffThread(text: string): Promise<Parsed | undefined> {
  const yaml = yamlModulePath();
  if (yaml === undefined) return undefined;
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  // __name: esbuild's keepNames (dist/main.cjs) may name the function's inner functions with it.
  const source = `const { parentPort, workerData } = require('node:worker_threads');
const __name = (f) => f;
const parseYaml = ${parseYaml.toString()};
parentPort.postMessage(parseYaml(require(workerData.yaml).parseDocument, workerData.text));`;
  return new Promise((resolve) => {
    const worker = new Worker(source, { eval: true, workerData: { yaml, text } });
    worker.unref();
    worker.once('message', (m: Parsed) => {
      resolve(m);
      void worker.terminate();
    });
    // A worker that cannot start or load yaml: the parse runs here instead.
    worker.once('error', () => resolve(undefined));
    worker.once('exit', () => resolve(undefined));
  });
}

/** The yaml package's file, for the worker's require(); undefined inside a bundle without node_modules. */
function yamlModulePath(): string | undefined {
  try {
    // ES modules (dist/lib): import.meta.resolve; the CommonJS bundle (dist/main.cjs): require.resolve.
    const resolve = (import.meta as { resolve?: (s: string) => string }).resolve;
    if (typeof resolve === 'function') return process.getBuiltinModule('node:url').fileURLToPath(resolve('yaml'));
    return typeof require === 'function' ? require.resolve('yaml') : undefined;
  } catch {
    return undefined;
  }
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

/** Compiles each file's text; every error of every file is returned, not only the first. */
export async function compileRuleTexts(
  texts: ReadonlyArray<readonly [string, string]>,
): Promise<{ sets: RuleSet[]; errors: string[] }> {
  const sets: RuleSet[] = [];
  const errors: string[] = [];
  for (const [path, text] of texts) {
    const loaded = await loadRuleText(path, text);
    if ('errors' in loaded) errors.push(...loaded.errors);
    else sets.push(loaded.set);
  }
  return { sets, errors };
}

/** Reads and compiles each file; every error of every file is returned, not only the first. */
export async function loadRuleFiles(
  paths: readonly string[],
  readText: (path: string) => string,
): Promise<{ sets: RuleSet[]; errors: string[] }> {
  const texts: Array<[string, string]> = [];
  const errors: string[] = [];
  for (const path of paths) {
    try {
      texts.push([path, readText(path)]);
    } catch (err) {
      errors.push(`--rules ${path}: cannot read it: ${fileProblem(err)}`);
    }
  }
  const compiled = await compileRuleTexts(texts);
  return { sets: compiled.sets, errors: [...errors, ...compiled.errors] };
}
