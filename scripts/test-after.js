// tap's `after` step (.taprc): the failures of this run, one line each, at the very end of the
// output, so a failure is not buried above thousands of lines of TAP. Reads the per-file results
// tap keeps in .tap/test-results/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, '.tap/test-results');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.tap') ? [path] : [];
  });
}

/** `not ok` lines whose subtests passed are the parents of a failure: keep the innermost ones. */
function failures(tap) {
  const found = [];
  const open = [];
  for (const line of tap.split('\n')) {
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const depth = subtest[1].length / 4;
      open.length = depth;
      open[depth] = subtest[2];
      continue;
    }
    const notOk = /^(\s*)not ok \d+ - (.*?)(?: # (?:time|TODO|SKIP).*)?$/.exec(line);
    if (!notOk || / # (TODO|SKIP)/.test(line)) continue;
    const depth = notOk[1].length / 4;
    const path = open.slice(0, depth).filter(Boolean);
    if (found.some((f) => f.depth > depth && f.path.slice(0, path.length).join('\0') === path.join('\0'))) continue;
    found.push({ depth, path: [...path, notOk[2]] });
  }
  return found.filter(
    (f) => !found.some((g) => g.depth > f.depth && g.path.slice(0, f.path.length).join('\0') === f.path.join('\0')),
  );
}

const startedFile = join(root, '.tap/run-started');
const started = existsSync(startedFile) ? Number(readFileSync(startedFile, 'utf8')) : 0;

if (existsSync(results)) {
  const lines = [];
  // Results of files this run did not run are left from an earlier run.
  for (const file of files(results)
    .filter((f) => statSync(f).mtimeMs >= started)
    .sort()) {
    const name = relative(results, file).replace(/\.tap$/, '');
    for (const f of failures(readFileSync(file, 'utf8'))) lines.push(`  ${name}: ${f.path.join(' > ')}`);
  }
  if (lines.length > 0) process.stdout.write(`\n# ${lines.length} failed:\n${lines.map((l) => `#${l}`).join('\n')}\n`);
}
