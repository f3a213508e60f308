// tap's `after` step (.taprc): the failures of this run, one line each, at the very end of the
// output, so a failure is not buried above thousands of lines of TAP. Reads the per-file results
// tap keeps in .tap/test-results/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failures } from './tap-failures.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = join(root, '.tap/test-results');

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.tap') ? [path] : [];
  });
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
