// The npm package as a user gets it: `npm pack`, then the tarball installed with production
// dependencies only into a clean prefix, and the installed CLI run through a golden case.
//
// `npm pack --ignore-scripts`: `npm test` has just built dist/ (pretest), and the prepack
// rebuild would rewrite dist/ under the other test files that run the CLI at the same time.

import t from 'tap';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fullHelp } from '../../lib/cli/help.js';
import { countLines, loadGoldenCase, TOOLS_DIR } from '../support/golden.js';
import { seriesList } from '../support/series-list.js';
import { PACKAGE, ROOT, runCommand } from './sandbox.js';

const execFileAsync = promisify(execFile);
// npm without the test runner's loaders (NODE_OPTIONS) and without its update check.
const { NODE_OPTIONS: _loaders, ...plainEnv } = process.env;
const npmEnv = { ...plainEnv, npm_config_update_notifier: 'false' };
const npm = (args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> =>
  execFileAsync('npm', args, { cwd, env: npmEnv, maxBuffer: 16 << 20 });

interface PackInfo {
  filename: string;
  size: number;
  unpackedSize: number;
  files: Array<{ path: string }>;
}

/** The footprint budget of an install with production dependencies (bytes on disk). */
const FOOTPRINT_BUDGET = 15 * 1024 * 1024;

const work = mkdtempSync(join(tmpdir(), 'jes-pack-'));
t.teardown(() => rmSync(work, { recursive: true, force: true }));

if (!existsSync(join(ROOT, PACKAGE.bin['jes-metrics-pipe']!))) {
  t.fail('the CLI is not built: run npm run build');
} else {
  // Subtests run one after the other: pack, then install, then run what was installed.
  let info: PackInfo = { filename: '', size: 0, unpackedSize: 0, files: [] };
  let files: string[] = [];
  const prefix = join(work, 'prefix');
  const installedBin = join(prefix, 'node_modules', '.bin', 'jes-metrics-pipe');

  t.test('the tarball ships only what runs', async (t) => {
    const packed = JSON.parse(
      (await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT)).stdout,
    ) as PackInfo[];
    info = packed[0]!;
    files = info.files.map((f) => f.path).sort();
    t.equal(info.filename, `${PACKAGE.name}-${PACKAGE.version}.tgz`);
    const presets = readdirSync(join(ROOT, 'presets'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `presets/${f}`);
    t.same(
      files,
      ['LICENSE', 'README.md', 'dist/cli.cjs', 'dist/main.cjs', 'package.json', ...presets].sort(),
      'package.json, README.md, LICENSE, dist/cli.cjs (the bin) and dist/main.cjs (our code in one file), and the presets to read as examples (the CLI has them built in), nothing else',
    );
    // The bin turns Node's compile cache on, then starts the program beside it.
    const entry = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8');
    t.ok(entry.startsWith('#!/usr/bin/env node\n'), 'dist/cli.cjs starts with a shebang');
    t.match(
      entry,
      /enableCompileCache\?\.\(\);\s*require_early_tool\(\)\(process\.argv\.slice\(2\)\);\s*require\("\.\/main\.cjs"\);/,
      'the cache is on before the program is loaded (and the wrapped tool started before it, bin/entry.cjs with bin/early-tool.cjs inlined)',
    );
    // dist/main.cjs must be built from the current sources (npm run build), and hold no dependency:
    // those are loaded from node_modules, where npm's version ranges keep them up to date.
    const cli = readFileSync(join(ROOT, 'dist', 'main.cjs'), 'utf8');
    t.notMatch(
      cli,
      /from ['"]\.\.?\/|import\(['"]\.\.?\/|require\(['"]\.\.?\//,
      'no relative import is left: our modules are all in it',
    );
    t.match(
      cli,
      /require\("undici\/lib\/dispatcher\/agent\.js"\)/,
      'undici is loaded from node_modules, not copied in',
    );
    t.notMatch(
      cli,
      /^import |\bimport\(/m,
      'a CommonJS file: no ES import, and a dependency is require()d, not wrapped as an ES module',
    );
    t.notMatch(cli, /node_modules\//, 'no dependency file is copied in');
    t.ok(
      statSync(join(ROOT, 'dist', 'main.cjs')).mtimeMs >=
        statSync(join(ROOT, 'dist', 'bin', 'jes-metrics-pipe.js')).mtimeMs,
      'dist/main.cjs is not older than what tsc compiled',
    );
    t.ok(
      readFileSync(join(ROOT, 'LICENSE'), 'utf8').includes('Apache License'),
      'LICENSE is the Apache License, as package.json says',
    );
    t.equal((PACKAGE as unknown as { license: string }).license, 'Apache-2.0');
    t.match(PACKAGE.version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'the version is semver');
    t.comment(`tarball ${info.size} bytes, unpacked ${info.unpackedSize} bytes, ${files.length} files`);
  });

  t.test('the installed package has the runtime dependencies only', async (t) => {
    const tarball = join(work, info.filename);
    await npm(
      [
        'install',
        '--prefix',
        prefix,
        '--omit=dev',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        tarball,
      ],
      work,
    );
    const tree = JSON.parse((await npm(['ls', '--omit=dev', '--all', '--json'], prefix)).stdout) as LsNode;
    const top = tree.dependencies?.[PACKAGE.name];
    t.ok(top, 'jes-metrics-pipe is installed');
    t.same(
      Object.keys(top?.dependencies ?? {}).sort(),
      Object.keys(PACKAGE.dependencies).sort(),
      'its direct dependencies are exactly package.json "dependencies"',
    );
    const devNames = Object.keys((PACKAGE as unknown as { devDependencies: Record<string, string> }).devDependencies);
    const installed = readdirSync(join(prefix, 'node_modules')).flatMap((d) =>
      d.startsWith('@') ? readdirSync(join(prefix, 'node_modules', d)).map((s) => `${d}/${s}`) : [d],
    );
    t.same(
      installed.filter((n) => devNames.includes(n)),
      [],
      'no dev dependency is installed',
    );
    const footprint = diskUsage(join(prefix, 'node_modules'));
    t.comment(`installed footprint: ${(footprint / 1024 / 1024).toFixed(1)} MiB in ${installed.length} packages`);
    t.ok(footprint < FOOTPRINT_BUDGET, `installed footprint under ${FOOTPRINT_BUDGET / 1024 / 1024} MiB`, {
      footprint,
    });
  });

  t.test('the installed CLI runs a golden case', async (t) => {
    const c = loadGoldenCase(join(TOOLS_DIR, 'infracost-breakdown-json'), 'infracost-breakdown-json');
    const dryRunFile = join(work, 'installed.dry-run');
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...c.env };
    const r = await runCommand(installedBin, [...c.args, '--dry-run', '--dry-run-file', dryRunFile], {
      env,
      cwd: work,
      input: c.input,
    });
    t.equal(r.status, 0, 'exit status 0', { stderr: r.stderr });
    t.ok(r.stdout.equals(c.input), 'stdout is the input byte for byte');
    t.match(r.stderr, new RegExp(`\\b${countLines(c.input)} lines? read\\b`));
    t.equal(
      seriesList(readFileSync(dryRunFile, 'utf8')),
      c.golden?.toString('utf8'),
      'the series found equal the golden',
    );
    // The presets are built into dist/main.cjs: a preset run needs no file beside it.
    const k6 = loadGoldenCase(join(TOOLS_DIR, 'preset-k6-legacy'), 'preset-k6-legacy');
    const presetFile = join(work, 'installed-preset.dry-run');
    const p = await runCommand(installedBin, [...k6.args, '--dry-run', '--dry-run-file', presetFile], {
      env: { PATH: env.PATH },
      cwd: work,
      input: k6.input,
    });
    t.equal(p.status, 0, 'a --preset run: exit status 0', { stderr: p.stderr });
    t.equal(
      seriesList(readFileSync(presetFile, 'utf8')),
      k6.golden?.toString('utf8'),
      'a --preset run: the series found equal the golden',
    );
    const version = await runCommand(installedBin, ['--version'], { env, cwd: work });
    t.equal(version.stdout.toString().trim(), PACKAGE.version, '--version is the package version');
  });

  t.test('npx jes-metrics-pipe --help works from the install', async (t) => {
    const r = await runCommand('npx', ['--no-install', 'jes-metrics-pipe', '--help'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, npm_config_update_notifier: 'false' },
      cwd: prefix,
    });
    t.equal(r.status, 0, 'exit status 0', { stderr: r.stderr });
    t.equal(r.stdout.toString('utf8'), fullHelp(), 'prints the help text');
  });
}

interface LsNode {
  dependencies?: Record<string, LsNode>;
}

function diskUsage(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.blocks * 512;
  return readdirSync(path).reduce((sum, name) => sum + diskUsage(join(path, name)), st.blocks * 512);
}
