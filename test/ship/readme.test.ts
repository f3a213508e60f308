// Every code block in README.md and docs/**/*.md is marked with what it is (`<!-- check: KIND -->`
// on the line before), and each kind is checked here, so a block cannot be added without a test:
//   run        each command runs (dash, the built CLI in dry-run mode, recorded tool output)
//   example P  the block is exactly the file P (which examples.test.ts runs)
//   npm        the npm commands exist (package.json scripts, or what CI runs)
//   synopsis   every option it names is in --help
//   text       not a command (a layout, an output sample)
//   help       the block is part of `--help`, verbatim: the blocks of docs/reference/cli.md, which
//              `npm run docs` writes from lib/cli/flags.ts (unmarked there, and so marked here)
// Every relative link in these files (and in CONTRIBUTING.md and bench/RESULTS.md) resolves: the file
// exists, and a #anchor is a heading of it.

import t from 'tap';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fullHelp } from '../../lib/cli/help.js';
import { commands, makeSandbox, PACKAGE, ROOT, runShell } from './sandbox.js';

interface Block {
  file: string;
  kind: string;
  arg: string;
  lang: string;
  body: string;
  line: number;
}

/** The documents whose code blocks and links are checked: README.md and every docs/ page. */
const FILES = [
  'README.md',
  ...(readdirSync(join(ROOT, 'docs'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.md'))
    .map((f) => join('docs', f))
    .sort(),
];
/** Made from the flag table by `npm run docs` (test/cli/flags.test.ts keeps it current): its blocks are --help text. */
const GENERATED = new Set([join('docs', 'reference', 'cli.md')]);
const texts = new Map(FILES.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
const readme = texts.get('README.md')!;

/** Fenced blocks with the check marker before them; unmarked blocks and indented code are errors. */
function blocks(file: string, text: string): { blocks: Block[]; unmarked: number[]; indented: number[] } {
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
      const kind = marker?.[1] ?? (GENERATED.has(file) ? 'help' : undefined);
      const body = `${lines.slice(i + 1, end).join('\n')}\n`;
      if (kind === undefined) unmarked.push(i + 1);
      else found.push({ file, kind, arg: marker?.[2] ?? '', lang: open[1]!, body, line: i + 1 });
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

const perFile = FILES.map((f) => ({ file: f, ...blocks(f, texts.get(f)!) }));
const parsed = { blocks: perFile.flatMap((p) => p.blocks) };
/** `file:line`, for messages. */
const at = (b: Block): string => `${b.file}:${b.line}`;

t.test('every code block is fenced and marked', async (t) => {
  t.ok(FILES.length >= 10, `README and the docs pages (${FILES.length} files)`);
  for (const p of perFile) {
    t.same(p.unmarked, [], `${p.file}: no fenced block without a <!-- check: … --> marker (line numbers)`);
    t.same(p.indented, [], `${p.file}: no indented code block (it could not be marked; line numbers)`);
  }
  const kinds = new Set(['run', 'example', 'npm', 'synopsis', 'text', 'help']);
  t.same(
    parsed.blocks.filter((b) => !kinds.has(b.kind) || (b.kind === 'help' && !GENERATED.has(b.file))).map(at),
    [],
    'every marker is a known kind (help only in generated pages)',
  );
  t.ok(parsed.blocks.filter((b) => b.kind === 'run').length >= 3, 'the docs have runnable commands');
  t.ok(
    parsed.blocks.filter((b) => b.kind === 'run' && b.file === 'README.md').length >= 3,
    'the README has runnable examples',
  );
});

t.test('the README is a front door, and each page has one title', async (t) => {
  const lines = readme.split('\n').length;
  t.ok(lines <= 250, `README.md is at most 250 lines (${lines})`);
  for (const [file, text] of texts) {
    const titles = [...text.replace(/^```[\s\S]*?^```$/gm, '').matchAll(/^# .+$/gm)].map((m) => m[0]);
    t.equal(titles.length, 1, `${file} has one # title (${titles.join(' | ')})`);
  }
});

t.test('help: the blocks of the generated option reference are --help, verbatim', async (t) => {
  const help = parsed.blocks.filter((b) => b.kind === 'help');
  t.ok(help.length >= 2, 'the usage and the exit statuses');
  for (const b of help) t.ok(fullHelp().includes(b.body.trimEnd()), `${at(b)} is part of --help`);
});

t.test('run: each command runs in dry-run mode', async (t) => {
  const sandbox = makeSandbox(t);
  for (const b of parsed.blocks.filter((x) => x.kind === 'run')) {
    for (const command of commands(b.body)) {
      const r = await runShell(command, {
        env: sandbox.env({ KEPTN_PROJECT: 'sockshop', KEPTN_STAGE: 'dev', KEPTN_SERVICE: 'carts' }),
        cwd: sandbox.dir,
      });
      t.equal(r.status, 0, `${at(b)}: ${command}`, { stderr: r.stderr });
      t.notMatch(r.stderr, /warning|error/i, 'no warning or error', { stderr: r.stderr });
      const dryRun = sandbox.takeDryRun();
      t.match(
        dryRun,
        /^# pushgateway: PUT \/metrics\/job\/job-executor-service\/integration\//m,
        'the Pushgateway payload was built',
      );
      t.match(dryRun, /^keptn_\w+(\{[^}]*\})? \S+$/m, 'with at least one metric from the tool output');
    }
  }
});

t.test('example: each block is exactly its file', async (t) => {
  const examples = parsed.blocks.filter((b) => b.kind === 'example');
  for (const b of examples)
    t.equal(b.body, readFileSync(join(ROOT, b.arg), 'utf8'), `${at(b)} shows ${b.arg} as it is`);
  t.ok(examples.length >= 8, 'the recipes are embedded');
});

t.test('--help fits 80 columns', async (t) => {
  const wide = fullHelp()
    .split('\n')
    .filter((l) => [...l].length > 80);
  t.same(wide, [], 'lines over 80 columns');
});

t.test('synopsis and usage: every option named is a real option', async (t) => {
  for (const b of parsed.blocks.filter((x) => ['synopsis', 'run', 'npm'].includes(x.kind))) {
    for (const m of b.body.matchAll(/(?<=\s)--[a-z][a-z-]+/g)) {
      // Options of other tools in the same commands (infracost, npm, k6).
      if (/^--(path|format|summary-time-unit)$/.test(m[0])) continue;
      t.ok(fullHelp().includes(`${m[0]} `) || fullHelp().includes(`${m[0]}\n`), `${at(b)}: ${m[0]} is in --help`);
    }
  }
});

t.test('npm: the commands exist, and CI runs them', async (t) => {
  const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
  const npmCommands = parsed.blocks
    .filter((b) => b.kind === 'npm')
    .flatMap((b) => commands(b.body).flatMap((c) => c.split('&&').map((s) => s.trim())));
  t.ok(npmCommands.length >= 3);
  t.same(
    parsed.blocks.filter((b) => b.kind === 'npm' && b.file === 'README.md').map((b) => b.body.trim()),
    ['npm ci && npm run demo', 'npm test'],
    'the README gives the two commands: install and run the demo, run the tests',
  );
  for (const c of npmCommands) {
    const script = /^npm run (\S+)$/.exec(c)?.[1];
    if (script !== undefined) t.ok(PACKAGE.scripts[script], `${c}: package.json has the script`);
    else t.ok(ci.includes(c), `${c}: is what .ci/run runs`);
  }
  // Inline commands in the prose too.
  for (const [file, text] of texts) {
    for (const m of text.matchAll(/`npm run (\w+)[^`]*`/g))
      t.ok(PACKAGE.scripts[m[1]!], `${file}: \`npm run ${m[1]}\`: package.json has the script`);
  }
  t.ok(/docker build -t jes-metrics-pipe:/.test(readme), 'the README says how to build the image');
  const tags = [...[...texts.values()].join('\n').matchAll(/docker build -t jes-metrics-pipe:([^\s`]+)/g)].map(
    (m) => m[1],
  );
  for (const tag of tags)
    t.ok(tag === PACKAGE.version || tag === '<version>', `docker build tag ${tag} is the package version`);
});

t.test('the demo runs as documented and tells its story in order', async (t) => {
  // `npm run demo` is `npm run --silent build && …`: npm test has just built, so run the rest as npm would.
  const demo = PACKAGE.scripts.demo ?? '';
  t.match(demo, /^npm run --silent build && /);
  const r = await runShell(demo.replace(/^npm run --silent build && /, ''), {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    cwd: ROOT,
  });
  t.equal(r.status, 0, 'exit status 0', { stderr: r.stderr });
  const out = r.stdout.toString('utf8');
  const indented = readFileSync(join(ROOT, 'examples', 'demo-output.txt'), 'utf8').replace(/^/gm, '    ');
  const steps = ['== 1. stdout', '== 2. stderr, with --dry-run', '== 3. --explain', '== 4. a preset'].map((s) =>
    out.indexOf(s),
  );
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
  const table = texts.get(join('docs', 'reference', 'environment.md'))!;
  const documented = new Set([...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
  const sources = (readdirSync(join(ROOT, 'lib'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(join(ROOT, 'lib', f), 'utf8'))
    .join('\n');
  const read = new Set([...sources.matchAll(/env\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!));
  for (const name of read) t.ok(documented.has(name), `${name} (read by the program) is documented`);
  for (const name of documented)
    t.ok(read.has(name) || sources.includes(`'${name}'`), `${name} (documented) is read by the program`);
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(text: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const h = fenced ? null : /^#{1,6} (.+)$/.exec(line);
    if (!h) continue;
    const base = h[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    found.add(n === 0 ? base : `${base}-${n}`);
  }
  return found;
}

/** Relative link targets outside code (fenced blocks and inline code), with their line numbers. */
function links(text: string): Array<{ target: string; line: number }> {
  const found: Array<{ target: string; line: number }> = [];
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) return;
    for (const m of line.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^[a-z][a-z+.-]*:/i.test(m[1]!)) found.push({ target: m[1]!, line: i + 1 });
    }
  });
  return found;
}

/** Linked from the docs and linking back; their links are checked too (their code blocks are not docs). */
const LINKED = ['CONTRIBUTING.md', join('bench', 'RESULTS.md')];

t.test(
  'links: every relative link in README, docs/, CONTRIBUTING and bench/RESULTS.md resolves, #anchors included',
  async (t) => {
    let count = 0;
    const all = new Map([...texts, ...LINKED.map((f): [string, string] => [f, readFileSync(join(ROOT, f), 'utf8')])]);
    for (const [file, text] of all) {
      for (const { target, line } of links(text)) {
        count++;
        const [path, anchor] = target.split('#', 2) as [string, string | undefined];
        const resolved = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), decodeURI(path));
        const where = `${file}:${line}: ${target}`;
        if (
          !t.ok(
            existsSync(resolved) && relative(ROOT, resolved).split('/')[0] !== '..',
            `${where}: the file exists in the repository`,
          )
        )
          continue;
        if (anchor === undefined) continue;
        if (
          !t.ok(
            statSync(resolved).isFile() && resolved.endsWith('.md'),
            `${where}: an anchor points into a Markdown file`,
          )
        )
          continue;
        const targetText = all.get(relative(ROOT, resolved)) ?? readFileSync(resolved, 'utf8');
        t.ok(anchors(targetText).has(anchor), `${where}: #${anchor} is a heading there`);
      }
    }
    t.ok(count >= 50, `the docs link to each other (${count} links)`);
  },
);
