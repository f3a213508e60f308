// Wrap mode starts the tool first (issue 29): the npm package's entry (bin/entry.cjs, with
// bin/early-tool.cjs) spawns it before the program, its rules and presets are loaded. Shown with a rule file that is a FIFO the
// tool itself writes: read before the tool started, it reads as empty (nobody writing).
import t from 'tap';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, runCli } from '../support/cli.js';
import { noteSpawns } from '../support/spawn-note.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-early-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('the tool runs before the rule files are read', async (t) => {
  const fifo = join(dir, 'rules.fifo');
  execFileSync('mkfifo', [fifo]);
  const rules = join(dir, 'rules.yaml');
  writeFileSync(rules, "version: 1\nrules:\n  - name: early\n    pattern: '^ready (?<value>\\d+)$'\n");
  const r = await runCli([
    '--integration',
    'e',
    '--dry-run',
    '--parsers',
    'none',
    '--rules',
    fifo,
    '--',
    'sh',
    '-c',
    `cat ${rules} > ${fifo}; echo ready 7`,
  ]);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString(), 'ready 7\n');
  t.match(r.stderr, /keptn_e_early\{[^}]*\} 7/);
});

t.test('an option that runs no tool (--version, -h, --preset list) starts none', async (t) => {
  for (const args of [['--version'], ['-qh'], ['--preset', 'list'], ['--show-ci-context']]) {
    const marker = join(dir, `ran-${args.join('')}`);
    const r = await runCli([...args, '--', 'sh', '-c', `touch ${marker}`]);
    t.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    t.notOk(existsSync(marker), `${args.join(' ')}: the tool did not run`);
  }
});

t.test('the tool is spawned before the program is loaded (dist/main.cjs)', async (t) => {
  const r = await noteSpawns(CLI, ['--dry-run', '--integration', 'early', '--', 'sh', '-c', 'echo done=1']);
  t.equal(r.status, 0, r.stderr);
  t.same(r.spawns, [{ file: 'sh', programRan: false, mainLoaded: false }], 'one spawn, before the program');
});
