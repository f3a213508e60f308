// The built-in presets (presets/*.yaml): embedded as they are, each a valid rule file (the loader
// and the JSON Schema agree), every line rule carrying literal words for the byte pre-filter,
// and one naming scheme (docs/presets.md) across them.
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import Ajv from 'ajv';
import { BUILTIN_PRESETS } from '../../../lib/extract/presets/builtin.js';
import {
  CATEGORIES,
  PRESET_CATEGORY,
  loadPresets,
  presetList,
  presetNames,
} from '../../../lib/extract/presets/catalog.js';
import { presetForCommand } from '../../../lib/extract/presets/auto.js';

const dir = fileURLToPath(new URL('../../../presets/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const schema = JSON.parse(
  readFileSync(new URL('../../../schema/rules.schema.json', import.meta.url), 'utf8'),
) as object;

type RawRule = Record<string, unknown>;
const raw = new Map(files.map((f) => [f.slice(0, -5), parse(readFileSync(dir + f, 'utf8')) as { rules: RawRule[] }]));

t.test('builtin.ts holds presets/*.yaml byte for byte (run node scripts/presets.js after an edit)', async (t) => {
  t.same(
    [...BUILTIN_PRESETS.keys()],
    files.map((f) => f.slice(0, -5)),
  );
  for (const f of files) t.equal(BUILTIN_PRESETS.get(f.slice(0, -5)), readFileSync(dir + f, 'utf8'), f);
});

t.test("the issue's presets are all there", async (t) => {
  for (const name of [
    'k6',
    'infracost',
    'trivy',
    'junit',
    'go-bench',
    'pytest',
    'tap',
    'hyperfine',
    'ab',
    'wrk',
    'hey',
    'autocannon',
    'coverage',
    'eslint',
    'gnu-time',
    'sysbench',
    'fio',
    'iperf3',
    'jest',
    'vitest',
    'mocha',
    'go-test',
    'bencher-json',
    'benchmark-action-json',
    'locust',
    'lighthouse',
    'oha',
  ]) {
    t.ok(presetNames().includes(name), name);
  }
});

t.test('every preset loads without an error and has a description', async (t) => {
  const { sets, errors } = await loadPresets(presetNames());
  t.same(errors, []);
  t.equal(sets.length, presetNames().length);
  for (const s of sets) t.ok(s.description !== undefined && s.description.length > 10, `${s.origin} has a description`);
});

t.test('every preset validates against the rule-file JSON Schema', async (t) => {
  const ajv = new Ajv.default({ allErrors: true, strict: false, validateSchema: false });
  const validate = ajv.compile(schema);
  for (const [name, content] of raw) t.ok(validate(content), name, { errors: validate.errors });
});

t.test('every line rule carries literal words for the pre-filter', async (t) => {
  for (const [name, content] of raw) {
    for (const [i, rule] of content.rules.entries()) {
      if (rule.pattern === undefined) continue;
      t.ok(
        Array.isArray(rule.words) && rule.words.length > 0,
        `${name} rule ${i + 1} (${String(rule.id ?? rule.name ?? '')}) has words`,
      );
    }
  }
});

const STATS = /^(?:mean|median|min|max|stddev|sum|value|p\d+(?:\.\d+)?)$/;
t.test(
  'one naming scheme: snake_case names, no _total on gauges, units only as suffixes, stat labels from one list',
  async (t) => {
    for (const [name, content] of raw) {
      for (const [i, rule] of content.rules.entries()) {
        const where = `${name} rule ${i + 1}`;
        const names: string[] = [];
        if (typeof rule.name === 'string') names.push(rule.name);
        if (rule.fields !== undefined) names.push(...Object.keys(rule.fields as object));
        if (rule.values !== undefined)
          for (const v of Object.values(rule.values as object)) if (typeof v === 'string') names.push(v);
        for (const n of names) {
          t.match(n, /^[a-z][a-z0-9_]*$/, `${where}: ${n} is snake_case`);
          if (rule.type !== 'counter') t.notMatch(n, /_total$/, `${where}: ${n} is a gauge, not _total`);
          t.notMatch(n, /_(?:ms|us|ns|percent|pct|kb|mb)(?:_|$)/, `${where}: ${n} names no unit but a base one`);
        }
        const stats: unknown[] = [];
        const labels = rule.labels as Record<string, unknown> | undefined;
        if (labels?.stat !== undefined) stats.push(labels.stat);
        if (rule.values !== undefined)
          for (const v of Object.values(rule.values as object))
            if (typeof v === 'object' && v !== null && 'stat' in v) stats.push((v as { stat: unknown }).stat);
        for (const s of stats) t.match(String(s), STATS, `${where}: stat="${String(s)}"`);
      }
    }
  },
);

t.test('--preset list: the presets by group, one line each, name then description', async (t) => {
  const text = await presetList();
  const lines = text.trimEnd().split('\n');
  const entries = lines.filter((l) => l.startsWith('  '));
  t.equal(entries.length, presetNames().length);
  t.match(
    entries.find((l) => l.startsWith('  k6 ')),
    /^ {2}k6\s+k6 end-of-test summary/,
  );
  // Group headings in CATEGORIES order, each followed by its presets.
  const headings = lines.filter((l) => /^\S.*:$/.test(l)).map((l) => l.slice(0, -1).toLowerCase());
  t.same(
    headings,
    CATEGORIES.filter((c) => presetNames().some((n) => PRESET_CATEGORY[n] === c)),
  );
  t.match(text, /^Load and systems:\n(?: {2}.*\n)*? {2}k6 /m);
  t.match(text, /^Cost and security:\n(?: {2}.*\n)*? {2}trivy /m);
});

t.test('every preset has a group in --preset list and a section under it in docs/presets.md', async (t) => {
  const doc = readFileSync(new URL('../../../docs/presets.md', import.meta.url), 'utf8');
  for (const name of presetNames()) {
    const category = PRESET_CATEGORY[name];
    t.ok(category !== undefined, `${name} has a group`);
    if (category === undefined) continue;
    const heading = `## ${category[0]?.toUpperCase()}${category.slice(1)}\n`;
    const at = doc.indexOf(heading);
    const section = doc.indexOf(`\n### \`${name}\`\n`);
    const next = doc.indexOf('\n## ', at + heading.length);
    t.ok(
      at >= 0 && section > at && (next < 0 || section < next),
      `docs/presets.md has ${name} under "${heading.trim()}"`,
    );
    const body = doc.slice(section, doc.indexOf('\n### ', section + 1) >>> 0);
    t.match(body, /Recorded from:\n\n- `/, `${name}: the commands that made its test inputs`);
  }
});

t.test('an unknown preset is an error naming the known ones', async (t) => {
  const { errors } = await loadPresets(['k7']);
  t.match(errors[0], /^--preset k7: no such preset \(one of: ab, .*k6.*; --preset list describes them\)$/);
});

t.test('--preset auto: the preset from the wrapped tool', async (t) => {
  const table: Array<[string[], string | undefined]> = [
    [['k6', 'run', 'load.js'], 'k6'],
    [['/usr/local/bin/k6', 'run', 'load.js'], 'k6'],
    [['go', 'test', '-bench', '.', './...'], 'go-bench'],
    [['go', 'test', '-run', '^$', '-bench=Cart'], 'go-bench'],
    [['go', 'test', './...'], undefined],
    [['pytest', '-q'], 'pytest'],
    [['python3', '-m', 'pytest'], 'pytest'],
    [['npx', 'autocannon', '-c', '10', 'http://127.0.0.1:1/'], 'autocannon'],
    [['npx', 'eslint', '-f', 'json', 'src'], 'eslint'],
    [['shellcheck', '-f', 'json', 'deploy.sh'], 'shellcheck'],
    [['python3', '-m', 'pylint', 'app.py'], 'pylint'],
    [['bandit', '-f', 'json', '-r', 'src'], 'bandit'],
    [['cloc', '--json', '.'], 'cloc'],
    [['/usr/bin/redis-benchmark', '-q'], 'redis-benchmark'],
    [['npx', 'artillery', 'run', 'load.yml'], 'artillery'],
    [['siege', '-c', '4', '-r', '25', '--json-output', 'http://127.0.0.1:1/'], 'siege'],
    [['pgbench', '-c', '4', '-T', '5', 'bench'], 'pgbench'],
    [['vegeta', 'report', '-type=json', 'results.bin'], 'vegeta'],
    [['ruff', 'check', '--output-format=json', '.'], 'ruff'],
    [['npx', 'vite', 'build'], 'vite'],
    [['npx', 'size-limit', '--json'], 'size-limit'],
    [['npm', 'audit', '--json'], 'npm-audit'],
    [['semgrep', 'scan', '--json', '--config', 'auto'], 'semgrep'],
    [['golangci-lint', 'run', '--out-format', 'json'], 'golangci-lint'],
    [['locust', '--headless', '-u', '5', '-t', '5s', '--csv', 'out'], 'locust'],
    [['python3', '-m', 'locust', '--headless'], 'locust'],
    [['npx', 'lighthouse', 'http://127.0.0.1:1/', '--output', 'json'], 'lighthouse'],
    [['oha', '--no-tui', '--output-format', 'json', '-z', '10s', 'http://127.0.0.1:1/'], 'oha'],
    [['npm', 'test'], undefined],
    [['pnpm', 'audit', '--json'], undefined],
    [['node', '--test'], 'tap'],
    [['/usr/bin/time', '-v', 'make'], 'gnu-time'],
    [['hyperfine', 'sleep 1'], 'hyperfine'],
    [['trivy', 'image', '--format', 'json', 'x'], 'trivy'],
    [['make', 'test'], undefined],
  ];
  for (const [command, want] of table) t.equal(presetForCommand(command), want, command.join(' '));
});

t.test('--preset auto looks through launchers iteratively and at most 16 deep (issue 24, item 11)', async (t) => {
  t.equal(
    presetForCommand([...Array<string>(20_000).fill('npx'), 'k6', 'run', 'x.js']),
    undefined,
    '20,000 npx: no stack overflow',
  );
  const pythons = Array.from({ length: 10_000 }, () => ['python', '-m']).flat();
  t.equal(presetForCommand([...pythons, 'pytest']), undefined, '10,000 python -m');
  t.equal(presetForCommand([...Array<string>(16).fill('npx'), 'k6']), 'k6', '16 launchers are looked through');
  t.equal(presetForCommand(['npx', '-y', 'python3', '-m', 'pytest', '-q']), 'pytest');
  // A generous bound (a noisy 2-core box): a walk quadratic in the words takes minutes here.
  const started = Date.now();
  presetForCommand([...Array<string>(200_000).fill('npx'), 'k6']);
  t.ok(Date.now() - started < 10_000, `${Date.now() - started} ms`);
});
