// No secret and no terminal control on stderr, and the unsent payload stays replayable
// through the built CLI with fault servers on 127.0.0.1.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';
import { startFaultServer } from '../support/fault-server.js';
import { closedPort } from '../support/cli-reliability.js';

/** Every `len`-character piece of `secret`: none may appear anywhere. */
function pieces(secret: string, len: number): string[] {
  const out: string[] = [];
  for (let i = 0; i + len <= secret.length; i++) out.push(secret.slice(i, i + len));
  return out;
}

t.test('Pushgateway user "keptn": the unsent payload and its path are printed as they are (item 10)', async (t) => {
  const port = await closedPort();
  const r = await runCli(
    [
      '--integration',
      'k6',
      '--pushgateway',
      `http://keptn:Pa55-w0rd-x9@127.0.0.1:${port}`,
      '--timeout',
      '300ms',
      '--deadline',
      '1s',
    ],
    {
      input: 'http_reqs=12\n',
      env: { KEPTN_PROJECT: 'sockshop', KEPTN_STAGE: 'dev', KEPTN_SERVICE: 'carts' },
    },
  );
  t.equal(r.status, 0);
  t.match(r.stderr, /^keptn_k6_http_reqs\{ci_platform="keptn"\} 12$/m, 'the payload line is replayable');
  t.match(
    r.stderr,
    /PUT \/metrics\/job\/job-executor-service\/integration\/k6\/keptn_project\/sockshop\/keptn_stage\/dev\/keptn_service\/carts\)/,
    'and its path',
  );
  t.notMatch(r.stderr, /Pa55-w0rd-x9/, 'the password is not shown');
  t.notMatch(r.stderr, /keptn:/, 'nor the user as user-info');
});

t.test('a query string in the Pushgateway URL is not printed in the refusal (item 11)', async (t) => {
  const secret = 'q-token-0123456789';
  for (const [args, env] of [
    [['--pushgateway', `http://127.0.0.1:9091/?token=${secret}`], {}],
    [[], { PROM_GATEWAY: `127.0.0.1:9091?token=${secret}#${secret}` }],
  ] as Array<[string[], Record<string, string>]>) {
    const r = await runCli(['--integration', 'q', ...args], { input: 'a=1\n', env });
    t.equal(r.status, 2);
    t.match(r.stderr, /must not have a query or a fragment/);
    t.match(r.stderr, /\?token=\*\*\*/, 'the name is kept, the value masked');
    t.notMatch(r.stderr, secret);
  }
});

t.test(
  "a 401 body echoing the token, cut at the message limit, shows no piece of the token's secret (item 12)",
  async (t) => {
    const secretPart = 'S3cr3tPart18chars0';
    const token = `dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.${secretPart}`;
    // The secret part starts at character 285: the 300-character cut of the message falls inside it.
    const server = await startFaultServer([], { status: 401, body: `${'x'.repeat(243)} you sent ${token}` });
    t.teardown(() => server.close());
    const r = await runCli(['--integration', 'c', '--dt-url', server.url], {
      input: 'a=1\n',
      env: { DT_API_TOKEN: token },
    });
    t.equal(r.status, 0);
    t.match(r.stderr, /-> 401 \(token missing or invalid\): x+/);
    for (const p of pieces(secretPart, 6)) t.notOk(r.stderr.includes(p), `no "${p}"`);
  },
);

t.test('a Basic value cut at the quote limit shows no piece of it (item 12)', async (t) => {
  const basic = Buffer.from('ciuser:s3cretpass').toString('base64');
  const server = await startFaultServer([], { status: 400, body: `${'y'.repeat(2030)} got ${basic}` });
  t.teardown(() => server.close());
  const url = new URL(server.url);
  url.username = 'ciuser';
  url.password = 's3cretpass';
  const r = await runCli(['--integration', 'c', '--pushgateway', url.href], { input: 'a=1\n' });
  t.equal(r.status, 0);
  t.match(r.stderr, /-> 400: y+/);
  for (const p of pieces(basic, 6)) t.notOk(r.stderr.includes(p), `no "${p}"`);
});

t.test('escape sequences from the input and from a server never reach stderr raw (item 13)', async (t) => {
  const evil = '\u001b]0;pwned\u0007\u001b[2J\u009b31m';
  const server = await startFaultServer([], { status: 400, body: `bad ${evil} body` });
  t.teardown(() => server.close());
  const input = `${JSON.stringify({ name: `m${evil}`, value: 1 })}\nlabel${evil}=oops\n`;
  const r = await runCli(['--integration', 'e', '--pushgateway', server.url, '--verbose'], { input });
  t.equal(r.status, 0);
  t.ok(r.stdout.toString('utf8').includes(evil), 'stdout is the input, byte for byte');
  t.match(r.stderr, /bad \\x1b\]0;pwned\\x07\\x1b\[2J\\x9b31m body/, 'the body, escaped');
  t.notMatch(
    r.stderr,
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/,
    'no control character but tab and newline on stderr',
  );
});

t.test(
  '--dry-run on stderr escapes control characters of label values; --dry-run-file keeps them (item 13)',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'jmp-leaks-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    const input = `${JSON.stringify({ name: 'm', value: 1, labels: { a: '\u001b]0;pwned\u0007x' } })}\n`;
    const r = await runCli(['--integration', 'e', '--dry-run'], { input });
    t.equal(r.status, 0);
    t.match(r.stderr, /a="\\x1b\]0;pwned\\x07x"/);
    t.notMatch(r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    const file = join(dir, 'dry.txt');
    const f = await runCli(['--integration', 'e', '--dry-run-file', file], { input });
    t.equal(f.status, 0);
    t.match(readFileSync(file, 'utf8'), /a="\u001b\]0;pwned\u0007x"/, 'the file is the exact payload');
  },
);
