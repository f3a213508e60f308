#!/usr/bin/env node
// Builds the CLI into one file, from the compiled output (dist/bin, dist/lib; run `npm run build`
// first, as `npm run bundle` does), so that it runs exactly the code tsc compiled. Two kinds:
//
//   --cli        dist/main.cjs, started by dist/cli.cjs (bin/entry.cjs, which first turns on Node's
//                compile cache and starts a wrapped tool, bin/early-tool.cjs, inlined into it), what
//                the npm package's `bin` runs (`npm run build` writes both): our
//                code in one file, the dependencies still loaded from node_modules, so npm's
//                version ranges keep bringing their fixes. One file instead of ~45 ES modules:
//                Node resolves, reads and links each module on its own, about 35 ms of every
//                start measured here. And a CommonJS file, not an ES module: Node's ES module
//                loader costs about 9 ms of every start, and an import() of a CommonJS
//                dependency (undici, prom-client) wraps it as an ES module, about 8 ms more
//                (docs/decisions/start-up.md).
//   (default)    dist/jes-metrics-pipe.mjs, the standalone bundle: our code and the dependencies,
//                for images that have Node but where `npm install` is unwelcome (the Dockerfile
//                runs it). It starts a wrapped tool first (bin/early-tool.cjs, see earlyToolStart).
//
//   --action     action/dist/index.cjs, the GitHub Action's program (action.yml): the action's entry
//                (bin/github-action.ts) with our code and the dependencies in one CommonJS file,
//                since an action runs from its repository, without node_modules. Committed, as
//                actions commit their dist/; test/ship/action.test.ts checks that it equals a
//                fresh build, so this build must not depend on the machine: no path and nothing
//                from the Node that builds goes into it.
//
//   node scripts/bundle.js [--cli | --action] [--outfile PATH] [--metafile PATH]
//   (with --cli, --outfile names the program, main.cjs; the entry is written beside it as cli.cjs)

import { build } from 'esbuild';
import { chmodSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import http2 from 'node:http2';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const { values } = parseArgs({
  options: {
    cli: { type: 'boolean', default: false },
    action: { type: 'boolean', default: false },
    outfile: { type: 'string' },
    metafile: { type: 'string' },
  },
});
const outfile =
  values.outfile ??
  (values.action ? `${root}action/dist/index.cjs` : `${root}dist/${values.cli ? 'main.cjs' : 'jes-metrics-pipe.mjs'}`);

// lib/sinks/http/undici.ts loads undici's parts from their own files and falls back to undici's index
// only if a later undici moved them. The bundle holds the parts it was built with, so that
// fallback can never run in it: leaving the index out (fetch, WebSocket, caches, mocks) makes
// the bundle about a third smaller, and Node parses all of it at every start.
const withoutUndiciIndex = {
  name: 'without-undici-index',
  setup(b) {
    b.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer.endsWith('/dist/lib/sinks/http/undici.js')
        ? { path: 'undici-index', namespace: 'jes-stub' }
        : undefined,
    );
    b.onLoad({ filter: /^undici-index$/, namespace: 'jes-stub' }, () => ({
      contents: "throw new Error('undici index left out of the bundle');",
      loader: 'js',
    }));
  },
};

// undici's HTTP/2 client (client-h2.js) loads node:http2 when it is itself loaded, for a few
// header-name constants; it connects over HTTP/2 only with `allowH2`, which this program never
// sets. Loading node:http2 (and with it node:tls and node:crypto) cost about 25 ms of every
// run that pushes, measured here. In the bundle, client-h2.js gets the same constants (fixed
// by the HTTP/2 protocol, copied from the Node that builds) and the real module on first use.
const lazyHttp2ForUndici = {
  name: 'lazy-http2-for-undici',
  setup(b) {
    b.onResolve({ filter: /^node:http2$/ }, (args) =>
      args.importer.endsWith('/undici/lib/dispatcher/client-h2.js')
        ? { path: 'lazy-http2', namespace: 'jes-stub' }
        : undefined,
    );
    b.onLoad({ filter: /^lazy-http2$/, namespace: 'jes-stub' }, () => ({
      contents: [
        `const constants = ${JSON.stringify(usedHttp2Constants())};`,
        "const real = () => require('node:http2');",
        'module.exports = { constants, connect: (...args) => real().connect(...args) };',
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// Only the constants client-h2.js names (header names and error codes, fixed by RFC 9113): the
// whole table differs between Node versions, and the bundle should not.
function usedHttp2Constants() {
  const source = readFileSync(join(root, 'node_modules/undici/lib/dispatcher/client-h2.js'), 'utf8');
  const names = [...new Set(source.match(/\bHTTP2_[A-Z0-9_]+\b/g) ?? [])].sort();
  return Object.fromEntries(names.filter((n) => n in http2.constants).map((n) => [n, http2.constants[n]]));
}

/**
 * The standalone bundle's first statement: bin/early-tool.cjs, the npm package's early start of a
 * wrapped tool, called as bin/entry.cjs calls it. It runs before the program's modules are
 * evaluated; what it cannot skip is Node reading and compiling the whole file first.
 */
async function earlyToolStart() {
  const { outputFiles } = await build({
    stdin: {
      contents: "require('./early-tool.cjs')(process.argv.slice(2));",
      resolveDir: join(root, 'bin'),
      sourcefile: 'early-tool-start.cjs',
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'iife',
    minify: true,
    write: false,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  return outputFiles[0].text.trim();
}

const common = {
  entryPoints: [`${root}dist/bin/jes-metrics-pipe.js`],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  // No splitting: the lazy `await import('./x.js')`s in lib/ are inlined into this one file.
  splitting: false,
  metafile: true,
  logLevel: 'warning',
  // lib/version.ts reads package.json beside the code; baked in here, it need not be found.
  define: { __JES_METRICS_PIPE_VERSION__: JSON.stringify(pkg.version) },
};

const result = values.action
  ? await build({
      ...common,
      entryPoints: [`${root}dist/bin/github-action.js`],
      format: 'cjs',
      supported: { 'dynamic-import': false },
      logOverride: { 'empty-import-meta': 'silent' },
      minify: true,
      keepNames: true,
      legalComments: 'eof',
      plugins: [withoutUndiciIndex, lazyHttp2ForUndici],
      // The files' paths stay relative to the repository (and out of the minified output).
      absWorkingDir: root,
    })
  : values.cli
    ? await build({
        ...common,
        format: 'cjs',
        // The dependencies stay outside, resolved from node_modules at run time, and a lazy
        // import() of one becomes a require(): they are CommonJS, and Node would otherwise wrap
        // each in an ES module (its exports found by parsing its source) on the way in.
        packages: 'external',
        supported: { 'dynamic-import': false },
        // lib/version.ts reads package.json through import.meta.url unless the version is baked
        // in (`define` above), which it always is here: CommonJS has no import.meta to warn about.
        logOverride: { 'empty-import-meta': 'silent' },
        // Not minified: an internal error's stack trace reads like the source.
        minify: false,
      })
    : await build({
        ...common,
        format: 'esm',
        minify: true,
        // Keep class and function names, so an internal-error stack trace stays readable.
        keepNames: true,
        legalComments: 'eof',
        plugins: [withoutUndiciIndex, lazyHttp2ForUndici],
        banner: {
          // esbuild keeps the entry's shebang. CommonJS dependencies (prom-client,
          // through2) call require() for Node built-ins, which an ES module has to be given.
          // Then the wrapped tool starts, before any of the program's modules runs.
          js: [
            "import { createRequire as __jesCreateRequire } from 'node:module';",
            'const require = __jesCreateRequire(import.meta.url);',
            await earlyToolStart(),
          ].join('\n'),
        },
      });

if (values.cli) {
  // The entry requires ./main.cjs: the program keeps that name wherever it is written.
  if (!outfile.endsWith('/main.cjs'))
    throw new Error(`--cli: the program must be written as main.cjs (got ${outfile})`);
  const entry = join(dirname(outfile), 'cli.cjs');
  // One file, as bin/entry.cjs with bin/early-tool.cjs inlined: the program stays outside.
  await build({
    entryPoints: [join(root, 'bin', 'entry.cjs')],
    outfile: entry,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['./main.cjs'],
    logLevel: 'warning',
    absWorkingDir: root,
  });
  chmodSync(entry, 0o755);
}
if (values.metafile) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(values.metafile, JSON.stringify(result.metafile));
}
const [out] = Object.entries(result.metafile.outputs);
if (out) process.stderr.write(`bundle: ${out[0]} ${out[1].bytes} bytes, version ${pkg.version}\n`);
