// Every code block in README.md is marked with what it is (`<!-- check: KIND -->` on the line
// before), and each kind is checked here, so a block cannot be added without a test:
//   run        each command runs (dash, the built CLI in dry-run mode, recorded tool output)
//   example P  the block is exactly the file P (which examples.test.ts runs)
//   help       the block is exactly `--help`
//   npm        the npm commands exist (package.json scripts, or what CI runs)
//   synopsis   every option it names is in --help
//   text       not a command (a layout, an output sample)

import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fullHelp } from '../../lib/config/help.js';
import { commands, makeSandbox, PACKAGE, ROOT, runShell } from './sandbox.js';

interface Block {
  kind: string;
  arg: string;
  lang: string;
  body: string;
  line: number;
}

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Fenced blocks with the check marker before them; unmarked blocks and indented code are errors. */
function blocks(text: string): { blocks: Block[]; unmarked: number[]; indented: number[] } {
  const lines = text.split('\n');
  const found: Block[] = [];
  const unmarked: number[] = [];
  const indented: number[] = [];
  let prevBlank = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = /^```(\S*)$/.exec(line);
    if (open) {
      const end = lines.indexOf('```', i + 1);
      const marker = /^<!-- check: (\S+)(?: (\S+))? -->$/.exec(lines[i - 1] ?? '');
      if (!marker) unmarked.push(i + 1);
      else found.push({ kind: marker[1]!, arg: marker[2] ?? '', lang: open[1]!, body: `${lines.slice(i + 1, end).join('\n')}\n`, line: i + 1 });
      i = end;
      prevBlank = false;
      continue;
    }
    // An indented code block starts after a blank line (list continuations are indented too, but follow text).
    if (prevBlank && /^ {4}\S/.test(line) && !/^ {4}[-*] /.test(line)) indented.push(i + 1);
    prevBlank = line.trim() === '';
  }
  return { blocks: found, unmarked, indented };
}

const parsed = blocks(readme);

t.test('every code block is fenced and marked', async (t) => {
  t.same(parsed.unmarked, [], 'no fenced block without a <!-- check: … --> marker (README line numbers)');
  t.same(parsed.indented, [], 'no indented code block (it could not be marked; README line numbers)');
  const kinds = new Set(['run', 'example', 'npm', 'synopsis', 'text']);
  t.same(
    parsed.blocks.filter((b) => !kinds.has(b.kind)).map((b) => b.line),
    [],
    'every marker is a known kind',
  );
  t.ok(parsed.blocks.filter((b) => b.kind === 'run').length >= 3, 'the README has runnable commands');
});

t.test('run: each command runs in dry-run mode', async (t) => {
  const sandbox = makeSandbox(t);
  for (const b of parsed.blocks.filter((x) => x.kind === 'run')) {
    for (const command of commands(b.body)) {
      const r = await runShell(command, { env: sandbox.env({ KEPTN_PROJECT: 'sockshop', KEPTN_STAGE: 'dev', KEPTN_SERVICE: 'carts' }), cwd: sandbox.dir });
      t.equal(r.status, 0, `README line ${b.line}: ${command}`, { stderr: r.stderr });
      t.notMatch(r.stderr, /warning|error/i, 'no warning or error', { stderr: r.stderr });
      const dryRun = sandbox.takeDryRun();
      t.match(dryRun, /^# pushgateway: PUT \/metrics\/job\/job-executor-service\/integration\//m, 'the Pushgateway payload was built');
      t.match(dryRun, /^keptn_\w+(\{[^}]*\})? \S+$/m, 'with at least one metric from the tool output');
    }
  }
});

t.test('example: each block is exactly its file', async (t) => {
  const examples = parsed.blocks.filter((b) => b.kind === 'example');
  for (const b of examples) t.equal(b.body, readFileSync(join(ROOT, b.arg), 'utf8'), `README line ${b.line} shows ${b.arg} as it is`);
  t.ok(examples.length >= 8, 'the recipes are embedded');
});

t.test('--help fits 80 columns', async (t) => {
  const wide = fullHelp()
    .split('\n')
    .filter((l) => [...l].length > 80);
  t.same(wide, [], 'lines over 80 columns');
});

t.test('synopsis and usage: every option named is a real option', async (t) => {
  const texts = parsed.blocks.filter((b) => ['synopsis', 'run', 'npm'].includes(b.kind)).map((b) => b.body);
  for (const text of texts) {
    for (const m of text.matchAll(/(?<=\s)--[a-z][a-z-]+/g)) {
      // Options of other tools in the same commands (infracost, npm).
      if (/^--(path|format)$/.test(m[0])) continue;
      t.ok(fullHelp().includes(`${m[0]} `) || fullHelp().includes(`${m[0]}\n`), `${m[0]} is in --help`);
    }
  }
});

t.test('npm: the commands exist, and CI runs them', async (t) => {
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  const npmCommands = parsed.blocks.filter((b) => b.kind === 'npm').flatMap((b) => commands(b.body).flatMap((c) => c.split('&&').map((s) => s.trim())));
  t.ok(npmCommands.length >= 3);
  for (const c of npmCommands) {
    const script = /^npm run (\S+)$/.exec(c)?.[1];
    if (script !== undefined) t.ok(PACKAGE.scripts[script], `${c}: package.json has the script`);
    else t.ok(ci.includes(c), `${c}: is what .ci/run runs`);
  }
  // Inline commands in the prose too.
  for (const m of readme.matchAll(/`npm run (\w+)[^`]*`/g)) t.ok(PACKAGE.scripts[m[1]!], `\`npm run ${m[1]}\`: package.json has the script`);
  const tags = [...readme.matchAll(/docker build -t jes-metrics-pipe:([^\s`]+)/g)].map((m) => m[1]);
  t.ok(tags.length > 0, 'the README says how to build the image');
  for (const tag of tags) t.ok(tag === PACKAGE.version || tag === '<version>', `docker build tag ${tag} is the package version`);
});

t.test('the demo runs as documented and tells its story in order', async (t) => {
  // `npm run demo` is `npm run --silent build && …`: npm test has just built, so run the rest as npm would.
  const demo = PACKAGE.scripts.demo ?? '';
  t.match(demo, /^npm run --silent build && /);
  const r = await runShell(demo.replace(/^npm run --silent build && /, ''), { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd: ROOT });
  t.equal(r.status, 0, 'exit status 0', { stderr: r.stderr });
  const out = r.stdout.toString('utf8');
  const indented = readFileSync(join(ROOT, 'examples', 'demo-output.txt'), 'utf8').replace(/^/gm, '    ');
  const steps = ['== 1. stdout', '== 2. stderr, with --dry-run', '== 3. --explain', '== 4. a preset'].map((s) => out.indexOf(s));
  t.ok(
    steps.every((at, k) => at >= 0 && (k === 0 || at > (steps[k - 1] as number))),
    `the four steps, in order (${steps.join(', ')})`,
  );
  t.ok(out.slice(steps[0], steps[1]).includes(indented.trimEnd()), 'the sample passes through');
  t.match(out, /^ {4}keptn_demo_tests_passed\{ci_platform="keptn"\} 128$/m, 'the Pushgateway payload is printed');
  t.match(
    out,
    /^ {4}keptn_demo_tests_passed,ci_platform=keptn,keptn_project=sockshop,keptn_service=carts,keptn_stage=dev,\S* gauge,128$/m,
    'the Dynatrace payload is printed',
  );
  t.match(out, /skipped line 4: .*not a metric object/, '--explain says why a line was skipped');
  t.match(out, /^ {4}keptn_k6_checks_ratio\{ci_platform="keptn"\} 1$/m, 'the k6 preset read the recorded summary');
});

t.test('the environment variables table matches what the program reads', async (t) => {
  const table = readme.slice(readme.indexOf('### Environment variables'), readme.indexOf('## Exit status'));
  const documented = new Set([...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
  const sources = (readdirSync(join(ROOT, 'lib'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(ROOT, 'lib', f), 'utf8'))
    .join('\n');
  const read = new Set([...sources.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
  for (const name of read) t.ok(documented.has(name), `${name} (read by the program) is documented`);
  for (const name of documented) t.ok(read.has(name) || sources.includes(`'${name}'`), `${name} (documented) is read by the program`);
});
