// The Reporter's masking and escaping: a credential is masked
// where it appears as a credential, and everywhere when it looks random; masking comes
// before any cut; every control character but tab is escaped.
import t from 'tap';
import { Reporter } from '../../lib/report/report.js';
import { escapeControls } from '../../lib/report/escape.js';
import { looksRandom, SecretMask } from '../../lib/report/mask.js';

function capture(): { reporter: Reporter; text: () => string } {
  let out = '';
  const reporter = new Reporter({ write: (s) => (out += s), budget: 1 << 20 });
  return { reporter, text: () => out };
}

t.test('looksRandom: tokens and passwords yes, words and names no', async (t) => {
  for (const s of ['s3cretpass', 'hunter2-long', 'Zm9vOmJhcg==', 'dt0c01.ABC.DEF0123', 'abcdefghijklmnopq'])
    t.ok(looksRandom(s), s);
  for (const s of ['keptn', 'sockshop', 'svc-user', 'ciuser', 'pw1', 'job_executor']) t.notOk(looksRandom(s), s);
});

t.test('a plain user name is masked in user-info and Basic pairs, not inside names and paths', async (t) => {
  const m = new SecretMask();
  m.add('keptn');
  m.add('s3cretpass');
  const table: Array<[string, string]> = [
    ['keptn_k6_http_reqs{ci_platform="keptn"} 1', 'keptn_k6_http_reqs{ci_platform="keptn"} 1'],
    [
      'PUT /metrics/job/j/integration/k6/keptn_project/sockshop',
      'PUT /metrics/job/j/integration/k6/keptn_project/sockshop',
    ],
    ['keptn.k6.http_reqs,ci_platform=keptn gauge,1', 'keptn.k6.http_reqs,ci_platform=keptn gauge,1'],
    ['http://keptn:s3cretpass@gw:9091/x', 'http://***:***@gw:9091/x'],
    ['https://keptn@gw/', 'https://***@gw/'],
    ['decoded keptn:s3cretpass here', 'decoded ***:*** here'],
    ['say s3cretpass anywhere', 'say *** anywhere'],
  ];
  for (const [input, want] of table) t.equal(m.redact(input), want, input);
});

t.test('a plain password is masked as the password of a URL or a pair, not as a word', async (t) => {
  const m = new SecretMask();
  m.add('ci');
  m.add('admin');
  m.add('keptn');
  t.equal(m.redact('http://keptn:admin@gw/'), 'http://***:***@gw/');
  t.equal(m.redact('keptn:admin'), '***:***');
  t.equal(m.redact('admin_requests_total 3'), 'admin_requests_total 3');
});

t.test('Authorization values are masked whatever was registered', async (t) => {
  const m = new SecretMask();
  const table: Array<[string, string]> = [
    ['Authorization: Basic Zm9vOmJhcg==', 'Authorization: Basic ***'],
    ['authorization="Api-Token dt0c01.X.Y"', 'authorization="Api-Token ***'.concat('"')],
    ['got Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc', 'got Bearer ***'],
    ['Basic authentication failed', 'Basic authentication failed'],
  ];
  for (const [input, want] of table) t.equal(m.redact(input), want, input);
});

t.test('masked before cut: no start of a secret survives a cut (item 12)', async (t) => {
  const secret = 'S3CR3TPART0123456789abcdefXYZ';
  const token = `dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.${secret}`;
  const { reporter } = capture();
  reporter.addSecret(token);
  reporter.addSecret(secret);
  for (let pad = 250; pad < 300; pad += 7) {
    const body = `${'x'.repeat(pad)} echo ${token} and ${secret}`;
    const shown = reporter.excerpt(body, 300);
    for (let i = 0; i + 8 <= secret.length; i++)
      t.notOk(shown.includes(secret.slice(i, i + 8)), `pad ${pad}: no ${secret.slice(i, i + 8)}`);
  }
  // Cut before it came here (a bounded body): the tail that starts the secret is masked.
  t.equal(reporter.excerpt(`401: ${secret.slice(0, 15)}`, 300), '401: ***');
  t.equal(reporter.excerpt('401: S3C', 300), '401: S3C', 'three characters are not taken for a secret');
});

t.test('a Basic value cut at the quote limit is masked, not left half readable', async (t) => {
  const basic = Buffer.from('ciuser:s3cretpass-and-more').toString('base64');
  const { reporter } = capture();
  reporter.addSecret(basic);
  for (let pad = 2030; pad < 2048; pad += 3) {
    const shown = reporter.excerpt(`${'x'.repeat(pad)} got ${basic} back`, 2048);
    for (let i = 0; i + 6 <= basic.length; i++)
      t.notOk(shown.includes(basic.slice(i, i + 6)), `pad ${pad}: no ${basic.slice(i, i + 6)}`);
  }
});

t.test('block(): each line masked before it is cut', async (t) => {
  const secret = 'Zz9-random-Secret-Value';
  const { reporter, text } = capture();
  reporter.addSecret(secret);
  reporter.block('title', `${'a'.repeat(390)}${secret}\nok`, 10, 400);
  t.notOk(text().includes(secret.slice(0, 8)), text().slice(-80));
  t.match(text(), /a{390}\*\*\*\nok\n$/);
});

t.test('escapeControls: every control character but tab (item 13)', async (t) => {
  t.equal(escapeControls('a\tb'), 'a\tb');
  t.equal(escapeControls('a\nb\rc'), 'a\\nb\\rc');
  t.equal(escapeControls('\u001b]0;pwned\u0007x'), '\\x1b]0;pwned\\x07x');
  t.equal(escapeControls('\u001b[31mred\u001b[0m'), '\\x1b[31mred\\x1b[0m');
  t.equal(escapeControls('\u009b31m \u0085 \u007f \u0000'), '\\x9b31m \\x85 \\x7f \\x00');
  t.equal(escapeControls('é ü 日本 😀'), 'é ü 日本 😀', 'printable text is left alone');
});

t.test('every kind of message is escaped: error, warn, info, block title and lines, summary', async (t) => {
  const { reporter, text } = capture();
  const evil = 'metric "\u001b]0;pwned\u0007\u009b2J"';
  reporter.error(evil);
  reporter.warn(evil);
  reporter.info(evil);
  reporter.block(evil, `${evil}\n${evil}`);
  reporter.summary(evil);
  t.notMatch(
    text(),
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/,
    'no control character but tab and the newlines between messages',
  );
  t.equal(
    text().trimEnd().split('\n').length,
    7,
    'seven lines: 3 messages, a block (a title and 2 lines), the summary',
  );
});

t.test(
  'a label value: a plain password is masked as a whole value, a user name is not (an identity, not a credential)',
  async (t) => {
    const mask = new SecretMask();
    mask.add('keptn', 'identity');
    mask.add('hunter22', 'credential');
    mask.add('c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Njc4OQ', 'credential');
    t.equal(mask.maskValue('keptn'), 'keptn', 'ci_platform="keptn" stays when the Pushgateway user is keptn');
    t.equal(mask.maskValue('hunter22'), '***', 'a plain password as the whole value');
    t.equal(
      mask.maskValue('x-c2VjcmV0LXRva2VuLXZhbHVlLTEyMzQ1Njc4OQ'),
      'x-***',
      'a random-looking one wherever it appears',
    );
    t.equal(
      mask.redact('http://keptn:hunter22@host/'),
      'http://***:***@host/',
      'both are still masked in a URL in a message',
    );
  },
);
