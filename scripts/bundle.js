#!/usr/bin/env node
// Builds dist/jes-metrics-pipe.mjs: the whole CLI and its runtime dependencies in one file, for
// images that have Node but where `npm install` is unwelcome (COPY it in, run it with node).
//
// It bundles the compiled output (dist/bin, dist/lib; run `npm run build` first, as
// `npm run bundle` does), so the bundle runs exactly the code the npm package ships.
//   node scripts/bundle.js [--outfile PATH] [--metafile PATH]

import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const { values } = parseArgs({
  options: { outfile: { type: 'string', default: `${root}dist/jes-metrics-pipe.mjs` }, metafile: { type: 'string' } },
});

// lib/http/undici.ts loads undici's parts from their own files and falls back to undici's index
// only if a later undici moved them. The bundle holds the parts it was built with, so that
// fallback can never run in it: leaving the index out (fetch, WebSocket, caches, mocks) makes
// the bundle about a third smaller, and Node parses all of it at every start.
const withoutUndiciIndex = {
  name: 'without-undici-index',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer.endsWith('/dist/lib/http/undici.js') ? { path: 'undici-index', namespace: 'jes-stub' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'jes-stub' }, () => ({
      contents: "throw new Error('undici index left out of the bundle');",
      loader: 'js',
    }));
  },
};

const result = await build({
  entryPoints: [`${root}dist/bin/jes-metrics-pipe.js`],
  outfile: values.outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // No splitting: the lazy `await import('./x.js')`s in lib/ are inlined into this one file.
  splitting: false,
  minify: true,
  // Keep class and function names, so an internal-error stack trace stays readable.
  keepNames: true,
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
  // lib/version.ts reads package.json beside the code; a bundle has none beside it.
  define: { __JES_METRICS_PIPE_VERSION__: JSON.stringify(pkg.version) },
  plugins: [withoutUndiciIndex],
  banner: {
    // esbuild keeps the entry's shebang. CommonJS dependencies (prom-client,
    // through2) call require() for Node built-ins, which an ES module has to be given.
    js: [
      "import { createRequire as __jesCreateRequire } from 'node:module';",
      'const require = __jesCreateRequire(import.meta.url);',
    ].join('\n'),
  },
});

if (values.metafile) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(values.metafile, JSON.stringify(result.metafile));
}
const [out] = Object.entries(result.metafile.outputs);
if (out) process.stderr.write(`bundle: ${out[0]} ${out[1].bytes} bytes, version ${pkg.version}\n`);
