// Golden-file tests: real tools' output (test/fixtures/tools/<case>/input) through the whole
// program, in process (run() with this test's streams, test/support/in-process.ts), with
// --dry-run-file; the dry-run file must equal the case's checked-in `expected.dry-run` and stdout
// must be the input, byte for byte, however the input is cut into reads. The same cases through
// the built CLI and a real pipe: test/cli/golden-pipe.test.ts.
//
// To (re)write the goldens after an intended change:   UPDATE_GOLDEN=1 npx tap test/cli/golden.test.ts
// (GOLDEN_ONLY=REGEX: only the cases whose name matches, e.g. GOLDEN_ONLY='^preset-jest')
// then review every changed golden against its case README.md before committing it.
// A case with a TODO file has a reviewed golden that the CLI does not produce yet (the TODO says why): its
// comparison is reported as todo, while passthrough and exit status are still asserted, and
// UPDATE_GOLDEN leaves its golden alone (delete the TODO file once the CLI is fixed).

import t from 'tap';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countLines, feedingsFor, loadGoldenCases, pushgatewaySection, sampleCount } from '../support/golden.js';
import { piecesOf, runInProcess } from '../support/in-process.js';

const update = process.env.UPDATE_GOLDEN === '1';
const cases = loadGoldenCases();

if (process.env.GOLDEN_ONLY === undefined) t.ok(cases.length >= 8, `at least 8 golden cases (found ${cases.length})`);
const workDir = await mkdtemp(join(tmpdir(), 'golden-'));
t.teardown(() => rm(workDir, { recursive: true, force: true }));

for (const c of cases) {
  t.test(c.name, async (t) => {
    // Each feeding's pieces reach the program as reads of their own (one write, 1 byte, 7 bytes,
    // cut mid-UTF-8 and mid-CRLF): the places a line splitter can get wrong.
    const runs = [];
    for (const [i, feeding] of feedingsFor(c.input).entries()) {
      const file = join(workDir, `${c.name}.${i}.dry-run`);
      const result = await runInProcess([...c.args, '--dry-run', '--dry-run-file', file], { env: c.env, input: piecesOf(c.input, feeding.cuts) });
      const dryRun = existsSync(file) ? await readFile(file) : undefined;
      runs.push({ feeding, result, dryRun });
    }
    const whole = runs[0]!;
    // A TODO case's golden is the reviewed expectation, not today's output: never overwritten.
    const rewrite = update && c.todo === undefined && whole.dryRun !== undefined;
    if (rewrite) await writeFile(c.goldenFile, whole.dryRun!);
    const golden = rewrite ? whole.dryRun : c.golden;

    for (const { feeding, result, dryRun } of runs) {
      const how = `(${feeding.name})`;
      t.equal(result.status, 0, `exit status 0 ${how}`, { stderr: result.stderr });
      t.ok(result.stdout.equals(c.input), `stdout is the input byte for byte ${how}`, {
        inputBytes: c.input.length,
        stdoutBytes: result.stdout.length,
        firstDifference: firstDifference(result.stdout, c.input),
      });
      t.match(result.stderr, new RegExp(`\\b${countLines(c.input)} lines? read\\b`), `summary counts every line ${how}`);
      t.notMatch(result.stderr, /internal error/, `no internal error ${how}`);
      if (dryRun === undefined) {
        t.fail(`the dry-run file was written ${how}`);
        continue;
      }
      if (golden === undefined) {
        t.fail(`no golden yet: run with UPDATE_GOLDEN=1 and review ${c.goldenFile}`);
        continue;
      }
      const same = dryRun.equals(golden);
      if (c.todo !== undefined) {
        t.ok(same, `dry-run file equals expected.dry-run ${how}`, { todo: c.todo });
      } else {
        t.equal(dryRun.toString('utf8'), golden.toString('utf8'), `dry-run file equals expected.dry-run ${how}`);
        t.ok(same, `dry-run file is byte-identical to expected.dry-run ${how}`);
      }
    }

    // The summary line's series count is the number of samples in the Pushgateway payload.
    const series = /\b(\d+) series;/.exec(whole.result.stderr);
    t.ok(series, 'summary line reports the series count', { stderr: whole.result.stderr });
    const section = whole.dryRun && pushgatewaySection(whole.dryRun.toString('utf8'));
    if (series && section) t.equal(sampleCount(section.body), Number(series[1]), 'summary series count = Pushgateway samples');
  });
}

function firstDifference(a: Buffer, b: Buffer): number | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? undefined : n;
}
