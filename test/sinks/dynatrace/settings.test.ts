// --dt-url / DT_TENANT forms → the ingest endpoint; the API token from env or file.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { dynatraceIngestUrl, isOneAgentEndpoint, readDynatraceToken } from '../../../lib/sinks/dynatrace/settings.js';

t.test('accepted forms', async (t) => {
  const table: Array<[string, string, boolean]> = [
    ['https://abc12345.live.dynatrace.com', 'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest', false],
    ['https://abc12345.live.dynatrace.com/', 'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest', false],
    ['  https://abc12345.live.dynatrace.com//  ', 'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest', false],
    [
      'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest',
      'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest',
      false,
    ],
    [
      'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest/',
      'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest',
      false,
    ],
    ['https://abc12345.live.dynatrace.com/api/v2', 'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest', false],
    [
      'https://abc12345.live.dynatrace.com/api/v2/metrics',
      'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest',
      false,
    ],
    ['https://managed.example.com/e/1a2b3c', 'https://managed.example.com/e/1a2b3c/api/v2/metrics/ingest', false],
    ['https://managed.example.com/e/1a2b3c/', 'https://managed.example.com/e/1a2b3c/api/v2/metrics/ingest', false],
    [
      'https://managed.example.com/e/1a2b3c/#dashboards',
      'https://managed.example.com/e/1a2b3c/api/v2/metrics/ingest',
      false,
    ],
    ['https://ag.internal:9999/e/1a2b3c', 'https://ag.internal:9999/e/1a2b3c/api/v2/metrics/ingest', false],
    [
      'https://ag.internal:9999/e/1a2b3c/api/v2/metrics/ingest',
      'https://ag.internal:9999/e/1a2b3c/api/v2/metrics/ingest',
      false,
    ],
    ['http://localhost:14499/metrics/ingest', 'http://localhost:14499/metrics/ingest', true],
    ['http://127.0.0.1:14499/metrics/ingest/', 'http://127.0.0.1:14499/metrics/ingest', true],
    ['abc12345.live.dynatrace.com', 'https://abc12345.live.dynatrace.com/api/v2/metrics/ingest', false],
    ['localhost:14499/metrics/ingest', 'http://localhost:14499/metrics/ingest', true],
    ['https://proxy.example.com/dynatrace', 'https://proxy.example.com/dynatrace/api/v2/metrics/ingest', false],
  ];
  for (const [input, href, oneAgent] of table) {
    const got = dynatraceIngestUrl(input);
    t.same('error' in got ? got : { href: got.url.href, oneAgent: got.oneAgent }, { href, oneAgent }, input);
  }
});

t.test('rejected forms, with messages free of credentials and query values', async (t) => {
  const table: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['ftp://abc.live.dynatrace.com', /must start with https:\/\/ or http:\/\//],
    ['file:///etc/passwd', /must start with https:\/\/ or http:\/\//],
    ['http://', /not a valid URL/],
    ['https://exa mple.com', /not a valid URL/],
    ['https://user:hunter2@abc.live.dynatrace.com', /must not contain user-info/],
    [
      'https://abc.live.dynatrace.com/api/v2/metrics/ingest?Api-Token=dt0c01.PUB.hunter2',
      /must not contain a query string/,
    ],
    ['https://abc.live.dynatrace.com/ui/dashboards', /web UI address/],
    ['https://managed.example.com/e/1a2b3c/ui/apps', /web UI address/],
  ];
  for (const [input, want] of table) {
    const got = dynatraceIngestUrl(input);
    t.ok('error' in got, input);
    if ('error' in got) {
      t.match(got.error, want, input);
      t.notMatch(got.error, 'hunter2', 'no secret in the message');
      t.notMatch(got.error, 'user:', 'no user-info in the message');
    }
  }
});

t.test('token: from DT_API_TOKEN or a file (trimmed); the file wins; missing is an error', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dt-token-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'token');
  writeFileSync(file, '  dt0c01.FILEPUBLIC.FILESECRET\n');
  const empty = join(dir, 'empty');
  writeFileSync(empty, '\n\n');
  const twoLines = join(dir, 'two');
  writeFileSync(twoLines, 'dt0c01.A.B\ndt0c01.C.D\n');

  t.same(readDynatraceToken({ DT_API_TOKEN: ' dt0c01.ENV.SECRET \n' }, undefined), { token: 'dt0c01.ENV.SECRET' });
  t.same(readDynatraceToken({ DT_API_TOKEN: 'dt0c01.ENV.SECRET' }, file), { token: 'dt0c01.FILEPUBLIC.FILESECRET' });
  t.match(readDynatraceToken({}, undefined), { error: /token is missing: set DT_API_TOKEN or --dt-token-file/ });
  t.match(readDynatraceToken({ DT_API_TOKEN: '   ' }, undefined), { error: /missing/ });
  t.match(readDynatraceToken({}, join(dir, 'nope')), {
    error: /cannot read the Dynatrace token file .*nope \(ENOENT\)/,
  });
  t.match(readDynatraceToken({}, empty), { error: /is empty/ });
  const two = readDynatraceToken({}, twoLines);
  t.match(two, { error: /whitespace/ });
  t.notMatch(two.error ?? '', /dt0c01/, 'the token is not in the message');
});

t.test('token: the OneAgent endpoint needs none, and one given is not sent', async (t) => {
  t.same(readDynatraceToken({}, undefined, true), {});
  const given = readDynatraceToken({ DT_API_TOKEN: 'dt0c01.A.B' }, undefined, true);
  t.equal(given.token, undefined);
  t.match(given.warning, /needs no token/);
});

t.test('isOneAgentEndpoint', async (t) => {
  t.ok(isOneAgentEndpoint(new URL('http://localhost:14499/metrics/ingest')));
  t.ok(isOneAgentEndpoint(new URL('http://127.0.0.1:9999/metrics/ingest/')));
  t.notOk(isOneAgentEndpoint(new URL('https://abc.live.dynatrace.com/api/v2/metrics/ingest')));
  t.notOk(isOneAgentEndpoint(new URL('https://h/e/x/api/v2/metrics/ingest')));
});
