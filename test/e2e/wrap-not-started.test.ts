// Wrap mode with a tool that cannot be started (issue 24, item 12): an empty, missing or folder
// path is exit 127 or 126 with one line, as a shell says it, and the run metrics say so.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-wrap-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const CASES: Array<[string, string, number, RegExp]> = [
  ['an empty name', '', 127, /^jes-metrics-pipe: error: cannot run "": an empty command name \(not found\)$/m],
  [
    'a missing path',
    join(dir, 'missing'),
    127,
    /^jes-metrics-pipe: error: cannot run \S+missing: ENOENT \(not found\)$/m,
  ],
  ['a folder', dir, 126, /^jes-metrics-pipe: error: cannot run \S+: it is a folder$/m],
];

for (const [what, tool, status, said] of CASES) {
  t.test(`${what}: exit ${status}, one line, exit_code ${status} in the run metrics`, async (t) => {
    const file = join(dir, `dry-${status}-${what.length}`);
    const r = await runCli(['--integration', 'w', '--dry-run-file', file, '--', tool]);
    t.equal(r.status, status, r.stderr);
    t.match(r.stderr, said);
    t.notMatch(r.stderr, /internal error|\n\s+at /);
    t.match(r.stderr, `could not be started (${status}), exit status ${status}`);
    t.equal(r.stderr.split('\n').filter((l) => l.includes('error')).length, 1, 'one line');
    t.match(readFileSync(file, 'utf8'), new RegExp(`^keptn_w_exit_code\\{[^}]*\\} ${status}$`, 'm'));
  });
}
