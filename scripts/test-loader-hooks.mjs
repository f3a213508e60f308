// Module hooks for test-loader.mjs (https://nodejs.org/api/module.html#customization-hooks).
// Each .ts file's JavaScript is kept in node_modules/.cache/jes-metrics-pipe-tests/js/, named by
// a hash of its source: the 173 test processes of a run would otherwise each start esbuild and
// strip the same lib/ modules again. esbuild is loaded only when a source is not in the cache.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const CACHE = fileURLToPath(new URL('../node_modules/.cache/jes-metrics-pipe-tests/js/', import.meta.url));
/** esbuild's options; part of each cache key, with esbuild's version. */
const OPTIONS = { loader: 'ts', format: 'esm', target: 'node20', sourcemap: 'inline' };

/** `./x.js` from a .ts file means `./x.ts` (TypeScript's NodeNext convention) when that exists. */
export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL;
  if (parent?.endsWith('.ts') && /^\.\.?\//.test(specifier) && specifier.endsWith('.js')) {
    const ts = new URL(`${specifier.slice(0, -3)}.ts`, parent);
    if (existsSync(ts)) return { url: ts.href, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

let esbuild;
let esbuildVersion;

function esbuildVersionOnDisk() {
  const pkg = fileURLToPath(new URL('../node_modules/esbuild/package.json', import.meta.url));
  return (esbuildVersion ??= existsSync(pkg) ? JSON.parse(readFileSync(pkg, 'utf8')).version : 'unknown');
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const path = fileURLToPath(url);
  const source = await readFile(path, 'utf8');
  const key = createHash('sha256')
    .update(`${esbuildVersionOnDisk()}\0${JSON.stringify(OPTIONS)}\0${path}\0${source}`)
    .digest('hex');
  const cached = join(CACHE, `${key}.js`);
  try {
    return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  } catch {
    // Not there yet: esbuild makes it.
  }
  esbuild ??= await import('esbuild');
  const { code } = await esbuild.transform(source, { ...OPTIONS, sourcefile: path });
  try {
    mkdirSync(CACHE, { recursive: true });
    // Four test processes may write the same file at once: each writes its own, then renames.
    const temp = `${cached}.${process.pid}.tmp`;
    writeFileSync(temp, code);
    renameSync(temp, cached);
  } catch {
    // Only the next process's time depends on it.
  }
  return { format: 'module', source: code, shortCircuit: true };
}
