// tap's `before` step (.taprc): rebuild dist/ when a source is newer, so `npx tap FILE` after an
// edit of lib/ tests the current code and never a stale dist/main.cjs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist/main.cjs');

function newest(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

// When this run started: the after step lists the failures of this run's results only.
mkdirSync(join(root, '.tap'), { recursive: true });
writeFileSync(join(root, '.tap/run-started'), String(Date.now()));

const sources = ['lib', 'bin', 'scripts/bundle.js', 'tsconfig.json', 'package.json']
  .map((p) => join(root, p))
  .filter(existsSync);
const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (stale) {
  process.stderr.write('test: sources changed since the last build; npm run build\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
}
