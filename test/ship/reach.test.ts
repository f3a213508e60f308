// Every module in lib/ is live and tested (issue 25, item 3): reached from an entry in bin/ by
// its imports, and imported by some test file (test/**/*.test.ts) for its values. The unit test of
// lib/<path>.ts is test/<path>.test.ts (CONTRIBUTING.md, "Layout"); a module reached only through
// run() in another test is not enough. Pure file reading: the relative imports of each file
// (static, re-exports and import('…') with a literal), resolved the way tsc's NodeNext does (.js -> .ts).
// A module that exports types only is exempt from the test rule: it has no behaviour to test.

import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './sandbox.js';

/** The entries: the program and the GitHub Action (bin/entry.cjs only loads the program's bundle). */
const ENTRIES = ['bin/jes-metrics-pipe.ts', 'bin/github-action.ts'];

interface Import {
  /** Repository-relative path of the imported module. */
  path: string;
  /** `import type …` / `export type … from`: nothing of it is loaded at run time. */
  typeOnly: boolean;
}

const tsFiles = (dir: string): string[] =>
  (readdirSync(join(ROOT, dir), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f))
    .sort();

/** Static imports and re-exports start a line; a dynamic import is anywhere outside a comment. */
const STATIC = /^(?:import|export)\s+(type\s+)?([^;'"]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gms;
const DYNAMIC = /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Only `{ type A, type B }`: an import of types written inside the braces. */
const allTypes = (clause: string): boolean => {
  const names = /\{([^}]*)\}/.exec(clause)?.[1];
  if (names === undefined || /^\s*[\w$]+\s*,/.test(clause)) return false;
  const parts = names
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return parts.length > 0 && parts.every((s) => s.startsWith('type '));
};

function resolveImport(from: string, spec: string): string | undefined {
  const base = join(dirname(from), spec);
  for (const p of [base.replace(/\.js$/, '.ts'), base, `${base}.ts`, join(base, 'index.ts')])
    if (existsSync(join(ROOT, p)) && p.endsWith('.ts')) return p;
  return undefined;
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(STATIC)) {
    const path = resolveImport(file, m[3]!);
    if (path !== undefined) out.push({ path, typeOnly: m[1] !== undefined || allTypes(m[2] ?? '') });
  }
  const code = text
    .split('\n')
    .filter((l) => !/^\s*(\/\/|\*|\/\*)/.test(l))
    .join('\n');
  for (const m of code.matchAll(DYNAMIC)) {
    const path = resolveImport(file, m[1]!);
    if (path !== undefined) out.push({ path, typeOnly: false });
  }
  return out;
}

/** True when every export of the module is an interface or a type. */
function exportsTypesOnly(file: string): boolean {
  const exports = readFileSync(join(ROOT, file), 'utf8').match(/^export\s+(?:declare\s+)?\w+/gm) ?? [];
  return exports.length > 0 && exports.every((e) => /\s(interface|type)$/.test(e));
}

const LIB = tsFiles('lib');
const TESTS = tsFiles('test').filter((f) => f.endsWith('.test.ts'));

t.test('every lib module is reached from an entry in bin/', async (t) => {
  const reached = new Set<string>();
  const todo = [...ENTRIES];
  for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
    if (reached.has(f)) continue;
    reached.add(f);
    for (const i of importsOf(f)) todo.push(i.path);
  }
  const dead = LIB.filter((f) => !reached.has(f));
  t.same(dead, [], 'modules no entry imports, directly or not (dead code)');
});

/**
 * Modules that still have no unit test of their own (reached only through run() or a backend in
 * other tests). The list only shrinks: a new module without a test fails, and so does a listed
 * one that got its test (take it off the list).
 */
const NOT_YET_TESTED: readonly string[] = [];

/** Modules a test loads from their build (`dist/lib/<path>.js`, in a child process): tested too. */
function builtModulesOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/\bdist\/(lib\/[\w./-]+)\.js\b/g)].map((m) => `${m[1]}.ts`);
}

t.test('every lib module with values is imported by a test file', async (t) => {
  const tested = new Set([
    ...TESTS.flatMap((f) => importsOf(f).filter((i) => !i.typeOnly)).map((i) => i.path),
    ...TESTS.flatMap(builtModulesOf),
  ]);
  const untested = LIB.filter((f) => !tested.has(f) && !exportsTypesOnly(f));
  t.same(
    untested.filter((f) => !NOT_YET_TESTED.includes(f)),
    [],
    'modules no test/**/*.test.ts imports a value of: write test/<path>.test.ts',
  );
  t.same(
    NOT_YET_TESTED.filter((f) => !untested.includes(f)),
    [],
    'listed as not yet tested, but tested (or gone): take them off NOT_YET_TESTED',
  );
});

t.test('the import reader', async (t) => {
  // The reader itself, on files whose imports are known: a static value import, a type import,
  // a dynamic import and an import of types inside braces.
  const bin = importsOf('bin/jes-metrics-pipe.ts');
  t.same(
    bin.map((i) => i.path),
    ['lib/cli/run.ts', 'lib/cli/run/exit-drain.ts'],
  );
  const registry = importsOf('lib/sinks/registry.ts');
  t.match(registry, [{ path: 'lib/cli/config.ts', typeOnly: true }]);
  t.ok(registry.some((i) => i.path === 'lib/version.ts' && !i.typeOnly));
  const io = importsOf('lib/gate/io.ts');
  t.ok(
    io.some((i) => i.path === 'lib/sinks/registry.ts' && !i.typeOnly),
    'import() with a literal',
  );
  t.equal(allTypes('{ type A, type B } from '), true);
  t.equal(allTypes('{ type A, b } from '), false);
  t.equal(allTypes('D, { type A } from '), false);
  t.equal(exportsTypesOnly('lib/sinks/backend.ts'), true);
  t.equal(exportsTypesOnly('lib/cli/run.ts'), false);
  t.same(builtModulesOf('test/sinks/http/undici.test.ts'), ['lib/sinks/http/undici.ts']);
});
