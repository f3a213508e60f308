// Signals as hostile testing found them: a first SIGTERM while a push waits to retry still
// pushes; a signal to the whole process group reaches the wrapped tool once; SIGHUP pushes like
// SIGTERM; SIGQUIT prints the values; SIGUSR1 does not open Node's inspector.

import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli } from '../support/cli.js';
import { liveCli } from '../support/cli-reliability.js';
import { startFaultServer } from '../support/fault-server.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-sig-hostile-'));

t.test('a first SIGTERM during a retry wait still pushes within the deadline, then exits 143', async (t) => {
  // Two 503s with a Retry-After of 2 s: the signal comes while the CLI waits to retry.
  const gw = await startFaultServer([
    { status: 503, headers: { 'retry-after': '2' } },
    { status: 503, headers: { 'retry-after': '1' } },
  ]);
  t.teardown(() => gw.close());
  const cli = liveCli([
    '--integration',
    'retry',
    '--pushgateway',
    gw.url,
    '--verbose',
    '--timeout',
    '2s',
    '--deadline',
    '30s',
  ]);
  t.teardown(cli.kill);
  cli.end('found=1\n');
  await cli.waitForStderr(/-> 503 .*retrying/);
  cli.child.kill('SIGTERM');
  const r = await cli.done;
  t.equal(r.status, 143, r.stderr);
  t.match(r.stderr, /SIGTERM: finishing the push first/);
  t.match(r.stderr, /; pushgateway: 200, 1 series\n/);
  t.equal(gw.requests.length, 3, 'the retries went on after the signal');
  t.match(gw.requests[2]!.body, /keptn_retry_found\{.*\} 1/);
});

t.test('wrap mode: SIGTERM to the whole process group reaches the tool once', async (t) => {
  const file = join(dir, 'group');
  // The tool counts the SIGTERMs it gets and reports the count a second after the first one.
  const tool = [
    'n=0',
    "trap 'n=$((n+1)); echo term=$n' TERM",
    // Field 5 of /proc/PID/stat is the process group (proc(5)).
    'echo pgrp=$(cut -d" " -f5 /proc/$$/stat)',
    'echo ready=1',
    'i=0',
    'while [ "$n" -eq 0 ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i+1)); done',
    'sleep 1',
    'echo terms_seen=$n',
  ].join('\n');
  let pid = 0;
  const r = await runCli(['--integration', 'grp', '--dry-run-file', file, '--', 'sh', '-c', tool], {
    detached: true,
    onSpawn: (child) => {
      pid = child.pid!;
      child.stdin!.end();
      let seen = '';
      child.stdout!.on('data', (c: Buffer) => {
        seen += c.toString();
        if (seen.includes('ready=1\n') && !seen.includes('term=')) {
          seen += 'term='; // signal once
          process.kill(-pid, 'SIGTERM'); // the group: what Ctrl-C, GNU timeout and CI cancellation do
        }
      });
    },
  });
  const pgrp = /^pgrp=(\d+)$/m.exec(r.stdout.toString())?.[1];
  t.not(
    Number(pgrp),
    pid,
    'the tool runs in a process group of its own, so the kernel does not signal it a second time',
  );
  t.match(r.stdout.toString(), /^terms_seen=1$/m, `the tool got SIGTERM once: ${r.stdout.toString()}`);
  t.match(readFileSync(file, 'utf8'), /^keptn_grp_terms_seen\{.*\} 1$/m);
  t.match(r.stderr, /SIGTERM: forwarded to the tool/);
});

t.test('filter mode: SIGHUP stops reading and pushes, like SIGTERM; exit 129', async (t) => {
  const file = join(dir, 'hup');
  const cli = liveCli(['--integration', 'hup', '--dry-run-file', file]);
  t.teardown(cli.kill);
  cli.write('first=1\n');
  await cli.waitForStdout('first=1\n');
  cli.child.kill('SIGHUP');
  const r = await cli.done;
  t.equal(r.status, 129, r.stderr);
  t.match(r.stderr, /SIGHUP: stopped reading; pushing what was collected/);
  t.match(readFileSync(file, 'utf8'), /^keptn_hup_first\{.*\} 1$/m);
});

t.test('SIGQUIT: leaves at once with the collected values printed; exit 131', async (t) => {
  const cli = liveCli(['--integration', 'quit', '--pushgateway', 'http://127.0.0.1:9']);
  t.teardown(cli.kill);
  cli.write('kept=7\n');
  await cli.waitForStdout('kept=7\n');
  cli.child.kill('SIGQUIT');
  const r = await cli.done;
  t.equal(r.status, 131, r.stderr);
  t.match(r.stderr, /not pushed \(1 series\):\nkeptn_quit_kept\{ci_platform="keptn"\} 7$/m);
});

t.test('SIGUSR1 does not open the inspector (a local process could read the tokens)', async (t) => {
  const cli = liveCli(['--integration', 'usr', '--dry-run']);
  t.teardown(cli.kill);
  cli.write('a=1\n');
  await cli.waitForStdout('a=1\n');
  cli.child.kill('SIGUSR1');
  await sleep(500);
  cli.end('b=2\n');
  const r = await cli.done;
  t.equal(r.status, 0, r.stderr);
  t.notMatch(r.stderr, /Debugger listening/);
  t.equal(r.stdout.toString(), 'a=1\nb=2\n');
});
