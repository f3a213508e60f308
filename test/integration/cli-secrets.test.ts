// Secrets never appear in any output (docs/reference/delivery.md, "Secrets"), checked on the CLI's whole stdout and
// stderr under --verbose: a real-shaped Dynatrace token, a Pushgateway password in the URL, the
// Basic header value; through success, 401, 500, refused connections, servers that echo the
// credentials back in their error bodies, and the dry run. And the JES log budget: a failure
// with 10,000 series keeps stderr short and says how much was left out.

import t, { type Test } from 'tap';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliResult } from '../support/cli.js';
import { basicAuthWebConfig, startPushgateway } from '../support/pushgateway.js';
import { startDtEmulator } from '../support/dt-emulator.js';
import { startFaultServer, type FaultAction } from '../support/fault-server.js';
import { DT_TOKEN, DT_TOKEN_SECRET, closedPort } from '../support/cli-reliability.js';

const USER = 'ciuser';
const PASSWORD = 's3cretpass';
const BASIC = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const SECRETS: Record<string, string> = {
  'the token': DT_TOKEN,
  "the token's secret part": DT_TOKEN_SECRET,
  'the password': PASSWORD,
  'the Basic header value': BASIC,
};
const INPUT = 'latency_ms=42\nsome log\n';

type T = Test;

function withCredentials(url: string): string {
  const u = new URL(url);
  u.username = USER;
  u.password = PASSWORD;
  return u.href.replace(/\/$/, '');
}

function assertNoSecrets(t: T, r: CliResult, what: string, extra = ''): void {
  const everything = `${r.stdout.toString('utf8')}\n${r.stderr}\n${extra}`;
  for (const [name, secret] of Object.entries(SECRETS)) {
    t.notOk(everything.includes(secret), `${what}: ${name} appears nowhere`);
  }
  t.equal(r.stdout.toString('utf8'), INPUT, `${what}: stdout is the input`);
}

function cli(pgUrl: string, dtUrl: string, extra: string[] = []): Promise<CliResult> {
  return runCli(
    [
      '--integration',
      'sec',
      '--verbose',
      '--timeout',
      '500ms',
      '--deadline',
      '1500ms',
      '--pushgateway',
      withCredentials(pgUrl),
      '--dt-url',
      dtUrl,
      ...extra,
    ],
    {
      input: INPUT,
      env: { DT_API_TOKEN: DT_TOKEN },
    },
  );
}

t.test('success with a real basic-auth Pushgateway and the emulator', async (t) => {
  const web = await basicAuthWebConfig(USER, PASSWORD);
  t.teardown(() => web.cleanup());
  const pgw = await startPushgateway({ webConfigFile: web.file, credentials: { username: USER, password: PASSWORD } });
  t.teardown(() => pgw.stop());
  const dt = await startDtEmulator({ token: DT_TOKEN });
  t.teardown(() => dt.close());
  const r = await cli(pgw.url, dt.url);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /; pushgateway: 200, 1 series; dynatrace: 202, 1 ok, 0 invalid\n/, 'the credentials worked');
  t.match(r.stderr, /PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\//, '--verbose shows the URL, without its user-info');
  assertNoSecrets(t, r, 'success');
});

// Servers that quote the credentials back (as some proxies and misconfigured gateways do).
const ECHO = `received Authorization: Basic ${BASIC} / Api-Token ${DT_TOKEN} (user ${USER}, password ${PASSWORD}, secret ${DT_TOKEN_SECRET})`;
const FAILURES: Array<[string, FaultAction]> = [
  ['401 echoing the credentials', { status: 401, body: ECHO }],
  ['500 echoing the credentials', { status: 500, body: JSON.stringify({ error: { code: 500, message: ECHO } }) }],
];

for (const [name, action] of FAILURES) {
  t.test(name, async (t) => {
    const server = await startFaultServer([], action);
    t.teardown(() => server.close());
    const r = await cli(server.url, server.url);
    t.equal(r.status, 0);
    t.ok(server.requests.length >= 2, 'both backends were attempted');
    // The credentials were really sent, so there was something to leak.
    t.ok(server.requests.some((q) => q.headers.authorization === `Basic ${BASIC}`));
    t.ok(server.requests.some((q) => q.headers.authorization === `Api-Token ${DT_TOKEN}`));
    t.match(r.stderr, /pushgateway: (\d{3}|failed)/);
    t.match(r.stderr, /\*\*\*/, 'the echoed secrets are masked');
    assertNoSecrets(t, r, name);
  });
}

t.test('connection refused', async (t) => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const r = await cli(url, url);
  t.equal(r.status, 0);
  t.match(r.stderr, /ECONNREFUSED/);
  assertNoSecrets(t, r, 'refused');
});

t.test('a proxy with credentials that is down', async (t) => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const r = await runCli(
    [
      '--integration',
      'sec',
      '--verbose',
      '--timeout',
      '500ms',
      '--deadline',
      '1s',
      '--pushgateway',
      withCredentials(url),
      '--dt-url',
      url,
    ],
    {
      input: INPUT,
      env: { DT_API_TOKEN: DT_TOKEN, HTTP_PROXY: `http://proxyuser:${PASSWORD}@127.0.0.1:${await closedPort()}` },
    },
  );
  t.equal(r.status, 0);
  assertNoSecrets(t, r, 'proxy');
});

t.test('the dry run (stderr and --dry-run-file) and a token file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jmp-sec-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const r = await cli('http://127.0.0.1:9', 'http://127.0.0.1:9', ['--dry-run']);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /latency_ms/, 'the dry run printed the payloads');
  assertNoSecrets(t, r, 'dry run to stderr');

  const file = join(dir, 'dry.txt');
  const tokenFile = join(dir, 'token');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(tokenFile, `${DT_TOKEN}\n`);
  const f = await runCli(
    [
      '--integration',
      'sec',
      '--verbose',
      '--pushgateway',
      withCredentials('http://127.0.0.1:9'),
      '--dt-url',
      'http://127.0.0.1:9',
      '--dt-token-file',
      tokenFile,
      '--dry-run-file',
      file,
    ],
    {
      input: INPUT,
    },
  );
  t.equal(f.status, 0, f.stderr);
  const written = readFileSync(file, 'utf8');
  t.match(written, /latency_ms/);
  assertNoSecrets(t, f, 'dry run to a file', written);
});

t.test('a failure with 10,000 series: stderr stays under 64 KB and says what was left out', async (t) => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) lines.push(`metric_number_${i}=${i}.5`);
  const input = `${lines.join('\n')}\n`;
  const r = await runCli(
    [
      '--integration',
      'big',
      '--max-series',
      '10000',
      '--timeout',
      '500ms',
      '--deadline',
      '1s',
      '--pushgateway',
      url,
      '--dt-url',
      url,
    ],
    {
      input,
      env: { DT_API_TOKEN: DT_TOKEN },
    },
  );
  t.equal(r.status, 0);
  t.equal(r.stdout.toString(), input, 'the passthrough is intact');
  const bytes = Buffer.byteLength(r.stderr);
  t.ok(bytes < 64 * 1024, `stderr is ${bytes} bytes`);
  t.match(r.stderr, /10000 series; pushgateway: failed/, 'the summary is there');
  t.match(r.stderr, /unsent Pushgateway payload \(10000 series/);
  t.match(r.stderr, /Dynatrace lines not ingested \(10000, no answer\)/);
  // Both payloads are cut, each with a count of what is not shown.
  const cuts = r.stderr.match(/… \d+ more lines not shown/g) ?? [];
  t.equal(cuts.length, 2, `both payloads say how much was left out: ${cuts.join('; ')}`);
  t.match(r.stderr, /^keptn_big_metric_number_0\{.*\} 0\.5$/m, 'the first numbers are shown');
});
