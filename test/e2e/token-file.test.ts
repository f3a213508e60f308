// --dt-token-file read bounded: a FIFO nobody writes, a silent writer and
// /dev/zero are configuration errors said at once; the input still passes through in full.
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, open as openCb, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-token-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const INPUT = 'a=1\nsome log line\n';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  killed: boolean;
}

/** The CLI with a safety net: killed by PID after 20 s (a hang is a failure, not a stuck test run). */
async function run(tokenFile: string): Promise<Run> {
  const args = [
    '--integration',
    'tok',
    '--dt-url',
    'http://127.0.0.1:9',
    '--dt-token-file',
    tokenFile,
    '--timeout',
    '500ms',
    '--deadline',
    '2s',
  ];
  const r = await runCli(args, { input: INPUT, killAfterMs: 20_000 });
  return { ...r, stdout: r.stdout.toString('utf8') };
}

function fifo(name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

t.test('a FIFO nobody writes: exit 2 at once, the input passed through', async (t) => {
  const r = await run(fifo('nobody'));
  t.notOk(r.killed, 'did not hang');
  t.equal(r.status, 2, r.stderr);
  t.equal(r.stdout, INPUT);
  t.match(r.stderr, /the Dynatrace token file \S+ is empty \(or a FIFO nobody has opened for writing\)/);
  t.ok(r.ms < 10_000, `${r.ms} ms`);
});

t.test('a FIFO whose writer stays silent: given up after about a second, exit 2', async (t) => {
  const path = fifo('silent');
  // Opening for writing waits (on the thread pool) until the CLI opens it for reading.
  let writer: number | undefined;
  openCb(path, 'w', (err, fd) => {
    if (!err) writer = fd;
  });
  t.teardown(() => {
    if (writer !== undefined) closeSync(writer);
  });
  const r = await run(path);
  t.notOk(r.killed, 'did not hang');
  t.equal(r.status, 2, r.stderr);
  t.equal(r.stdout, INPUT);
  t.match(r.stderr, /gave nothing to read within 1 s \(a FIFO or pipe whose writer is silent\?\)/);
});

t.test('/dev/zero: refused after 16 KiB, not read to the end of memory', async (t) => {
  const r = await run('/dev/zero');
  t.notOk(r.killed, 'did not hang');
  t.equal(r.status, 2, r.stderr);
  t.equal(r.stdout, INPUT);
  t.match(r.stderr, /is larger than 16384 bytes: not a token file/);
});

t.test('a FIFO that is written: the token is read', async (t) => {
  const path = fifo('written');
  openCb(path, 'w', (err, fd) => {
    if (err) return;
    writeFileSync(
      fd,
      'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.S3CR3TPART0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR\n',
    );
    closeSync(fd);
  });
  const r = await run(path);
  t.notOk(r.killed);
  t.equal(r.stdout, INPUT);
  t.notMatch(r.stderr, /token file/, 'no complaint about the token file');
  t.match(r.stderr, /dynatrace: failed/, 'the push was attempted (to a closed port)');
});
