// Files named by flags are opened non-blocking and read bounded (issue 24, item 1): a FIFO
// nobody writes, /dev/zero or a folder given as --rules, --slo, --sli, --ca-file or a token
// file is one line and exit 2 at the start, the input still passed through; a FIFO nobody
// reads or /dev/full as $GITHUB_STEP_SUMMARY is a warning at the end, never a hang.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-special-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const SLO = fileURLToPath(new URL('../../examples/keptn/slo.yaml', import.meta.url));
const INPUT = 'monthly_cost=1\nresponse_time_p95=0.1\n';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  killed: boolean;
}

/** The CLI, killed by PID after 15 s (a hang is a failure, not a stuck test run). */
async function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const r = await runCli(['--integration', 'sf', ...args], { env, input: INPUT, killAfterMs: 15_000 });
  return { ...r, stdout: r.stdout.toString('utf8') };
}

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

const FLAGS: Array<[string, (file: string) => string[]]> = [
  ['--rules', (f) => ['--dry-run', '--rules', f]],
  ['--slo', (f) => ['--dry-run', '--slo', f]],
  ['--sli', (f) => ['--dry-run', '--slo', SLO, '--sli', f]],
  ['--ca-file', (f) => ['--dry-run', '--ca-file', f]],
  ['--remote-write-token-file', (f) => ['--dry-run', '--remote-write', 'http://127.0.0.1:9/api/v1/write', '--remote-write-token-file', f]],
];

for (const [flag, args] of FLAGS) {
  t.test(`${flag}: a FIFO nobody writes, /dev/zero, a folder: exit 2 at once, the input passed through`, async (t) => {
    for (const file of [fifo(`nobody${flag}`), '/dev/zero', dir]) {
      const r = await run(args(file));
      t.notOk(r.killed, `${file}: did not hang`);
      t.equal(r.status, 2, `${file}: ${r.stderr}`);
      t.equal(r.stdout, INPUT, `${file}: passed through`);
      t.ok(r.ms < 8000, `${file}: ${r.ms} ms`);
      t.notMatch(r.stderr, /internal error|heap/i);
    }
  });
}

t.test('/dev/zero as a rule file is refused by size, in one line', async (t) => {
  const r = await run(['--dry-run', '--rules', '/dev/zero']);
  t.match(r.stderr, /--rules \/dev\/zero: cannot read it: \/dev\/zero is larger than 1048576 bytes/);
});

t.test('$GITHUB_STEP_SUMMARY a FIFO nobody reads, or /dev/full: a warning at the end, the gate still decides', async (t) => {
  for (const file of [fifo('summary'), '/dev/full']) {
    const r = await run(['--dry-run-file', join(dir, 'dry'), '--slo', SLO], { GITHUB_STEP_SUMMARY: file });
    t.notOk(r.killed, `${file}: did not hang`);
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, INPUT);
    t.match(r.stderr, /warning: cannot append to \$GITHUB_STEP_SUMMARY \S+: (ENXIO|ENOSPC)/);
    t.match(r.stderr, /quality gate: pass/);
  }
});

t.test('a 50 MB rule file is refused by its size at once, the input passed through (issue 24, item 5)', async (t) => {
  const big = join(dir, 'big.yaml');
  const line = "  - pattern: 'x=(?<value>\\d+)'\n";
  writeFileSync(big, `version: 1\nrules:\n${line.repeat(Math.ceil((50 * 1024 * 1024) / line.length))}`);
  const r = await run(['--dry-run', '--rules', big]);
  t.equal(r.status, 2, r.stderr);
  t.equal(r.stdout, INPUT);
  t.match(r.stderr, /big\.yaml: cannot read it: \S+ is larger than 1048576 bytes/);
  t.ok(r.ms < 5000, `${r.ms} ms`);
});
