// Document marks (`marks:` in a rule file, lib/extract/rules/model.ts): at end of input, whether the input
// is a JSON document in which a mark's JSONPath selects something, or an XML document whose
// root element a mark names. Line marks are matched with the line rules (lib/extract/rules/line-rules.ts).

import {
  couldSelect,
  findJsonDocuments,
  findJsonDocumentsNear,
  hasKeys,
  loadJsonPath,
  requiredKeysOf,
} from './documents.js';
import type { Mark } from './model.js';
import { firstLineStartingWithLt, loadSax } from './xml-rules.js';

/**
 * The marks of `marks` that the document `text` shows (by index); JSON and XML are parsed only when
 * a mark asks. `near` (--preset auto): JSON lines are read only near the start and the end of the
 * input (lib/extract/rules/documents.ts, findJsonDocumentsNear).
 */
export async function documentMarksSeen(
  text: string,
  marks: readonly Mark[],
  near?: { head: number; tail: number },
): Promise<Set<number>> {
  const seen = new Set<number>();
  const json = marks.flatMap((m, i) => (m.kind === 'json' ? [{ i, path: m.path }] : []));
  const xml = marks.flatMap((m, i) => (m.kind === 'xml' ? [{ i, root: m.root }] : []));
  if (json.length > 0) {
    const { documents, lines } =
      near === undefined ? findJsonDocuments(text) : findJsonDocumentsNear(text, near.head, near.tail);
    if (documents.length > 0) {
      // Loaded only when a JSON mark is given, as for JSON rules.
      const { JSONPath } = await loadJsonPath();
      // JSON lines: a root filter tests each line's object, as for JSON rules (lib/extract/rules/json-rules.ts).
      const each = (path: string, json: unknown): unknown => (lines === true && /^\$\[\?/.test(path) ? [json] : json);
      for (const { i, path } of json) {
        // A document without the keys the path needs selects nothing: JSONPath is not asked (lib/extract/rules/documents.ts).
        const segments = JSONPath.toPathArray(path);
        const required = requiredKeysOf(path, segments, lines === true && /^\$\[\?/.test(path));
        const could = (json: unknown): boolean => hasKeys(json, required) && couldSelect(segments, each(path, json));
        if (documents.some((json) => could(json) && selectsSomething(JSONPath, path, each(path, json)))) seen.add(i);
      }
    }
  }
  if (xml.length > 0) {
    const root = await xmlRoot(text);
    for (const m of xml) if (m.root === root) seen.add(m.i);
  }
  return seen;
}

function selectsSomething(JSONPath: typeof import('jsonpath-plus').JSONPath, path: string, json: unknown): boolean {
  if (typeof json !== 'object' || json === null) return false;
  let found = false;
  try {
    JSONPath({
      path,
      json,
      wrap: true,
      eval: 'safe',
      callback: () => {
        found = true;
        throw new Found();
      },
    });
  } catch (err) {
    // Found: the first match is enough. Anything else (a document nested too deeply): not seen.
    if (!(err instanceof Found)) return false;
  }
  return found;
}

class Found extends Error {}

/** The last input's root (every preset with an XML mark asks about the same text). */
let lastRoot: { text: string; root: Promise<string | undefined> } | undefined;

/** The name of the root element of the XML document in `text` (from its first line that starts with `<`), or undefined. */
export function xmlRoot(text: string): Promise<string | undefined> {
  if (lastRoot === undefined || lastRoot.text !== text) lastRoot = { text, root: readXmlRoot(text) };
  return lastRoot.root;
}

async function readXmlRoot(text: string): Promise<string | undefined> {
  const start = firstLineStartingWithLt(text);
  if (start < 0) return undefined;
  const sax = await loadSax();
  const parser = sax.parser(true, { trim: false, normalize: false });
  let root: string | undefined;
  let done = false;
  parser.onopentag = (tag) => {
    // The first element, unless something not XML came before it.
    if (!done) root = tag.name;
    done = true;
  };
  parser.onerror = () => {
    done = true;
  };
  // Only up to the root's start tag: the rest of the document is the rules' to read.
  const PIECE = 4096;
  try {
    for (let at = start; at < text.length && !done; at += PIECE) parser.write(text.slice(at, at + PIECE));
  } catch {
    // not XML up to its root element
  }
  return root;
}
