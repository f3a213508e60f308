// The single-file bundle (scripts/bundle.js, esbuild) must behave exactly like the package:
// it is built into an empty directory (no package.json, no node_modules anywhere above it)
// and run through golden cases that reach each parser and each dependency it inlines (the
// extraction itself is the same code for every case: test/e2e/golden.test.ts runs them all in
// process), a wrap-mode run, and real pushes — the HTTP layer and the backends are imported
// lazily, so only a real push proves the bundle holds them.

import t from 'tap';
import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fullHelp } from '../../lib/cli/help.js';
import { startDtEmulator } from '../support/dt-emulator.js';
import { countLines, limiter, loadGoldenCases } from '../support/golden.js';
import { startPushgateway } from '../support/pushgateway.js';
import { seriesList } from '../support/series-list.js';
import { noteSpawns } from '../support/spawn-note.js';
import { makeSandbox, PACKAGE, ROOT, runCommand, runShell } from './sandbox.js';

const execFileAsync = promisify(execFile);
// Patterns over CRLF input, the default parsers (key=value, Prometheus text), JSONPath
// (jsonpath-plus, filters), XML (sax), YAML (yaml), presets with units, two presets at once.
const BUNDLE_CASES = [
  'dotnet-test-windows-crlf',
  'infracost-breakdown-json',
  'mixed-app-log',
  'preset-jest-coverage-text',
  'preset-junit-surefire',
  'preset-k6-full',
  'preset-stress-ng-yaml',
  'preset-trivy-schema2-image',
  'prometheus-metrics-dump',
  'pytest-conftest-kv',
];
const dir = mkdtempSync(join(tmpdir(), 'jes-bundle-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const built = join(dir, 'build', 'jes-metrics-pipe.mjs');
const { NODE_OPTIONS: _loaders, ...plainEnv } = process.env;

if (!existsSync(join(ROOT, 'dist', 'bin', 'jes-metrics-pipe.js'))) {
  t.fail('the CLI is not built: run npm run build');
} else {
  // The bundle alone, as an image would hold it: a copy in a directory of its own.
  const bundle = join(dir, 'jes-metrics-pipe.mjs');
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...extra,
  });

  t.test('scripts/bundle.js writes one executable file', async (t) => {
    const metafile = join(dir, 'meta.json');
    await execFileAsync(
      process.execPath,
      [join(ROOT, 'scripts', 'bundle.js'), '--outfile', built, '--metafile', metafile],
      { cwd: ROOT, env: plainEnv },
    );
    const inputs = Object.keys(
      (JSON.parse(readFileSync(metafile, 'utf8')) as { inputs: Record<string, unknown> }).inputs,
    );
    t.ok(inputs.includes('node_modules/undici/lib/dispatcher/agent.js'), "undici's agent is in");
    const unused =
      /^node_modules\/undici\/(index\.js$|lib\/(web\/(websocket|eventsource|cache)|mock|cache|interceptor)\/)/;
    t.same(
      inputs.filter((i) => unused.test(i)),
      [],
      "undici's index and the parts it loads for others (WebSocket, EventSource, caches, mocks, interceptors) are left out",
    );
    copyFileSync(built, bundle);
    const text = readFileSync(bundle, 'utf8');
    t.ok(text.startsWith('#!/usr/bin/env node\n'), 'starts with a shebang');
    t.notMatch(text, /from ['"]\.\.?\//, 'no relative import is left (the lazy imports are inlined)');
    t.notMatch(
      text,
      /import\(['"](undici|prom-client|jsonpath-plus)['"]\)|from ['"](undici|prom-client|jsonpath-plus)['"]/,
      'no dependency is imported from node_modules',
    );
    t.comment(`bundle size: ${statSync(bundle).size} bytes`);
  });

  t.test('--version and --help', async (t) => {
    const version = await runCommand(process.execPath, [bundle, '--version'], { env: env(), cwd: dir });
    t.equal(version.stdout.toString().trim(), PACKAGE.version, 'the version is baked in');
    const help = await runCommand(process.execPath, [bundle, '--help'], { env: env(), cwd: dir });
    t.equal(help.stdout.toString('utf8'), fullHelp(), 'the help text');
    // On the PATH through a link without extension, as examples/docker/bundle.Dockerfile does.
    const link = join(dir, 'jes-metrics-pipe');
    symlinkSync(bundle, link);
    const linked = await runCommand(link, ['--version'], { env: env(), cwd: dir });
    t.equal(linked.stdout.toString().trim(), PACKAGE.version, 'runs through a link named jes-metrics-pipe');
  });

  t.test('golden cases through each parser and inlined dependency', async (t) => {
    const pool = limiter(4);
    const cases = loadGoldenCases().filter((c) => BUNDLE_CASES.includes(c.name));
    if (process.env.GOLDEN_ONLY === undefined) t.equal(cases.length, BUNDLE_CASES.length, 'every chosen case exists');
    await Promise.all(
      cases.map((c) =>
        pool(async () => {
          const file = join(dir, `${c.name}.dry-run`);
          const r = await runCommand(process.execPath, [bundle, ...c.args, '--dry-run', '--dry-run-file', file], {
            env: env(c.env),
            cwd: dir,
            input: c.input,
          });
          t.test(c.name, async (t) => {
            t.equal(r.status, 0, 'exit status 0', { stderr: r.stderr });
            t.ok(r.stdout.equals(c.input), 'stdout is the input byte for byte');
            t.match(r.stderr, new RegExp(`\\b${countLines(c.input)} lines? read\\b`), 'summary counts every line');
            const found = existsSync(file) ? seriesList(readFileSync(file, 'utf8')) : undefined;
            if (c.todo !== undefined)
              t.equal(found, c.golden?.toString('utf8'), 'the series found equal expected.series', { todo: c.todo });
            else t.equal(found, c.golden?.toString('utf8'), 'the series found equal expected.series');
          });
        }),
      ),
    );
  });

  t.test('wrap mode passes the tool status on', async (t) => {
    const sandbox = makeSandbox(t, [process.execPath, bundle]);
    const r = await runShell(
      "jes-metrics-pipe --integration k6 --pattern 'http_reqs=^\\s*http_reqs\\.+: (?<value>\\d+)' -- k6 run load.js",
      {
        env: sandbox.env({ K6_EXIT: '99' }),
        cwd: sandbox.dir,
      },
    );
    t.equal(r.status, 99, "k6's exit status");
    t.match(sandbox.takeDryRun(), /^keptn_k6_http_reqs\{ci_platform="keptn"\} 190$/m, 'the metric from k6 output');
  });

  t.test('wrap mode spawns the tool before the program runs (bin/early-tool.cjs)', async (t) => {
    const r = await noteSpawns(bundle, ['--dry-run', '--integration', 'early', '--', 'sh', '-c', 'echo done=1']);
    t.equal(r.status, 0, r.stderr);
    t.same(r.spawns, [{ file: 'sh', programRan: false, mainLoaded: false }], 'one spawn, before the program');
    // An option that runs no tool starts none, in the bundle too.
    const version = await noteSpawns(bundle, ['--version', '--', 'sh', '-c', 'echo done=1']);
    t.equal(version.status, 0, version.stderr);
    t.same(version.spawns, [], '--version: nothing spawned');
  });

  t.test('pushes for real: a Pushgateway and the Dynatrace emulator', async (t) => {
    const pgw = await startPushgateway();
    t.teardown(() => pgw.stop());
    const dt = await startDtEmulator();
    t.teardown(() => dt.close());
    // Which of Node's modules the run loaded, written by a preload at exit (see lazyHttp2ForUndici
    // in scripts/bundle.js: undici's HTTP/2 client must not load node:http2 for an HTTP/1 push).
    // Started through `env -i`: tap instruments the children it sees spawned (NODE_OPTIONS), and
    // its hooks load modules of their own (child_process, worker_threads, inspector).
    const loadedFile = join(dir, 'loaded-modules.txt');
    const preload = join(dir, 'record-modules.cjs');
    writeFileSync(
      preload,
      `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, process.moduleLoadList.join('\\n')));\n`,
    );
    const runEnv = env({
      PROM_GATEWAY: pgw.url.replace('http://', ''),
      DT_TENANT: dt.url,
      DT_API_TOKEN: dt.token,
      KEPTN_PROJECT: 'sockshop',
      KEPTN_STAGE: 'dev',
      KEPTN_SERVICE: 'carts',
    });
    const r = await runCommand(
      '/usr/bin/env',
      [
        '-i',
        ...Object.entries(runEnv).map(([k, v]) => `${k}=${v}`),
        process.execPath,
        '--require',
        preload,
        bundle,
        '--integration',
        'bundle',
        '--fail-on-push-error',
      ],
      {
        env: runEnv,
        cwd: dir,
        input: 'coverage=87.5\n',
      },
    );
    t.equal(r.status, 0, 'exit status 0', { stderr: r.stderr });
    t.match(r.stderr, /pushgateway: 200/, 'the Pushgateway accepted the push');
    const stored = (await pgw.series()).filter((s) => s.name === 'keptn_bundle_coverage');
    t.equal(stored.length, 1, 'the Pushgateway stores the series');
    t.equal(stored[0]?.labels.keptn_project, 'sockshop');
    t.equal(Number(stored[0]?.value), 87.5);
    t.same(
      dt.ingested.map((l) => [l.key, l.value]),
      [['keptn_bundle_coverage', 87.5]],
      'Dynatrace ingested the line',
    );
    t.equal(
      dt.requests[0]?.headers['user-agent'],
      `jes-metrics-pipe/${PACKAGE.version}`,
      'the User-Agent carries the baked-in version',
    );
    const loaded = readFileSync(loadedFile, 'utf8').split('\n');
    t.ok(loaded.includes('NativeModule http'), 'the preload recorded the modules (node:http is there)');
    t.notOk(loaded.includes('NativeModule http2'), 'node:http2 was not loaded for an HTTP/1 push');
    t.notOk(loaded.includes('NativeModule child_process'), 'node:child_process was not loaded in filter mode');
  });
}
