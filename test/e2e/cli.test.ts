// The CLI as a pipeline sees it: exit statuses, passthrough under every kind of trouble,
// wrap mode, EPIPE, a large input. Filter mode's behaviour runs the program in process
// (test/support/in-process.ts); wrap mode, pipes, --help and --version start the built CLI.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli, cleanEnv } from '../support/cli.js';
import { seededBytes } from '../support/seeded.js';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-cli-'));
const SAMPLE =
  'build started\ncost=42.5\nlevel=info msg="done" took=3\n{"name":"coverage","value":87.5,"labels":{"suite":"unit"}}\nno newline at the end';

t.test('--help and --version', async (t) => {
  const help = await runCli(['--help']);
  t.equal(help.status, 0);
  t.match(help.stdout.toString(), /Usage:/);
  for (const flag of [
    '--integration',
    '--pattern',
    '--json-path',
    '--pushgateway',
    '--dt-url',
    '--dry-run-file',
    '--fail-on-push-error',
    '--parse-stderr',
  ]) {
    t.match(help.stdout.toString(), flag, `help mentions ${flag}`);
  }
  const version = await runCli(['--version']);
  t.equal(version.status, 0);
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  t.equal(version.stdout.toString().trim(), pkg.version);
});

t.test('filter mode: input passed through unchanged, metrics in the dry-run file', async (t) => {
  const file = join(dir, 'dry1');
  const r = await runInProcess(['--integration', 'demo', '--dry-run-file', file], {
    input: SAMPLE,
    env: { KEPTN_PROJECT: 'sockshop', KEPTN_STAGE: 'dev' },
  });
  t.equal(r.status, 0, r.stderr);
  t.ok(r.stdout.equals(Buffer.from(SAMPLE)), 'stdout is the input, byte for byte');
  const dry = readFileSync(file, 'utf8');
  t.match(dry, /^keptn_demo_cost\{.*ci_platform="keptn".*\} 42\.5$/m);
  t.match(
    dry,
    /^# pushgateway: PUT \/metrics\/job\/job-executor-service\/integration\/demo\/keptn_project\/sockshop\/keptn_stage\/dev$/m,
    'Keptn context in the grouping key',
  );
  t.match(dry, /^keptn_demo_cost,.*keptn_project=sockshop/m, 'and as Dynatrace dimensions');
  t.notMatch(dry, /keptn_service/, 'an unset Keptn variable leaves its label out');
  t.notMatch(dry, /NULL/);
  t.match(dry, /^keptn_demo_coverage\{.*suite="unit".*\} 87\.5$/m);
  t.notMatch(dry, /took|level/, 'a logfmt log line is not a metric');
  t.match(dry, /^keptn_demo_cost,.*gauge,42\.5$/m, 'the Dynatrace payload too');
  t.match(r.stderr, /jes-metrics-pipe: 5 lines read, 2 metrics found/);
});

t.test('no backend configured: a warning, exit 0, input intact', async (t) => {
  const r = await runInProcess(['--integration', 'demo'], { input: SAMPLE });
  t.equal(r.status, 0);
  t.ok(r.stdout.equals(Buffer.from(SAMPLE)));
  t.match(r.stderr, /no backend configured/);
});

t.test('usage errors: reported at once, input passed through in full, exit 2, nothing pushed', async (t) => {
  const cases: Array<[string, string[], RegExp]> = [
    ['unknown flag', ['--integration', 'x', '--dryrun'], /unknown option --dryrun: did you mean --dry-run\?/],
    ['bad pattern', ['--integration', 'x', '--dry-run', '--pattern', 'rps=(?<value>[0-9'], /--pattern/],
    ['missing integration', ['--dry-run'], /--integration NAME \(or INTEGRATION_NAME\) is required/],
    ['bad max-series', ['--integration', 'x', '--max-series', 'lots'], /--max-series/],
    ['bad duration', ['--integration', 'x', '--timeout', 'soon'], /--timeout/],
    ['bad parser name', ['--integration', 'x', '--parsers', 'kv,yaml'], /--parsers/],
    ['flag without value', ['--integration'], /--integration/],
  ];
  for (const [name, args, message] of cases) {
    const file = join(dir, `usage-${name.replace(/\W/g, '_')}`);
    const r = await runInProcess([...args, '--dry-run-file', file], { input: SAMPLE });
    t.equal(r.status, 2, `${name}: exit 2`);
    t.ok(r.stdout.equals(Buffer.from(SAMPLE)), `${name}: input passed through`);
    t.match(r.stderr, message, `${name}: says what is wrong`);
    t.match(r.stderr, /^jes-metrics-pipe: error: /m);
    t.notOk(existsSync(file), `${name}: nothing written`);
  }
});

t.test('a backend configuration error: input passed through, exit 2', async (t) => {
  const r = await runInProcess(['--integration', 'x', '--dt-url', 'https://abc123.live.dynatrace.com'], {
    input: SAMPLE,
  });
  t.equal(r.status, 2);
  t.ok(r.stdout.equals(Buffer.from(SAMPLE)));
  t.match(r.stderr, /DT_API_TOKEN/);
});

t.test('wrap mode: the tool runs without a shell, its output passes, its status wins', async (t) => {
  const ok = await runCli([
    '--integration',
    'w',
    '--dry-run-file',
    join(dir, 'w1'),
    '--',
    'sh',
    '-c',
    'echo rps=12.5; echo "to stderr" >&2',
  ]);
  t.equal(ok.status, 0, ok.stderr);
  t.equal(ok.stdout.toString(), 'rps=12.5\n');
  t.match(ok.stderr, /^to stderr$/m, "the tool's stderr is forwarded");
  const dry = readFileSync(join(dir, 'w1'), 'utf8');
  t.match(dry, /^keptn_w_rps\{.*\} 12\.5$/m);
  t.match(dry, /^keptn_w_exit_code\{.*\} 0$/m, 'run metrics: exit code');
  t.match(dry, /^keptn_w_duration_seconds\{.*\} [0-9.]+$/m);
  t.match(dry, /^keptn_w_last_success_timestamp_seconds\{.*\} \d{10}$/m);

  const failing = await runCli([
    '--integration',
    'w',
    '--dry-run-file',
    join(dir, 'w2'),
    '--',
    'sh',
    '-c',
    'echo x=1; exit 7',
  ]);
  t.equal(failing.status, 7, "the tool's non-zero status is ours");
  t.match(readFileSync(join(dir, 'w2'), 'utf8'), /^keptn_w_exit_code\{.*\} 7$/m);
  t.notMatch(readFileSync(join(dir, 'w2'), 'utf8'), /last_success/, 'no last success on failure');
  t.match(
    readFileSync(join(dir, 'w2'), 'utf8'),
    /^# pushgateway: POST \/metrics\/job\//m,
    'a failed run merges, keeping the last success',
  );
  t.match(
    readFileSync(join(dir, 'w1'), 'utf8'),
    /^# pushgateway: PUT \/metrics\/job\//m,
    'a successful run replaces its group',
  );

  const killed = await runCli(['--integration', 'w', '--dry-run', '--', 'sh', '-c', 'kill -9 $$']);
  t.equal(killed.status, 137, 'killed by signal 9: 128+9');

  const missing = await runCli(['--integration', 'w', '--dry-run', '--', 'no-such-tool-here']);
  t.equal(missing.status, 127);
  t.match(missing.stderr, /cannot run no-such-tool-here: ENOENT/);

  const noShell = await runCli(['--integration', 'w', '--dry-run', '--', 'echo', '$HOME', '*']);
  t.equal(noShell.stdout.toString(), '$HOME *\n', 'arguments are not expanded by a shell');

  const noRun = await runCli([
    '--integration',
    'w',
    '--no-run-metrics',
    '--dry-run-file',
    join(dir, 'w3'),
    '--',
    'true',
  ]);
  t.equal(noRun.status, 0);
  t.notMatch(readFileSync(join(dir, 'w3'), 'utf8'), /exit_code/);
});

t.test('wrap mode: --parse-stderr adds the tool stderr to the parsed lines', async (t) => {
  const file = join(dir, 'w4');
  const r = await runCli([
    '--integration',
    'w',
    '--parse-stderr',
    '--no-run-metrics',
    '--dry-run-file',
    file,
    '--',
    'sh',
    '-c',
    'echo a=1; echo b=2 >&2',
  ]);
  t.equal(r.status, 0, r.stderr);
  const dry = readFileSync(file, 'utf8');
  t.match(dry, /keptn_w_a\{/);
  t.match(dry, /keptn_w_b\{/);
});

t.test('wrap mode with a usage error still runs the tool and passes its output', async (t) => {
  const r = await runCli(['--integration', 'w', '--bogus', '--', 'sh', '-c', 'echo hello; exit 0']);
  t.equal(r.stdout.toString(), 'hello\n');
  t.equal(r.status, 2);
});

t.test('EPIPE: `| head -c 10` does not stop the program; metrics to the end are extracted', async (t) => {
  const input = join(dir, 'epipe-in');
  const lines: string[] = [];
  for (let i = 0; i < 200_000; i++) lines.push(`log line ${i} with some text to make it longer`);
  lines.push('last_metric=99');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const file = join(dir, 'epipe-dry');
  const script = `set -o pipefail; "${process.execPath}" "${CLI}" --integration e --dry-run-file "${file}" < "${input}" | head -c 10 > "${join(dir, 'epipe-out')}"; echo "\${PIPESTATUS[0]}"`;
  const r = spawnSync('bash', ['-c', script], { env: cleanEnv(), encoding: 'utf8' });
  t.equal(r.stdout.trim(), '0', `the CLI exited 0 (stderr: ${r.stderr})`);
  t.equal(readFileSync(join(dir, 'epipe-out'), 'utf8'), 'log line 0');
  t.match(readFileSync(file, 'utf8'), /^keptn_e_last_metric\{.*\} 99$/m, 'the metric after the EPIPE was extracted');
  t.notMatch(r.stderr, /error/i);
});

t.test(
  'EPIPE on stdout and stderr together (`2>&1 | head -c 10`, --verbose): no crash, metrics still extracted',
  async (t) => {
    const input = join(dir, 'epipe2-in');
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) lines.push(`log line ${i}`);
    lines.push('last_metric=7');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const file = join(dir, 'epipe2-dry');
    const script = `"${process.execPath}" "${CLI}" --integration e --verbose --dry-run-file "${file}" < "${input}" 2>&1 | head -c 10 > /dev/null; echo "\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', script], { env: cleanEnv(), encoding: 'utf8' });
    t.equal(r.stdout.trim(), '0', `the CLI exited 0 (stderr: ${r.stderr})`);
    t.match(readFileSync(file, 'utf8'), /^keptn_e_last_metric\{.*\} 7$/m, 'the metric after the EPIPE was extracted');
  },
);

t.test('100 MB of binary input passes through byte for byte', async (t) => {
  const input = join(dir, 'big');
  // Seeded random bytes: invalid UTF-8, NULs, CRs, long and short lines; the same on every run.
  writeFileSync(input, seededBytes(100_000_000, 100));
  const script = `"${process.execPath}" "${CLI}" --integration big --dry-run-file /dev/null < "${input}" | sha256sum; sha256sum < "${input}"`;
  const r = spawnSync('bash', ['-c', script], { env: cleanEnv(), encoding: 'utf8', maxBuffer: 1 << 20 });
  const [got, want] = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.split(' ')[0]);
  t.ok(want && want.length === 64);
  t.equal(got, want, 'sha256 of stdout equals sha256 of the input');
});

t.test('--quiet keeps only errors; --verbose says more', async (t) => {
  const quiet = await runInProcess(['--integration', 'q', '--quiet', '--dry-run-file', join(dir, 'q')], {
    input: 'a.b=1\n',
  });
  t.equal(quiet.stderr, '');
  const verbose = await runInProcess(['--integration', 'q', '--verbose', '--dry-run-file', join(dir, 'q')], {
    input: 'a.b=1\n',
  });
  t.match(verbose.stderr, /1 line read/);
  // Where the time went, the line before the summary; not said without --verbose.
  t.match(
    verbose.stderr,
    /^jes-metrics-pipe: timings: start \d+ ms, setup \d+ ms, input \d+ ms, collect \d+ ms, push \d+ ms; \d+ ms in all\njes-metrics-pipe: 1 line read/m,
  );
  t.notMatch(
    quiet.stderr +
      (await runInProcess(['--integration', 'q', '--dry-run-file', join(dir, 'q')], { input: 'a.b=1\n' })).stderr,
    /timings:/,
  );
});

t.test('a changed name is reported once, and is the same on every run', async (t) => {
  const a = await runInProcess(['--integration', 'k6', '--dry-run-file', join(dir, 'n1')], {
    input: 'http.req-duration=1\nhttp.req-duration=2\n',
  });
  const b = await runInProcess(['--integration', 'k6', '--dry-run-file', join(dir, 'n2')], {
    input: 'http.req-duration=3\n',
  });
  t.equal(a.stderr.split('is sent as').length - 1, 1, 'reported once');
  t.match(readFileSync(join(dir, 'n1'), 'utf8'), /^keptn_k6_http_req_duration\{.*\} 2$/m, 'last value wins');
  t.match(readFileSync(join(dir, 'n2'), 'utf8'), /^keptn_k6_http_req_duration\{/m);
  t.match(b.stderr, /"http\.req-duration" is sent as keptn_k6_http_req_duration/);
});

t.test('--max-series caps distinct series and says how many were dropped', async (t) => {
  const input = Array.from({ length: 50 }, (_, i) => `m${i}=${i}`).join('\n');
  const file = join(dir, 'cap');
  const r = await runInProcess(['--integration', 'c', '--max-series', '10', '--dry-run-file', file], { input });
  t.equal(r.status, 0);
  t.equal(r.stderr.split('--max-series').length - 1 >= 1, true);
  t.match(r.stderr, /40 dropped over --max-series/);
  t.equal((readFileSync(file, 'utf8').match(/^keptn_c_m\d+\{/gm) ?? []).length, 10);
});
