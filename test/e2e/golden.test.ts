// Golden-file tests: real tools' output (test/fixtures/tools/<case>/input) through the whole
// program, in process (run() with this test's streams, test/support/in-process.ts), once each,
// with --dry-run-file. What the run found, as a serializer-neutral list of series
// (test/support/series-list.ts), must equal the case's checked-in `expected.series`, and stdout
// must be the input byte for byte. Each serializer's own format is table-tested beside it
// (test/sinks/pushgateway/serialize.test.ts, test/sinks/dynatrace/serialize.test.ts); inputs cut
// into reads anywhere are LineSplitter's property tests (test/input/lines-chunking.test.ts) and,
// through the built CLI and a real pipe, test/e2e/golden-pipe.test.ts.
//
// To (re)write the goldens after an intended change:   UPDATE_GOLDEN=1 npx tap test/e2e/golden.test.ts
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
import { countLines, loadGoldenCases } from '../support/golden.js';
import { runInProcess } from '../support/in-process.js';
import { checkMetrics } from '../support/promtool.js';
import { dryRunSections, seriesLines, seriesList } from '../support/series-list.js';

const update = process.env.UPDATE_GOLDEN === '1';
const cases = loadGoldenCases();

if (process.env.GOLDEN_ONLY === undefined) t.ok(cases.length >= 8, `at least 8 golden cases (found ${cases.length})`);
const workDir = await mkdtemp(join(tmpdir(), 'golden-'));
t.teardown(() => rm(workDir, { recursive: true, force: true }));

const payloads: Array<{ name: string; body: string[] }> = [];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const file = join(workDir, `${c.name}.dry-run`);
    const result = await runInProcess([...c.args, '--dry-run', '--dry-run-file', file], { env: c.env, input: c.input });
    t.equal(result.status, 0, 'exit status 0', { stderr: result.stderr });
    t.ok(result.stdout.equals(c.input), 'stdout is the input byte for byte', {
      inputBytes: c.input.length,
      stdoutBytes: result.stdout.length,
      firstDifference: firstDifference(result.stdout, c.input),
    });
    t.match(result.stderr, new RegExp(`\\b${countLines(c.input)} lines? read\\b`), 'summary counts every line');
    t.notMatch(result.stderr, /internal error/, 'no internal error');
    const dryRun = existsSync(file) ? await readFile(file, 'utf8') : undefined;
    if (dryRun === undefined) return void t.fail('the dry-run file was written');
    const list = seriesList(dryRun);

    // A TODO case's golden is the reviewed expectation, not today's output: never overwritten.
    if (update && c.todo === undefined) await writeFile(c.goldenFile, list);
    const golden = update && c.todo === undefined ? list : c.golden?.toString('utf8');
    if (golden === undefined) {
      t.fail(`no golden yet: run with UPDATE_GOLDEN=1 and review ${c.goldenFile}`);
    } else if (c.todo !== undefined) {
      t.ok(list === golden, 'the series found equal expected.series', { todo: c.todo });
    } else {
      t.equal(list, golden, 'the series found equal expected.series');
    }

    // The summary line's series count is the number of series found.
    const series = /\b(\d+) series;/.exec(result.stderr);
    t.ok(series, 'summary line reports the series count', { stderr: result.stderr });
    if (series) t.equal(seriesLines(list).length, Number(series[1]), 'summary series count = series found');

    // Kept for one `promtool check metrics` over every case's Pushgateway payload (below).
    const body = dryRunSections(dryRun).pushgatewayBody.filter((l) => l !== '');
    if (seriesLines(list).length > 0) payloads.push({ name: c.name, body });
  });
}

// Every case's Pushgateway payload parses as Prometheus reads it: one promtool start for all of them
// (a start costs about as much as a case), each case's names prefixed so that cases sharing a
// metric name do not make duplicate families. 1 is a parse error; 3 is lint only (such as a
// counter without _total). On a failure, the cases are checked one by one to name the culprit.
t.test('promtool check metrics parses every Pushgateway payload', async (t) => {
  t.ok(payloads.length > 0, 'payloads were collected');
  const prefixed = (p: { body: string[] }, i: number): string =>
    p.body
      .map((l) =>
        l.replace(/^(# (?:HELP|TYPE) )?(?=[a-zA-Z_:])/, (_m, head: string | undefined) => `${head ?? ''}c${i}_`),
      )
      .join('\n') + '\n';
  const all = await checkMetrics(payloads.map(prefixed).join(''));
  const fine = (code: number): boolean => code === 0 || code === 3;
  t.ok(fine(all.code), `promtool check metrics exits 0 or 3 over all ${payloads.length} payloads (got ${all.code})`, {
    output: all.output,
  });
  if (fine(all.code)) return;
  for (const [i, p] of payloads.entries()) {
    const one = await checkMetrics(prefixed(p, i));
    t.ok(fine(one.code), `${p.name}: promtool check metrics exits 0 or 3 (got ${one.code})`, { output: one.output });
  }
});

function firstDifference(a: Buffer, b: Buffer): number | undefined {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? undefined : n;
}
