// --pushgateway / PROM_GATEWAY: the JES docs' `host:port`, path prefixes, credentials taken out
// of the URL, and refusals that never show the password.

import t from 'tap';
import { pushgatewayUrl } from '../../../lib/sinks/pushgateway/settings.js';

function ok(input: string): { url: URL; username?: string; password?: string } {
  const got = pushgatewayUrl(input);
  if ('error' in got) throw new Error(`${input}: ${got.error}`);
  return got;
}

t.test('accepted forms', async (t) => {
  const table: Array<[string, string, string]> = [
    // input, href, pathname
    ['localhost:9091', 'http://localhost:9091/', '/'],
    [
      'prometheus-pushgateway.monitoring.svc.cluster.local:9091',
      'http://prometheus-pushgateway.monitoring.svc.cluster.local:9091/',
      '/',
    ],
    ['127.0.0.1:9091', 'http://127.0.0.1:9091/', '/'],
    ['[::1]:9091', 'http://[::1]:9091/', '/'],
    ['http://pgw:9091', 'http://pgw:9091/', '/'],
    ['http://pgw:9091/', 'http://pgw:9091/', '/'],
    ['https://gw.example.com/pgw', 'https://gw.example.com/pgw', '/pgw'],
    ['https://gw.example.com/pgw/', 'https://gw.example.com/pgw', '/pgw'],
    ['  HTTP://pgw:9091  ', 'http://pgw:9091/', '/'],
  ];
  for (const [input, href, pathname] of table) {
    const got = ok(input);
    t.equal(got.url.href, href, `${input} href`);
    t.equal(got.url.pathname, pathname, `${input} pathname`);
    t.equal(got.username, undefined);
    t.equal(got.password, undefined);
  }
});

t.test('credentials come out of the URL, percent-decoded', async (t) => {
  const a = ok('https://pusher:p%40ss%3Aw%2Frd@gw.example.com:9091/pgw');
  t.equal(a.url.href, 'https://gw.example.com:9091/pgw');
  t.equal(a.username, 'pusher');
  t.equal(a.password, 'p@ss:w/rd');
  const b = ok('pusher:secret@gw:9091');
  t.equal(b.url.href, 'http://gw:9091/');
  t.same([b.username, b.password], ['pusher', 'secret']);
  const c = ok('http://token-only@gw');
  t.same([c.username, c.password], ['token-only', undefined]);
});

t.test('refusals say why and never show the password', async (t) => {
  const table: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['ftp://u:hunter2@gw:21', /http:\/\/ or https:\/\//],
    ['file:///etc/passwd', /http:\/\/ or https:\/\//],
    ['http://u:hunter2@', /not a valid URL|no host/],
    ['http://u:hun/ter2@gw', /not a valid URL/],
    ['http://u:hunter2@gw:notaport', /not a valid URL/],
    ['gw:9091 extra words', /not a valid URL/],
    ['http://u:hunter2@gw:9091/metrics/job/x', /base URL/],
    ['http://gw:9091/pgw/metrics/job@base64/eA', /base URL/],
    ['http://u:hunter2@gw:9091/?x=1', /query/],
    ['http://gw:9091/#frag', /fragment/],
    ['http://u:%E0%A4%A@gw', /percent-encoded/],
  ];
  for (const [input, message] of table) {
    const got = pushgatewayUrl(input);
    if (!('error' in got)) {
      t.fail(`${JSON.stringify(input)} was accepted`);
      continue;
    }
    t.match(got.error, message, JSON.stringify(input));
    t.notMatch(got.error, /hunter2|hun\/ter2|ter2/, `${JSON.stringify(input)}: no password in "${got.error}"`);
  }
});
