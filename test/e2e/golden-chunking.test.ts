// The whole program, in process, on golden inputs cut into reads at random places (fast-check):
// stdout is still the input byte for byte and the series found are still the golden's. The
// splitter itself is property-tested over any input in test/input/lines-chunking.test.ts; the same
// through the built CLI and a real pipe: test/e2e/golden-pipe.test.ts.
import t from 'tap';
import fc from 'fast-check';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awkwardCuts, loadGoldenCases } from '../support/golden.js';
import { piecesOf, runInProcess } from '../support/in-process.js';
import { seriesList } from '../support/series-list.js';

// Inputs with CRLF, multi-byte UTF-8 or lone CRs (progress output), and one of each parser kind.
const CHUNKED = [
  'dotnet-test-windows-crlf',
  'k6-summary',
  'preset-autocannon-text',
  'preset-tap-node-spec',
  'preset-junit-surefire',
  'preset-k6-full',
];
const cases = loadGoldenCases().filter((c) => CHUNKED.includes(c.name));
const workDir = await mkdtemp(join(tmpdir(), 'golden-chunking-'));
t.teardown(() => rm(workDir, { recursive: true, force: true }));

if (process.env.GOLDEN_ONLY === undefined) t.equal(cases.length, CHUNKED.length, 'every chosen case exists');
for (const c of cases) {
  t.test(c.name, async (t) => {
    // Random cuts, plus every awkward place of the input (inside a character, after a CR) at once.
    const randomCuts = fc.sample(
      fc.uniqueArray(fc.integer({ min: 1, max: c.input.length - 1 }), { minLength: 1, maxLength: 200 }),
      { numRuns: 3, seed: 25 },
    );
    const feedings = [...randomCuts, awkwardCuts(c.input)].map((cuts) => [...cuts].sort((a, b) => a - b));
    for (const [i, cuts] of feedings.entries()) {
      const file = join(workDir, `${c.name}.${i}.dry-run`);
      const r = await runInProcess([...c.args, '--dry-run', '--dry-run-file', file], {
        env: c.env,
        input: piecesOf(c.input, cuts),
      });
      const how = `(${cuts.length} cuts)`;
      t.equal(r.status, 0, `exit status 0 ${how}`, { stderr: r.stderr });
      t.ok(r.stdout.equals(c.input), `stdout is the input byte for byte ${how}`);
      const found = existsSync(file) ? seriesList(await readFile(file, 'utf8')) : undefined;
      t.equal(
        found,
        c.golden?.toString('utf8'),
        `the series found equal expected.series ${how}`,
        c.todo !== undefined ? { todo: c.todo } : {},
      );
    }
  });
}
