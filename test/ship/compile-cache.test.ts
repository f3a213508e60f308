// The package's bin (dist/cli.cjs, bin/entry.cjs) turns Node's compile cache on before it loads
// the program: on Node 22.1+ a run leaves the program's compiled code in NODE_COMPILE_CACHE, and
// NODE_DISABLE_COMPILE_CACHE=1 turns that off; Node 20 has no such cache and runs the same.
// .ci/node-versions.sh runs this file on Node 22 and 24 too.
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../support/cli.js';
import { runCommand } from './sandbox.js';

const dir = mkdtempSync(join(tmpdir(), 'jes-compile-cache-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
const hasCache = major > 22 || (major === 22 && minor >= 1);

/** Every file below `d`, as paths relative to it. */
function files(d: string): string[] {
  if (!existsSync(d)) return [];
  return readdirSync(d, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

async function dryRun(env: Record<string, string>): Promise<void> {
  const r = await runCommand(process.execPath, [CLI, '--integration', 'cache', '--dry-run-file', '/dev/null'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    cwd: dir,
    input: 'a=1\n',
  });
  if (r.status !== 0 || !/1 metric found/.test(r.stderr)) throw new Error(`exit ${r.status}: ${r.stderr}`);
}

t.test(`Node ${process.versions.node}: a run ${hasCache ? 'fills' : 'has no'} compile cache`, async (t) => {
  const cache = join(dir, 'on');
  await dryRun({ NODE_COMPILE_CACHE: cache });
  if (hasCache) t.ok(files(cache).length > 0, 'entries in NODE_COMPILE_CACHE after one run');
  else t.same(files(cache), [], 'nothing written');
  // A second run reads what the first wrote, and runs the same.
  await dryRun({ NODE_COMPILE_CACHE: cache });
});

t.test('NODE_DISABLE_COMPILE_CACHE=1 turns it off', async (t) => {
  const cache = join(dir, 'off');
  await dryRun({ NODE_COMPILE_CACHE: cache, NODE_DISABLE_COMPILE_CACHE: '1' });
  t.same(files(cache), [], 'nothing written');
});
