// Signals and a dying Pushgateway, with the real gateway: SIGTERM in filter and wrap mode
// pushes what was collected; a second SIGTERM during a hanging push leaves at once; a gateway
// killed mid-run is reported with the numbers printed; one that comes back gets the retry;
// wrap mode's run metrics keep the last success's timestamp across a failed run.

import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../support/cli.js';
import { startPushgateway, type RunningPushgateway, type StoredSeries } from '../support/pushgateway.js';
import { startFaultServer } from '../support/fault-server.js';
import { liveCli, scrape, startPushgatewayAt } from '../support/cli-reliability.js';

let pgw: RunningPushgateway;
t.before(async () => {
  pgw = await startPushgateway();
});
t.teardown(() => pgw?.stop());
t.beforeEach(() => pgw.wipe());

function value(series: readonly StoredSeries[], name: string): string | undefined {
  return series.find((s) => s.name === name)?.value;
}

t.test('filter mode: SIGTERM with stdin still open → exit 143, the collected series are at the gateway', async (t) => {
  const cli = liveCli(['--integration', 'sig', '--pushgateway', pgw.url, '--timeout', '500ms', '--deadline', '3s']);
  t.teardown(cli.kill);
  const written = 'log line\nfirst=1\nsecond=2\n';
  cli.write(written);
  await cli.waitForStdout('second=2\n');
  cli.child.kill('SIGTERM');
  const r = await cli.done;
  t.equal(r.status, 143, r.stderr);
  t.equal(r.stdout.toString(), written, 'the passthrough is what was written');
  t.match(r.stderr, /SIGTERM: stopped reading; pushing what was collected/);
  t.match(r.stderr, /; pushgateway: 200, 2 series\n/);
  const stored = await pgw.series();
  t.same(
    stored.map((s) => `${s.name}=${s.value}`),
    ['keptn_sig_first=1', 'keptn_sig_second=2'],
  );
});

t.test(
  'wrap mode: SIGTERM is forwarded, the tool status wins, its series and exit_code are at the gateway',
  async (t) => {
    // The tool traps TERM, says one more number and exits 143; its background sleep is killed by the trap.
    const tool = "echo before=1; sleep 20 >/dev/null 2>&1 & p=$!; trap 'kill $p; echo after=2; exit 143' TERM; wait";
    const cli = liveCli([
      '--integration',
      'wsig',
      '--pushgateway',
      pgw.url,
      '--timeout',
      '500ms',
      '--deadline',
      '3s',
      '--',
      'sh',
      '-c',
      tool,
    ]);
    t.teardown(cli.kill);
    cli.end();
    await cli.waitForStdout('before=1\n');
    cli.child.kill('SIGTERM');
    const r = await cli.done;
    t.equal(r.status, 143, r.stderr);
    t.equal(r.stdout.toString(), 'before=1\nafter=2\n');
    t.match(r.stderr, /SIGTERM: forwarded to the tool/);
    const stored = await pgw.series();
    t.equal(value(stored, 'keptn_wsig_before'), '1');
    t.equal(value(stored, 'keptn_wsig_after'), '2', 'what the tool said after the signal was pushed too');
    t.equal(value(stored, 'keptn_wsig_exit_code'), '143');
    t.ok(value(stored, 'keptn_wsig_duration_seconds') !== undefined);
    t.equal(
      value(stored, 'keptn_wsig_last_success_timestamp_seconds'),
      undefined,
      'no success timestamp for a killed run',
    );
  },
);

t.test('a second SIGTERM during a hanging push exits at once', async (t) => {
  const hanging = await startFaultServer([], { hang: true });
  t.teardown(() => hanging.close());
  // Without the second signal this push would wait for the 30 s deadline.
  const cli = liveCli(['--integration', 'sig2', '--pushgateway', hanging.url, '--deadline', '30s']);
  t.teardown(cli.kill);
  cli.write('first=1\n');
  await cli.waitForStdout('first=1\n');
  cli.child.kill('SIGTERM');
  while (hanging.requests.length === 0 && cli.exitedAt() === undefined) await sleep(20);
  t.equal(hanging.requests.length, 1, 'the push started and hangs');
  const second = Date.now();
  cli.child.kill('SIGTERM');
  const r = await cli.done;
  t.equal(r.status, 143);
  t.equal(r.stdout.toString(), 'first=1\n');
  t.match(r.stderr, /SIGTERM: exiting without waiting for the push|SIGTERM again: exiting without pushing/);
  t.match(
    r.stderr,
    /not pushed \(1 series\):\nkeptn_sig2_first\{ci_platform="keptn"\} 1$/m,
    'the numbers are printed, not lost',
  );
  t.ok(cli.exitedAt()! - second < 3000, `exited ${cli.exitedAt()! - second} ms after the second SIGTERM`);
});

t.test('a Pushgateway killed mid-run: reported, the numbers printed, no hang, passthrough intact', async (t) => {
  const doomed = await startPushgateway();
  t.teardown(() => doomed.stop());
  const cli = liveCli(['--integration', 'kill', '--pushgateway', doomed.url, '--timeout', '500ms', '--deadline', '2s']);
  t.teardown(cli.kill);
  cli.write('early=1\n');
  await cli.waitForStdout('early=1\n');
  process.kill(doomed.pid, 'SIGKILL');
  while (!(await gone(doomed.url))) await sleep(20);
  cli.end('late=2\nthe end');
  const r = await cli.done;
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString(), 'early=1\nlate=2\nthe end');
  t.match(r.stderr, /error: pushgateway: no answer: .*ECONNREFUSED/);
  t.match(r.stderr, /; pushgateway: failed \(.*\), 2 series not pushed\n/);
  t.match(r.stderr, /^keptn_kill_early\{.*\} 1$/m);
  t.match(r.stderr, /^keptn_kill_late\{.*\} 2$/m);
});

t.test('a Pushgateway that comes back on the same port while the CLI retries: the retry lands', async (t) => {
  const first = await startPushgateway();
  t.teardown(() => first.stop());
  const cli = liveCli([
    '--integration',
    'back',
    '--pushgateway',
    first.url,
    '--verbose',
    '--timeout',
    '500ms',
    '--deadline',
    '20s',
  ]);
  t.teardown(cli.kill);
  cli.write('before=1\n');
  await cli.waitForStdout('before=1\n');
  process.kill(first.pid, 'SIGKILL');
  while (!(await gone(first.url))) await sleep(20);
  cli.end('after=2\n');
  // The first attempt is refused; bring the gateway back while the CLI waits to retry.
  await cli.waitForStderr(/ECONNREFUSED.*\(attempt 1\/\d+\); retrying/);
  const again = await startPushgatewayAt(first.port);
  t.teardown(() => again.stop());
  const r = await cli.done;
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString(), 'before=1\nafter=2\n');
  t.match(r.stderr, /-> 200 in \d+ ms \(attempt [2-9]\/\d+\)/);
  t.match(r.stderr, /; pushgateway: 200, 2 series\n/);
  const text = await scrape(first.url);
  t.match(text, /^keptn_back_before\{.*\} 1$/m);
  t.match(text, /^keptn_back_after\{.*\} 2$/m);
});

t.test('wrap mode run metrics: a failed run keeps the last success timestamp (POST, not PUT)', async (t) => {
  const args = ['--integration', 'runs', '--pushgateway', pgw.url, '--timeout', '2s', '--deadline', '5s', '--'];
  const ok = await runCli([...args, 'sh', '-c', 'echo found=5']);
  t.equal(ok.status, 0, ok.stderr);
  t.equal(ok.stdout.toString(), 'found=5\n');
  const afterOk = await pgw.series();
  t.equal(value(afterOk, 'keptn_runs_exit_code'), '0');
  t.equal(value(afterOk, 'keptn_runs_found'), '5');
  const duration = Number(value(afterOk, 'keptn_runs_duration_seconds'));
  t.ok(duration > 0 && duration < 30, `duration_seconds ${duration}`);
  const lastSuccess = value(afterOk, 'keptn_runs_last_success_timestamp_seconds');
  const stamp = Number(lastSuccess);
  t.ok(Math.abs(stamp - Date.now() / 1000) < 60, `last_success_timestamp_seconds ${lastSuccess} is about now`);

  // Make the next run's timestamp distinguishable from this one, should it (wrongly) be written.
  await sleep(1100);
  const failed = await runCli([...args, 'sh', '-c', 'echo found=6; exit 3']);
  t.equal(failed.status, 3, 'the tool status wins');
  t.equal(failed.stdout.toString(), 'found=6\n');
  t.match(failed.stderr, /; pushgateway: 200, \d+ series; sh exited 3, exit status 3\n/);
  const afterFail = await pgw.series();
  t.equal(value(afterFail, 'keptn_runs_exit_code'), '3');
  t.equal(value(afterFail, 'keptn_runs_found'), '6');
  t.equal(
    value(afterFail, 'keptn_runs_last_success_timestamp_seconds'),
    lastSuccess,
    'the earlier success timestamp is kept',
  );
  const groups = await pgw.groups();
  t.equal(groups.length, 1, 'both runs went to the same group');
});

/** True once nothing answers at `url` any more. */
async function gone(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(500) });
    return false;
  } catch {
    return true;
  }
}
