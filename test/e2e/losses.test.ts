// Nothing dropped without saying so: stderr and the tool's output reach
// a slow pipe whole before the exit; the summary is the last line whatever the stderr budget;
// a stdout that fails (not a reader that went away) is said once and gives exit status 74.
import t from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanEnv, runCli } from '../support/cli.js';
import { closedPort } from '../support/cli-reliability.js';
import { startFaultServer } from '../support/fault-server.js';

interface SlowResult {
  status: number | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs the CLI with stdout and stderr pipes nobody reads for `pauseMs`: a pipe holds 64 KiB,
 * so the rest of a bigger output is still pending in the process when it is done.
 */
function runWithSlowReader(args: readonly string[], input: string, pauseMs: number): Promise<SlowResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    // Listeners first: Node drops the unread output of a child that exits while its stream
    // has none (flushStdio), which would hide what the child itself delivered.
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdout.pause();
    child.stderr.pause();
    const timer = setTimeout(() => {
      child.stdout.resume();
      child.stderr.resume();
    }, pauseMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

function lines(n: number, width = 40): string {
  let text = '';
  for (let i = 0; i < n; i++) text += `metric_${String(i).padStart(5, '0')}_${'x'.repeat(width)}=${i}\n`;
  return text;
}

t.test('--dry-run into a pipe that is slow to read: every byte of stderr arrives, the summary last', async (t) => {
  // About 300 KB of payloads on stderr: far more than a pipe holds.
  const r = await runWithSlowReader(['--integration', 'slow', '--dry-run'], lines(900), 1500);
  t.equal(r.status, 0, r.stderr.slice(-200));
  t.ok(r.stderr.length > 200_000, `stderr has ${r.stderr.length} characters`);
  t.match(r.stderr, /# dynatrace: POST \/api\/v2\/metrics\/ingest/, 'the Dynatrace part arrived');
  t.match(r.stderr, /\nkeptn_slow_metric_00899_x+,\S+ gauge,899\n/, "the last series' Dynatrace line arrived");
  t.match(
    r.stderr,
    /jes-metrics-pipe: 900 lines read, 900 metrics found, 900 series; dry-run: 900 series printed\n$/,
    'the summary is the last line',
  );
});

t.test('wrap mode: the tool output that a slow pipe had not taken yet is delivered before the exit', async (t) => {
  // A little on the tool's stdout, 400 KB on its stderr, then it exits at once.
  const script = "process.stdout.write('o'.repeat(1000)+'\\n');process.stderr.write('e'.repeat(400000)+'\\n')";
  const r = await runWithSlowReader(
    ['--integration', 'wrap', '--dry-run-file', '/dev/null', '--', process.execPath, '-e', script],
    '',
    1500,
  );
  t.equal(r.status, 0, r.stderr.slice(-200));
  t.equal(r.stdout.length, 1001, "all of the tool's stdout");
  t.equal((r.stderr.match(/e/g) ?? []).length >= 400_000, true, "all of the tool's stderr");
  t.match(
    r.stderr,
    /jes-metrics-pipe: .*dry-run: \d+ series written to \/dev\/null; \S+ exited 0, exit status 0\n$/,
    'and the summary after it',
  );
});

t.test('both backends down, 1,000 long series: the budget cuts messages but never the summary', async (t) => {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const r = await runCli(
    ['--integration', 'budget', '--pushgateway', url, '--dt-url', url, '--timeout', '300ms', '--deadline', '2s'],
    {
      input: lines(1000, 200),
      env: {
        DT_API_TOKEN:
          'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.S3CR3TPART0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR',
      },
    },
  );
  t.equal(r.status, 0);
  const all = r.stderr.trimEnd().split('\n');
  t.match(
    all[all.length - 1],
    /^jes-metrics-pipe: 1000 lines read, 1000 metrics found, 1000 series; pushgateway: failed.*; dynatrace: failed/,
    'the summary is the last line',
  );
  t.equal(all.filter((l) => / lines read, /.test(l)).length, 1, 'said once');
});

t.test('a budget already spent by warnings: the count of withheld messages, then the summary', async (t) => {
  // 3,000 renamed names are warned about once each: far over the 48 KB budget.
  let input = '';
  for (let i = 0; i < 3000; i++)
    input += `Metric-With-Dashes-And-A-Long-Name-${String(i).padStart(5, '0')}-${'y'.repeat(30)}=${i}\n`;
  const r = await runCli(['--integration', 'budget', '--dry-run-file', '/dev/null', '--max-series', '5000'], { input });
  t.equal(r.status, 0);
  const all = r.stderr.trimEnd().split('\n');
  t.match(
    all[all.length - 2],
    /more messages? not shown \(stderr budget/,
    'the count of what was withheld comes before the summary',
  );
  t.match(
    all[all.length - 1],
    /^jes-metrics-pipe: 3000 lines read, 3000 metrics found, 3000 series; dry-run: 3000 series written/,
    'the summary is last',
  );
});

t.test('no backend: the warning comes before the summary, which is last', async (t) => {
  const r = await runCli(['--integration', 'none'], { input: 'a=1\n' });
  t.equal(r.status, 0);
  const all = r.stderr.trimEnd().split('\n');
  t.equal(all.length, 2, r.stderr);
  t.match(all[0], /warning: no backend configured/);
  t.match(
    all[1],
    /^jes-metrics-pipe: 1 line read, 1 metric found, 1 series; no backend configured$/,
    'singular: 1 line, 1 metric',
  );
});

t.test('stdout that fails (/dev/full): said once on stderr, exit status 74, the values still handled', async (t) => {
  const full = openSync('/dev/full', 'w');
  t.teardown(() => closeSync(full));
  const r = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--integration', 'full', '--dry-run'], {
      env: cleanEnv(),
      stdio: ['pipe', full, 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
    child.stdin!.end(lines(2000));
  });
  t.equal(r.status, 74, r.stderr.slice(-200));
  t.equal((r.stderr.match(/writing to stdout failed \(ENOSPC\)/g) ?? []).length, 1, 'said once, without -v');
  t.match(
    r.stderr,
    /2000 lines read, .*dry-run: 1000 series printed\n$/,
    'the input was still read to the end and the values printed',
  );
});

t.test('a reader that goes away (| head -c 1) is still no error: exit 0, nothing said', async (t) => {
  const r = await new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, '--integration', 'gone', '--dry-run-file', '/dev/null'], {
      env: cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.once('data', () => child.stdout.destroy());
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(lines(20000));
  });
  t.equal(r.status, 0, r.stderr.slice(-200));
  t.notMatch(r.stderr, /stdout/, 'no message about stdout without -v');
  t.match(r.stderr, /20000 lines read/);
});

t.test(
  'a second SIGTERM during the push: the collected values printed on the way out reach a slow stderr pipe whole, exit 143',
  async (t) => {
    const server = await startFaultServer([], { hang: true });
    t.teardown(() => server.close());
    // A real pipe (a FIFO: 64 KiB), not the socket pair spawn() makes, whose buffer holds far more.
    const dir = mkdtempSync(join(tmpdir(), 'jmp-losses-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const fifo = join(dir, 'stderr');
    execFileSync('mkfifo', [fifo]);
    const readFd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeFd = openSync(fifo, constants.O_WRONLY);
    const child = spawn(
      process.execPath,
      [CLI, '--integration', 'sig', '--pushgateway', server.url, '--timeout', '30s', '--deadline', '60s'],
      {
        env: cleanEnv(),
        stdio: ['pipe', 'pipe', writeFd],
      },
    );
    closeSync(writeFd);
    const closed = new Promise<number | null>((resolve) => child.on('close', (status) => resolve(status)));
    // JSON lines with a long label: each printed series is cut at 400 characters, 200 of them shown.
    let input = '';
    for (let i = 0; i < 1000; i++)
      input += `${JSON.stringify({ name: `m_${i}`, value: i, labels: { note: 'n'.repeat(500) } })}\n`;
    let echoed = 0;
    // Everything read (stdout echoes it), then the push hangs: the signal comes during the push.
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (c: Buffer) => {
        echoed += c.length;
        if (echoed >= input.length) resolve();
      });
      child.stdin!.write(input);
    });
    child.stdin!.end();
    await new Promise((r) => setTimeout(r, 1000));
    // The first signal during the push lets the push go on (docs/reference/delivery.md, "Signals"); the second leaves now.
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    // The reader comes only now: what the pipe could not hold was still in the process.
    await new Promise((r) => setTimeout(r, 1000));
    const reader = new Socket({ fd: readFd, readable: true, writable: false });
    const err: Buffer[] = [];
    reader.on('data', (c: Buffer) => err.push(c));
    const ended = new Promise((r) => reader.once('end', r));
    const status = await closed;
    await ended;
    reader.destroy();
    const stderr = Buffer.concat(err).toString('utf8');
    t.equal(status, 143, stderr.slice(-200));
    t.ok(stderr.length > 80_000, `${stderr.length} characters of stderr: more than the pipe holds`);
    t.match(stderr, /not pushed \(1000 series\):\n/);
    t.match(stderr, /… 800 more lines not shown\n$/, 'the end of the printed values arrived');
  },
);
