// One definition per flag (lib/cli/flags.ts): -h, --help and docs/reference/cli.md are made
// from it and cannot drift; the older spellings are aliases that configure the same run.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../../lib/cli/args.js';
import { ALIASES, ALL_NAMES, canonicalArgs, FLAGS, GROUPS, type Flag } from '../../lib/cli/flags.js';
import { cliReference, fullHelp, shortHelp } from '../../lib/cli/help.js';

const noFile = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};
const columns = (line: string): number => [...line].length;
const flags = FLAGS as readonly Flag[];

t.test('-h is one screen, --help is everything, both within 80 columns', async (t) => {
  const short = shortHelp().trimEnd().split('\n');
  t.ok(short.length <= 40, `-h has ${short.length} lines (at most 40)`);
  for (const text of [shortHelp(), fullHelp()]) {
    t.same(
      text.split('\n').filter((l) => columns(l) > 80),
      [],
      'no line over 80 columns',
    );
  }
  const help = fullHelp();
  for (const f of flags) {
    t.match(help, `--${f.name}`, `--help names --${f.name}`);
    for (const a of f.aliases ?? []) t.match(help, `--${a}`, `--help names the alias --${a}`);
  }
  for (const f of flags.filter((x) => x.group === 'start')) t.match(shortHelp(), `--${f.name}`, `-h names --${f.name}`);
  t.match(shortHelp(), 'docs/reference/cli.md', '-h says where to read on');
});

t.test('every flag has a known group, texts, and a unique name', async (t) => {
  const groups = new Set(GROUPS.map((g) => g.id));
  for (const f of flags) {
    t.ok(groups.has(f.group), `--${f.name} is in a group`);
    t.ok(f.summary.length > 0 && f.text.length > 0, `--${f.name} has a summary and a text`);
    t.ok(columns(f.summary) <= 55, `--${f.name}'s summary fits one line of -h`);
  }
  t.equal(new Set(ALL_NAMES).size, ALL_NAMES.length, 'no name or alias is used twice');
});

t.test('docs/reference/cli.md is the table as it is (npm run docs writes it)', async (t) => {
  const file = readFileSync(new URL('../../docs/reference/cli.md', import.meta.url), 'utf8');
  t.equal(file, cliReference(), 'docs/reference/cli.md is up to date: run npm run docs');
});

t.test('aliases configure the same run as the canonical names', async (t) => {
  const env = { DT_API_TOKEN: 'dt0c01.ABC.DEF' };
  const pairs: [string[], string[]][] = [
    [
      ['--dt-url', 'https://abc.live.dynatrace.com', '--job', 'j', '--grouping', 'k=v', '--method', 'post'],
      [
        '--dynatrace',
        'https://abc.live.dynatrace.com',
        '--pushgateway-job',
        'j',
        '--pushgateway-grouping',
        'k=v',
        '--pushgateway-method',
        'post',
      ],
    ],
    [
      ['--ci-labels', 'none', '--ci-label', 'ci_matrix=OS'],
      ['--ci-context', 'none', '--label-from-env', 'ci_matrix=OS'],
    ],
    [
      ['--job=j', '--dt-url=https://abc.live.dynatrace.com'],
      ['--pushgateway-job=j', '--dynatrace=https://abc.live.dynatrace.com'],
    ],
  ];
  for (const [old, canonical] of pairs) {
    const a = parseConfig(['--integration', 'x', '--dry-run', ...old], { ...env, OS: 'linux' }, noFile);
    const b = parseConfig(['--integration', 'x', '--dry-run', ...canonical], { ...env, OS: 'linux' }, noFile);
    t.same(a.usageErrors, [], old.join(' '));
    t.same(a.config, b.config, `${old.join(' ')} = ${canonical.join(' ')}`);
  }
  t.equal(ALIASES.get('dt-url'), 'dynatrace');
  t.equal(parseConfig(['--preset', 'list'], {}, noFile).action, 'preset-list');
  t.equal(parseConfig(['--list-presets'], {}, noFile).action, 'preset-list');
  t.equal(parseConfig(['--ci-labels', 'list'], {}, noFile).action, 'ci-list');
  t.equal(parseConfig(['--show-ci-context'], {}, noFile).action, 'ci-list');
});

t.test('a value is never taken for an alias', async (t) => {
  t.same(canonicalArgs(['--pattern', '--job', '--job', 'x']), ['--pattern', '--job', '--pushgateway-job', 'x']);
  t.same(canonicalArgs(['--dry-run', '--job', 'x']), ['--dry-run', '--pushgateway-job', 'x']);
  t.same(canonicalArgs(['-q', 'x', '--dt-url=u']), ['-q', 'x', '--dynatrace=u']);
});

t.test('a typo of an alias is still found', async (t) => {
  const r = parseConfig(['--dt-ulr', 'x'], {}, noFile);
  t.match(r.usageErrors.join('\n'), /did you mean --dt-url\?/);
});

t.test('each HTTP backend takes headers of its own', async (t) => {
  const r = parseConfig(
    [
      '--integration',
      'x',
      '--pushgateway',
      'http://127.0.0.1:9091',
      '--pushgateway-header',
      'X-A: 1',
      '--dynatrace',
      'https://abc.live.dynatrace.com',
      '--dynatrace-header',
      'X-B: 2',
      '--otlp',
      'http://127.0.0.1:4318/v1/metrics',
      '--otlp-header',
      'Authorization: Bearer otlp-secret',
      '--remote-write',
      'http://127.0.0.1:9090/api/v1/write',
      '--remote-write-header',
      'X-Scope-OrgID: team-a',
    ],
    { DT_API_TOKEN: 'dt0c01.ABC.DEF', OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer env-secret' },
    noFile,
  );
  t.same(r.usageErrors, []);
  t.same(r.backendErrors, []);
  t.same(r.config.pushgateway?.headers, [['X-A', '1']]);
  t.same(r.config.dynatrace?.headers, [['X-B', '2']]);
  t.same(r.config.otlp?.headers, [['authorization', 'Bearer otlp-secret']], '--otlp-header wins over the environment');
  t.same(r.config.remoteWrite[0]?.headers, [['X-Scope-OrgID', 'team-a']]);
  t.same(r.config.http.headers, [], 'none of them reaches the other backends');
  const bad = parseConfig(['--integration', 'x', '--dry-run', '--dynatrace-header', 'Content-Length: 1'], {}, noFile);
  t.match(bad.usageErrors.join('\n'), /Content-Length: is set by the HTTP client itself/, bad.usageErrors.join('; '));
});

t.test("a backend's header without the backend is a usage error", async (t) => {
  for (const flag of ['--pushgateway-header', '--dynatrace-header', '--otlp-header', '--remote-write-header']) {
    const r = parseConfig(['--integration', 'x', '--dry-run', flag, 'X-A: 1'], {}, noFile);
    t.match(r.usageErrors.join('\n'), `${flag} given without`, flag);
  }
});
