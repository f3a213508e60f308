// Flags + environment → Config: defaults, the environment names of the JES docs, and every
// kind of mistake turned into a message (usage errors stop pushes; backend errors stop one backend).
import t from 'tap';
import { parseConfig } from '../../lib/cli/args.js';

const noFile = (path: string): string => {
  throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
};

t.test('defaults', async (t) => {
  const r = parseConfig(['--integration', 'k6'], {}, noFile);
  t.same(r.usageErrors, []);
  t.same(r.backendErrors, []);
  t.equal(r.action, 'run');
  const c = r.config;
  t.equal(c.integration, 'k6');
  t.equal(c.prefix, 'keptn_');
  t.same(c.labels, { ci_platform: 'keptn' }, 'no Keptn variables: no Keptn labels, never "NULL"');
  t.same(c.parsers, ['kv', 'json', 'prom']);
  t.equal(c.maxSeries, 1000);
  t.equal(c.maxLineBytes, 1024 * 1024);
  t.equal(c.http.timeoutMs, 10_000);
  t.equal(c.http.deadlineMs, 60_000);
  t.equal(c.pushgateway, undefined);
  t.equal(c.dynatrace, undefined);
  t.equal(c.dryRun, false);
  t.equal(c.runMetrics, true);
  t.equal(c.command, undefined);
});

t.test('the JES environment: INTEGRATION_NAME, KEPTN_*, PROM_GATEWAY, DT_TENANT, DT_API_TOKEN', async (t) => {
  const env = {
    INTEGRATION_NAME: 'infracost',
    KEPTN_PROJECT: 'sockshop',
    KEPTN_STAGE: 'dev',
    KEPTN_SERVICE: 'carts',
    PROM_GATEWAY: 'prometheus-pushgateway.monitoring.svc.cluster.local:9091',
    DT_TENANT: 'https://abc12345.live.dynatrace.com',
    DT_API_TOKEN: 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  };
  const r = parseConfig([], env, noFile);
  t.same(r.usageErrors, []);
  t.same(r.backendErrors, []);
  const c = r.config;
  t.equal(c.integration, 'infracost');
  t.same(c.labels, { ci_platform: 'keptn', keptn_project: 'sockshop', keptn_service: 'carts', keptn_stage: 'dev' });
  t.same(c.keptn, { project: 'sockshop', stage: 'dev', service: 'carts' });
  t.equal(
    c.pushgateway?.url.href,
    'http://prometheus-pushgateway.monitoring.svc.cluster.local:9091/',
    'host:port means http://',
  );
  t.equal(c.pushgateway?.job, 'job-executor-service');
  t.equal(c.pushgateway?.method, 'PUT');
  t.equal(c.dynatrace?.url.href, 'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest');
  t.equal(c.dynatrace?.token, env.DT_API_TOKEN);
});

t.test('flags win over the environment; --label adds and overrides', async (t) => {
  const r = parseConfig(
    ['--integration', 'flag', '--label', 'keptn_stage=prod', '--label', 'team=a=b', '--prefix', ''],
    { INTEGRATION_NAME: 'env', KEPTN_STAGE: 'dev' },
    noFile,
  );
  t.same(r.usageErrors, []);
  t.equal(r.config.integration, 'flag');
  t.equal(r.config.labels.keptn_stage, 'prod');
  t.equal(r.config.labels.team, 'a=b', 'the value may contain =');
  t.equal(r.config.prefix, '');
});

t.test('wrap mode: everything after -- is the tool, untouched', async (t) => {
  const r = parseConfig(['--integration', 'k6', '--', 'k6', 'run', '--vus', '10', '--', 'x'], {}, noFile);
  t.same(r.usageErrors, []);
  t.same(r.config.command, ['k6', 'run', '--vus', '10', '--', 'x']);
});

t.test('durations', async (t) => {
  const r = parseConfig(
    ['--integration', 'x', '--timeout', '500ms', '--deadline', '2m', '--flush-interval', '1.5'],
    {},
    noFile,
  );
  t.same(r.usageErrors, []);
  t.equal(r.config.http.timeoutMs, 500);
  t.equal(r.config.http.deadlineMs, 120_000);
  t.equal(r.config.flushIntervalMs, 1500);
});

t.test('usage errors: each one said, nothing pushed', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['--integration', 'x', '--nope'], /unknown option --nope \(see --help\)/],
    [['--integration', 'x', 'stray'], /positional|Unexpected argument/i],
    [['--integration', 'x', '--max-series', '0'], /--max-series needs a whole number above 0/],
    [['--integration', 'x', '--max-series', '1.5'], /--max-series/],
    [['--integration', 'x', '--timeout', '-1'], /--timeout needs a duration/],
    [['--integration', 'x', '--parsers', 'kv,xml'], /--parsers/],
    [['--integration', 'x', '--parsers', ''], /--parsers/],
    [['--integration', 'x', '--label', 'bad label=1'], /--label needs NAME=VALUE/],
    [['--integration', 'x', '--label', 'novalue'], /--label needs NAME=VALUE/],
    [['--integration', 'x', '--header', 'NoColon'], /--header needs "Name: value"/],
    [['--integration', 'x', '--method', 'patch'], /--method takes put or post/],
    [['--integration', 'x', '--grouping', '__reserved=1'], /--grouping/],
    [['--integration', 'x', '--dry-run', '--grouping', 'job=other'], /already in the grouping key/],
    [['--integration', 'x', '--pattern', '(?<value>\\d+'], /--pattern/],
    [['--integration', 'x', '--pattern', 'no groups here'], /--pattern/],
    [['--integration', 'x', '--json-path', 'nopath'], /--json-path/],
    [['--dry-run'], /--integration NAME \(or INTEGRATION_NAME\) is required/],
    [['--integration', 'x', '--quiet', '--verbose'], /contradict/],
    [['--integration', 'x', '--parse-stderr'], /only works in wrap mode/],
    [['--integration', 'x', '--'], /nothing to run after "--"/],
    [['--integration', 'x', '--ca-file', '/no/such/ca.pem'], /cannot read --ca-file/],
    [['--integration', 'x', '--dt-token-file', '/t'], /--dt-token-file given without --dt-url/],
  ];
  for (const [argv, message] of cases) {
    const r = parseConfig(argv, {}, noFile);
    t.match(r.usageErrors.join('\n'), message, argv.join(' '));
  }
});

t.test('backend errors: that backend is off, the other stays', async (t) => {
  const token = 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
  const noToken = parseConfig(
    ['--integration', 'x', '--dt-url', 'https://abc.live.dynatrace.com', '--pushgateway', 'pgw:9091'],
    {},
    noFile,
  );
  t.same(noToken.usageErrors, []);
  t.match(noToken.backendErrors.join('\n'), /DT_API_TOKEN/);
  t.equal(noToken.config.dynatrace, undefined);
  t.ok(noToken.config.pushgateway, 'the Pushgateway still pushes');

  const badUrl = parseConfig(
    ['--integration', 'x', '--pushgateway', 'ftp://pgw'],
    { DT_TENANT: 'https://abc.live.dynatrace.com', DT_API_TOKEN: token },
    noFile,
  );
  t.match(badUrl.backendErrors.join('\n'), /pushgateway/);
  t.equal(badUrl.config.pushgateway, undefined);
  t.ok(badUrl.config.dynatrace);

  const secret = parseConfig(['--integration', 'x', '--pushgateway', 'http://user:s3cret@pgw:9091'], {}, noFile);
  t.equal(secret.config.pushgateway?.password, 's3cret');
  t.equal(secret.config.pushgateway?.url.password, '', 'credentials are taken out of the URL');

  const fromFile = parseConfig(
    ['--integration', 'x', '--dt-url', 'https://abc.live.dynatrace.com', '--dt-token-file', '/run/secrets/dt'],
    {},
    (path) => (path === '/run/secrets/dt' ? `${token}\n` : noFile(path)),
  );
  t.equal(fromFile.config.dynatrace?.token, token, 'a token file, trimmed');

  const oneAgent = parseConfig(['--integration', 'x', '--dt-url', 'http://localhost:14499/metrics/ingest'], {}, noFile);
  t.same(oneAgent.backendErrors, [], 'the OneAgent endpoint needs no token');
  t.equal(oneAgent.config.dynatrace?.token, undefined);
});

t.test('--help and --version', async (t) => {
  t.equal(parseConfig(['--help'], {}, noFile).action, 'help');
  t.equal(parseConfig(['-h'], {}, noFile).action, 'help-short', '-h is the first screen');
  t.equal(parseConfig(['--version'], {}, noFile).action, 'version');
});

t.test('--slo-report is checked at the start, as --dry-run-file is (issue 24, item 16)', async (t) => {
  const { mkdtempSync, rmSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'jmp-report-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const usage = (report: string): string[] =>
    parseConfig(['--integration', 'k6', '--dry-run', '--slo', 'slo.yaml', '--slo-report', report], {}, noFile)
      .usageErrors;
  t.same(usage(join(dir, 'report.json')), []);
  t.same(usage(join(dir, 'missing', 'report.json')), [
    `--slo-report ${join(dir, 'missing', 'report.json')}: the folder ${join(dir, 'missing')} does not exist`,
  ]);
  t.same(usage('/dev/full'), ['--slo-report /dev/full: is a device; give a regular file (or /dev/null to discard it)']);
  t.same(usage(dir), [`--slo-report ${dir}: is a folder`]);
  // The rule of every output file (lib/files.ts): /dev/null discards it, and is accepted.
  t.same(usage('/dev/null'), []);
});
