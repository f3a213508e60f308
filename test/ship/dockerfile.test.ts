// No container engine runs here, so the Dockerfile's structure is checked instead: the
// stages, a pinned Node LTS base, only the bundle in the image (no node_modules), a non-root
// user, the CLI on the PATH as the entrypoint, and every file it copies present in the build
// context (after .dockerignore) or produced by an earlier stage. `docker build .` builds it.

import t from 'tap';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE, ROOT } from './sandbox.js';

interface Instruction {
  op: string;
  args: string;
}
interface Stage {
  from: string;
  name: string;
  body: Instruction[];
}

/** Instructions with continuation lines joined; comments and blank lines dropped. */
function parseDockerfile(text: string): { args: Record<string, string>; stages: Stage[] } {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw) && current === '') continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim() !== '') logical.push(current.trim());
    current = '';
  }
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\S+)\s*(.*)$/s.exec(line)!;
    const op = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (op === 'ARG' && stages.length === 0) {
      const [k, v] = rest.split('=');
      args[k!] = v ?? '';
    } else if (op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)!;
      const from = f[1]!.replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? '',
      );
      stages.push({ from, name: f[2] ?? '', body: [] });
    } else {
      stages[stages.length - 1]?.body.push({ op, args: rest });
    }
  }
  return { args, stages };
}

/** A minimal .dockerignore matcher (the patterns this repo uses: `*`, `name`, `name/`, `!`), last match wins. */
function included(path: string, patterns: readonly string[]): boolean {
  let keep = true;
  for (const p of patterns) {
    const negate = p.startsWith('!');
    const pat = (negate ? p.slice(1) : p).replace(/\/$/, '');
    const re = new RegExp(`^${pat.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
    if (re.test(path)) keep = negate;
  }
  return keep;
}

const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const ignore = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));
const { stages } = dockerfile;
const final = stages[stages.length - 1]!;
const byName = new Map(stages.map((s) => [s.name, s]));

t.test('stages', async (t) => {
  t.same(
    stages.map((s) => s.name),
    ['build', 'runtime'],
    'build and the final runtime stage',
  );
  const runs = (s: Stage): string[] => s.body.filter((i) => i.op === 'RUN').map((i) => i.args);
  const build = byName.get('build')!;
  t.ok(
    runs(build).some((r) => /\bnpm ci\b/.test(r) && !/--omit=dev/.test(r)),
    'build installs the dev dependencies (npm ci)',
  );
  for (const r of runs(build)) {
    for (const m of r.matchAll(/\bnpm run (\S+)/g))
      t.ok(PACKAGE.scripts[m[1]!], `build's "npm run ${m[1]}" is a package.json script`);
  }
  t.ok(
    runs(build).some((r) => /npm run bundle\b/.test(r)),
    'build makes the bundle (which builds first)',
  );
  t.same(
    runs(final).filter((r) => /\bnpm (ci|install)\b/.test(r)),
    [],
    'the final stage installs nothing',
  );
  const copiesFromBuild = final.body.filter((i) => i.op === 'COPY' && /--from=build\b/.test(i.args));
  t.notOk(
    final.body.some((i) => i.op === 'COPY' && /node_modules/.test(i.args)),
    'the final stage takes no node_modules (the bundle holds the runtime dependencies)',
  );
  t.same(
    copiesFromBuild.map((i) => i.args.split(/\s+/).slice(-2, -1)[0]),
    ['/src/dist/jes-metrics-pipe.mjs'],
    'from build: the bundle only',
  );
});

t.test('a pinned current Node LTS base', async (t) => {
  for (const s of stages) {
    const m = /^node:(\d+)\.(\d+)\.(\d+)-(bookworm|bullseye|trixie)(-slim)?(@sha256:[0-9a-f]{64})?$/.exec(s.from);
    t.ok(m, `stage ${s.name} is FROM an exact node release tag (${s.from})`);
    if (!m) continue;
    const major = Number(m[1]);
    t.ok(major % 2 === 0 && major >= 22, `Node ${major} is an LTS line that is still supported`);
    const engines = (PACKAGE as unknown as { engines: { node: string } }).engines.node;
    t.ok(major >= Number(/\d+/.exec(engines)![0]), `satisfies engines.node ${engines}`);
  }
  t.equal(new Set(stages.map((s) => s.from)).size, 1, 'every stage uses the same base (one ARG to bump)');
});

t.test('a non-root user, the CLI on the PATH as the entrypoint', async (t) => {
  const users = final.body.filter((i) => i.op === 'USER').map((i) => i.args.trim());
  t.ok(users.length > 0, 'the final stage sets USER');
  const user = users[users.length - 1] ?? 'root';
  t.notOk(/^(root|0)(:|$)/.test(user), `runs as ${user}, not root`);
  const entry = final.body.filter((i) => i.op === 'ENTRYPOINT').pop();
  t.same(
    entry && JSON.parse(entry.args),
    ['jes-metrics-pipe'],
    'ENTRYPOINT ["jes-metrics-pipe"] (exec form: signals reach the CLI)',
  );
  const link = final.body.find((i) => i.op === 'RUN' && /ln -s \S+ \/usr\/local\/bin\/jes-metrics-pipe\b/.test(i.args));
  t.ok(link, 'the CLI is linked into /usr/local/bin');
  const target = /ln -s (\S+) \/usr\/local\/bin\/jes-metrics-pipe/.exec(link?.args ?? '')?.[1] ?? '';
  const workdir = final.body.find((i) => i.op === 'WORKDIR')?.args ?? '';
  t.equal(
    target,
    `${workdir}/jes-metrics-pipe.mjs`,
    'the link points at the bundle in the image (its .mjs name makes it an ES module)',
  );
  const copied = final.body.filter((i) => i.op === 'COPY').map((i) => i.args.split(/\s+/).pop()!);
  t.ok(copied.includes('./jes-metrics-pipe.mjs'), 'the bundle is copied into the image');
});

t.test('every copied file exists in the build context or an earlier stage', async (t) => {
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { outDir: string };
  };
  const bundleScript = readFileSync(join(ROOT, 'scripts', 'bundle.js'), 'utf8');
  const buildWorkdir = byName.get('build')!.body.find((i) => i.op === 'WORKDIR')!.args;
  for (const s of stages) {
    for (const i of s.body.filter((x) => x.op === 'COPY')) {
      const parts = i.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      const sources = parts.slice(0, -1);
      const from = /--from=(\S+)/.exec(i.args)?.[1];
      for (const src of sources) {
        if (from === undefined) {
          t.ok(existsSync(join(ROOT, src)), `${src} exists`);
          t.ok(
            included(src.replace(/^\.\//, '').replace(/\/$/, ''), ignore),
            `${src} is not excluded by .dockerignore`,
          );
        } else if (from === 'build') {
          const rel = src.replace(`${buildWorkdir}/`, '');
          const made =
            rel.startsWith(`${tsconfig.compilerOptions.outDir}/`) && !rel.endsWith('.mjs')
              ? 'tsc'
              : bundleScript.includes(rel)
                ? 'bundle'
                : undefined;
          t.ok(made, `${src} is made in build (${made ?? 'by nothing'})`);
        } else {
          t.ok(byName.has(from), `--from=${from} is a stage`);
        }
      }
    }
  }
  for (const leak of ['node_modules', 'dist', 'test', '.git', '.tap', 'bench']) {
    t.notOk(included(leak, ignore), `.dockerignore keeps ${leak} out of the build context`);
  }
});

t.test('the image recipes in examples/docker', async (t) => {
  const dir = join(ROOT, 'examples', 'docker');
  const runtimeWorkdir = final.body.find((i) => i.op === 'WORKDIR')!.args;
  const bundleInImage = final.body
    .filter((i) => i.op === 'COPY' && /jes-metrics-pipe\.mjs/.test(i.args))
    .map((i) => i.args.split(/\s+/).pop()!.replace(/^\.\//, `${runtimeWorkdir}/`));
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.Dockerfile'))) {
    const recipe = parseDockerfile(readFileSync(join(dir, file), 'utf8'));
    for (const s of recipe.stages) {
      t.match(s.from, /:\d+\.\d+\.\d+[^:]*$/, `${file}: ${s.from} is pinned to a release`);
      t.notMatch(s.from, /:latest$/);
    }
    t.ok(
      recipe.stages.some((s) => s.from === `${PACKAGE.name}:${PACKAGE.version}`),
      `${file} uses the image of this version (${PACKAGE.name}:${PACKAGE.version})`,
    );
    for (const i of recipe.stages
      .flatMap((s) => s.body)
      .filter((x) => x.op === 'COPY' && /jes-metrics-pipe\.mjs/.test(x.args))) {
      const src = i.args.split(/\s+/).filter((p) => !p.startsWith('--'))[0]!;
      t.ok(bundleInImage.includes(src), `${file} copies the bundle from where the image has it (${src})`);
    }
  }
});
