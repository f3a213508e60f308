// Files named by flags are opened non-blocking and read bounded (issue 24, item 1): a FIFO
// nobody writes, /dev/zero or a folder given as --rules, --slo, --sli, --ca-file or a token
// file is one line and exit 2 at the start, the input still passed through; a FIFO nobody
// reads or /dev/full as $GITHUB_STEP_SUMMARY is a warning at the end, never a hang.
import t, { type Test } from 'tap';
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
  [
    '--remote-write-token-file',
    (f) => ['--dry-run', '--remote-write', 'http://127.0.0.1:9/api/v1/write', '--remote-write-token-file', f],
  ],
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

t.test(
  '$GITHUB_STEP_SUMMARY a FIFO nobody reads, or /dev/full: a warning at the start, the gate still decides',
  async (t) => {
    for (const file of [fifo('summary'), '/dev/full']) {
      const r = await run(['--dry-run-file', join(dir, 'dry'), '--slo', SLO], { GITHUB_STEP_SUMMARY: file });
      t.notOk(r.killed, `${file}: did not hang`);
      t.equal(r.status, 0, r.stderr);
      t.equal(r.stdout, INPUT);
      t.match(r.stderr, /warning: \$GITHUB_STEP_SUMMARY \S+: is a (FIFO|device).*: the job summary is not written/);
      t.match(r.stderr, /quality gate: pass/);
    }
  },
);

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

/** A rule file just under the 1 MiB cap, 1000 rules (the cap on their count); rule r0 reads `abc0=N`. */
function nearCapRules(t: Test): string {
  const file = join(dir, 'near-cap.yaml');
  let text = 'version: 1\nrules:\n';
  for (let i = 0; i < 1000; i++)
    text += `  - id: r${i}\n    pattern: '^abc${i}=(?<value>\\d+)(?: ${'x'.repeat(880)})?$'\n    name: abc${i}\n    words: ['abc${i}=']\n`;
  t.ok(text.length > 900 * 1024 && text.length < 1024 * 1024, `${text.length} bytes`);
  writeFileSync(file, text);
  return file;
}

t.test(
  'a rule file near the cap: the input passes through while it compiles, and its first lines are still read (issue 24, item 5)',
  async (t) => {
    const rules = nearCapRules(t);
    // How long the rules take to read and compile here: a run on an empty input.
    const compile = await runCli(['--integration', 'sf', '--dry-run', '--rules', rules], {
      input: '',
      killAfterMs: 60_000,
    });
    t.equal(compile.status, 0, compile.stderr);
    const { spawn } = await import('node:child_process');
    const { CLI, cleanEnv } = await import('../support/cli.js');
    const child = spawn(process.execPath, [CLI, '--integration', 'sf', '--dry-run', '--rules', rules], {
      env: cleanEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const started = Date.now();
    let out = '';
    let err = '';
    let firstAt = 0;
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (firstAt === 0 && out.includes('abc0=7\n')) firstAt = Date.now() - started;
    });
    // The first line is written at once; the input stays open until the first line came back.
    child.stdin.write('abc0=7\n');
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (firstAt > 0 || Date.now() - started > 55_000) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    child.stdin.end('abc1=8\n');
    const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
    clearTimeout(kill);
    t.equal(status, 0, err);
    t.equal(out, 'abc0=7\nabc1=8\n');
    t.ok(
      firstAt > 0 && firstAt < compile.ms / 2,
      `first line on stdout after ${firstAt} ms; reading and compiling the rules takes ${compile.ms} ms`,
    );
    t.match(err, /^keptn_sf_abc0\{.*\} 7$/m, 'the line read before the rules were compiled is extracted');
    t.match(err, /^keptn_sf_abc1\{.*\} 8$/m);
  },
);

t.test(
  'every output file by one rule: /dev/null accepted, /dev/full, a FIFO or a missing folder refused at the start (issue 24, items 1 and 16)',
  async (t) => {
    const flags: Array<[string, string[]]> = [
      ['--dry-run-file', []],
      ['--metrics-report', ['--dry-run']],
      ['--slo-report', ['--dry-run', '--slo', SLO]],
      ['--slo-junit', ['--dry-run', '--slo', SLO]],
      ['--slo-markdown', ['--dry-run', '--slo', SLO]],
    ];
    const nobodyReads = fifo('out-fifo');
    for (const [flag, rest] of flags) {
      const ok = await run([...rest, flag, '/dev/null']);
      t.equal(ok.status, 0, `${flag} /dev/null: accepted (${ok.stderr.trim().split('\n').at(-1)})`);
      for (const [path, said] of [
        ['/dev/full', /is a device/],
        [nobodyReads, /is a FIFO/],
        [join(dir, 'no/such/folder/out'), /the folder \S+ does not exist/],
      ] as const) {
        const r = await run([...rest, flag, path]);
        t.notOk(r.killed, `${flag} ${path}: did not hang`);
        t.equal(r.status, 2, `${flag} ${path}: exit 2`);
        t.match(r.stderr, new RegExp(`error: ${flag} \\S+: ${said.source}`), `${flag} ${path}: said at the start`);
        t.equal(r.stdout, INPUT, `${flag} ${path}: passed through`);
      }
    }
  },
);
