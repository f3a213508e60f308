// What the HTTP layer prints about a request: no user-info, no query values; Basic auth encoding.

import t from 'tap';
import { basicAuthHeader, describeFailure, redactUrl } from '../../../lib/sinks/http/redact.js';

t.test('redactUrl drops user-info and fragment, masks query values', async (t) => {
  const table: Array<[string, string]> = [
    ['http://127.0.0.1:9091/metrics/job/x', 'http://127.0.0.1:9091/metrics/job/x'],
    ['http://user:s3cr3t@gw:9091/metrics/job/x', 'http://gw:9091/metrics/job/x'],
    ['https://only-user@gw/metrics', 'https://gw/metrics'],
    [
      'https://abc.live.dynatrace.com/api/v2/metrics/ingest?Api-Token=dt0c01.SECRET',
      'https://abc.live.dynatrace.com/api/v2/metrics/ingest?Api-Token=***',
    ],
    ['http://h/p?a=1&b=two&a=3#frag', 'http://h/p?a=***&b=***&a=***'],
    ['http://h/p#token=xyz', 'http://h/p'],
  ];
  for (const [input, want] of table) t.equal(redactUrl(new URL(input)), want, input);
});

t.test('redactUrl does not change the URL it is given', async (t) => {
  const url = new URL('http://u:p@h/x?k=v');
  redactUrl(url);
  t.equal(url.href, 'http://u:p@h/x?k=v');
});

t.test('basicAuthHeader is RFC 7617, UTF-8', async (t) => {
  // RFC 7617 §2 example.
  t.equal(basicAuthHeader('Aladdin', 'open sesame'), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
  // RFC 7617 §2.1 example (charset="UTF-8").
  t.equal(basicAuthHeader('test', '123£'), 'Basic dGVzdDoxMjPCow==');
});

t.test('describeFailure names the error code and message', async (t) => {
  t.equal(
    describeFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' })),
    'ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)',
  );
  t.equal(
    describeFailure(
      new Error('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) }),
    ),
    'UND_ERR_SOCKET (fetch failed)',
  );
  t.equal(describeFailure('plain'), 'plain');
});
