// SIGTERM/SIGINT: filter mode stops reading and pushes what it has; wrap mode forwards the
// signal to the tool, drains its output, and exits with the tool's status.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-sig-'));

/** Resolves once the child's stdout has passed `text` through. */
function waitForOutput(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    child.stdout!.on('data', (c: Buffer) => {
      seen += c.toString();
      if (seen.includes(text)) resolve();
    });
  });
}

for (const [sig, status] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  t.test(`filter mode: ${sig} stops reading, pushes what was collected, exits ${status}`, async (t) => {
    const file = join(dir, `filter-${sig}`);
    const r = await runCli(['--integration', 's', '--dry-run-file', file], {
      onSpawn: (child) => {
        child.stdin!.write('first=1\nsecond=2\n');
        // stdin stays open: the upstream tool is still running when the signal comes.
        void waitForOutput(child, 'second=2\n').then(() => child.kill(sig));
      },
    });
    t.equal(r.status, status);
    t.equal(r.stdout.toString(), 'first=1\nsecond=2\n');
    const dry = readFileSync(file, 'utf8');
    t.match(dry, /^keptn_s_first\{.*\} 1$/m);
    t.match(dry, /^keptn_s_second\{.*\} 2$/m);
    t.match(r.stderr, new RegExp(`${sig}: stopped reading`));
  });
}

t.test('wrap mode: SIGTERM is forwarded to the tool, its last output still arrives, its status wins', async (t) => {
  const file = join(dir, 'wrap-term');
  const tool = "echo before=1; trap 'echo after=2; exit 143' TERM; sleep 30 >/dev/null & wait";
  const r = await runCli(['--integration', 's', '--dry-run-file', file, '--', 'sh', '-c', tool], {
    onSpawn: (child) => {
      child.stdin!.end();
      void waitForOutput(child, 'before=1\n').then(() => child.kill('SIGTERM'));
    },
  });
  t.equal(r.status, 143);
  t.equal(r.stdout.toString(), 'before=1\nafter=2\n', 'the output written after the signal was drained');
  const dry = readFileSync(file, 'utf8');
  t.match(dry, /^keptn_s_after\{.*\} 2$/m);
  t.match(dry, /^keptn_s_exit_code\{.*\} 143$/m);
});

t.test('wrap mode: a background process holding the output does not hang the job', async (t) => {
  const file = join(dir, 'wrap-linger');
  const started = Date.now();
  const r = await runCli([
    '--integration',
    's',
    '--dry-run-file',
    file,
    '--',
    'sh',
    '-c',
    'echo x=1; sleep 20 & exit 0',
  ]);
  t.equal(r.status, 0);
  t.ok(Date.now() - started < 15_000, 'did not wait for the background sleep');
  t.match(r.stderr, /output stayed open/);
  t.match(readFileSync(file, 'utf8'), /^keptn_s_x\{.*\} 1$/m);
});
