// The golden cases whose input has the most places to cut wrong (CRLF, multi-byte UTF-8), through
// the built CLI and a real pipe: stdin is then read from fd 0 by the relay (lib/input/sources.ts),
// not by the Node stream test/e2e/golden.test.ts hands run() in process. Each is written in pieces
// cut mid-UTF-8 and mid-CRLF, with pauses, so the child reads them apart.

import t from 'tap';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from '../support/cli.js';
import { feedingsFor, loadGoldenCases, runFed } from '../support/golden.js';
import { seriesList } from '../support/series-list.js';

const PIPED = ['dotnet-test-windows-crlf', 'k6-summary', 'preset-autocannon-text', 'preset-tap-node-spec'];
const cases = loadGoldenCases().filter((c) => PIPED.includes(c.name));

if (!existsSync(CLI)) {
  t.fail(`the CLI is not built (${CLI}): run npm run build`);
} else {
  t.equal(cases.length, PIPED.length, 'every piped case exists');
  const workDir = await mkdtemp(join(tmpdir(), 'golden-pipe-'));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const feeding = feedingsFor(c.input).find((f) => f.name === 'cut mid-UTF-8 and mid-CRLF');
      t.ok(feeding, 'the input has places to cut wrong');
      if (!feeding) return;
      const file = join(workDir, `${c.name}.dry-run`);
      const result = await runFed([...c.args, '--dry-run', '--dry-run-file', file], c.env, c.input, feeding);
      t.equal(result.status, 0, 'exit status 0', { stderr: result.stderr });
      t.ok(result.stdout.equals(c.input), 'stdout is the input byte for byte');
      const dryRun = existsSync(file) ? await readFile(file, 'utf8') : undefined;
      const found = dryRun === undefined ? undefined : seriesList(dryRun);
      t.ok(
        found !== undefined && found === c.golden?.toString('utf8'),
        'the series found equal expected.series',
        c.todo !== undefined ? { todo: c.todo } : {},
      );
    });
  }
}
