// Filter mode reads stdin the way its kind allows (lib/input/sources.ts): a pipe and a socket
// through epoll into reused buffers, a regular file with fs.read, anything else through
// process.stdin. Every kind must give the same thing: stdout byte for byte, the same metrics.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanEnv, runCli } from '../support/cli.js';
import { seededBytes } from '../support/seeded.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-stdin-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// 6 MB: many reads of every kind, binary noise between the metric lines, no final newline.
const parts: Buffer[] = [Buffer.from('first line\n')];
for (let i = 0; i < 60; i++) {
  parts.push(seededBytes(100_000, i + 1));
  parts.push(Buffer.from(`\nblock_${i}=${i}.5\n{"name":"json_${i}","value":${i},"labels":{"k":"v"}}\n`));
}
parts.push(Buffer.from('tail_metric=42'));
const input = Buffer.concat(parts);
const inputFile = join(dir, 'input');
writeFileSync(inputFile, input);
const node = JSON.stringify(process.execPath);
const cli = JSON.stringify(CLI);

function dryRun(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => /^keptn_k_\w+\{/.test(l)) // the Prometheus samples; the Dynatrace lines say the same
    .sort();
}

/** Runs `bash -c script`, where $CLI is the command; stdout goes to a file, the dry run to another. */
function viaShell(
  kind: string,
  script: (cmd: string) => string,
): { out: Buffer; metrics: string[]; status: number | null; stderr: string } {
  const out = join(dir, `${kind}.out`);
  const dry = join(dir, `${kind}.dry`);
  const cmd = `${node} ${cli} --integration k --dry-run-file ${JSON.stringify(dry)}`;
  const r = spawnSync('bash', ['-c', `${script(cmd)} > ${JSON.stringify(out)}`], { env: cleanEnv(), encoding: 'utf8' });
  return { out: readFileSync(out), metrics: dryRun(dry), status: r.status, stderr: r.stderr };
}

const reference = (() => {
  const file = join(dir, 'socket.dry');
  return runCli(['--integration', 'k', '--dry-run-file', file], { input }).then((r) => ({ r, metrics: dryRun(file) }));
})();

t.test('a socket (how Node spawns a child): the reference', async (t) => {
  const { r, metrics } = await reference;
  t.equal(r.status, 0, r.stderr);
  t.ok(r.stdout.equals(input), 'stdout is the input byte for byte');
  t.equal(metrics.length, 121, 'every block_, json_ and the tail metric');
  t.match(r.stderr, /lines read, 121 metrics found/);
});

const kinds: ReadonlyArray<readonly [string, (cmd: string) => string, Buffer]> = [
  ['a pipe (`cat file |`)', (cmd) => `cat ${JSON.stringify(inputFile)} | ${cmd}`, input],
  ['a regular file (`< file`)', (cmd) => `${cmd} < ${JSON.stringify(inputFile)}`, input],
  // bash's `read` leaves a seekable stdin just after the line: the rest is read from there.
  [
    'a regular file read from an offset',
    (cmd) => `{ read -r first; ${cmd}; } < ${JSON.stringify(inputFile)}`,
    input.subarray('first line\n'.length),
  ],
];

for (const [kind, script, expected] of kinds) {
  t.test(kind, async (t) => {
    const { metrics: want } = await reference;
    const r = viaShell(kind.replace(/\W+/g, '-'), script);
    t.equal(r.status, 0, r.stderr);
    t.ok(r.out.equals(expected), `stdout is the input byte for byte (${r.out.length} of ${expected.length} bytes)`);
    t.same(r.metrics, want, 'the same metrics as from a socket');
  });
}

t.test('a character device (`< /dev/null`): nothing in, nothing out, no error', async (t) => {
  const r = viaShell('devnull', (cmd) => `${cmd} < /dev/null`);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.out.length, 0);
  t.match(r.stderr, /0 lines read/);
});

t.test('node --jitless (no JIT compiler): the same output and metrics', async (t) => {
  const { metrics: want } = await reference;
  const r = viaShell(
    'jitless',
    (cmd) => `cat ${JSON.stringify(inputFile)} | ${cmd.replace(node, `${node} --jitless`)}`,
  );
  t.equal(r.status, 0, r.stderr);
  t.ok(r.out.equals(input), 'stdout is the input byte for byte');
  t.same(r.metrics, want, 'the same metrics as with the JIT');
});
