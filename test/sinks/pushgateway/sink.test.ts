// The backend's request and its reading of answers, against a scripted HTTP server on
// 127.0.0.1 (the real gateway cannot be made to answer 202, 307 or 500 on demand).

import t from 'tap';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildPushgatewayRequest,
  CONTENT_TYPE,
  createPushgatewayBackend,
} from '../../../lib/sinks/pushgateway/sink.js';
import { createHttpClient } from '../../../lib/sinks/http/client.js';
import { Reporter } from '../../../lib/report/report.js';
import { pushSeries, runSeries } from '../../support/pushgateway-push.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}

/** Answers each request with `answer(seen)` and records it. */
async function scriptedServer(answer: (seen: Seen) => Answer) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(s);
      const a = answer(s);
      res.writeHead(a.status, { 'content-type': 'text/plain; charset=utf-8', ...(a.headers ?? {}) });
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const keptn = { project: 'sockshop', stage: 'prod/eu', service: 'carts' };
const series = runSeries('k6', keptn, [
  { name: 'rps', value: 12 },
  { name: 'p95', value: 0.25 },
]);

t.test('the request: method, path below the prefix, content type, basic auth, --header, body', async (t) => {
  const srv = await scriptedServer(() => ({ status: 200 }));
  t.teardown(srv.close);
  const { outcome, stderr } = await pushSeries(
    {
      url: new URL(`${srv.base}/pgw/`),
      integration: 'k6',
      keptn,
      grouping: [['branch', 'feature/x']],
      username: 'u',
      password: 'pa:ss',
      headers: [['X-Scope-OrgID', 'team-a']],
    },
    series,
  );
  t.same(outcome, { backend: 'pushgateway', ok: true, summary: '200, 2 series' });
  t.equal(srv.seen.length, 1);
  const req = srv.seen[0] as Seen;
  t.equal(req.method, 'PUT');
  t.equal(
    req.url,
    '/pgw/metrics/job/job-executor-service/integration/k6/keptn_project/sockshop/keptn_stage@base64/cHJvZC9ldQ/keptn_service/carts/branch@base64/ZmVhdHVyZS94',
  );
  t.equal(req.headers['content-type'], CONTENT_TYPE);
  t.equal(req.headers.authorization, `Basic ${Buffer.from('u:pa:ss').toString('base64')}`);
  t.equal(req.headers['x-scope-orgid'], 'team-a');
  const expected = await buildPushgatewayRequest(series, {
    job: 'job-executor-service',
    integration: 'k6',
    keptn,
    grouping: [['branch', 'feature/x']],
    method: 'PUT',
  });
  t.equal(req.body, expected.body);
  t.match(req.body, /^keptn_k6_rps\{ci_platform="keptn"\} 12$/m, 'grouping labels are not in the body');
  t.match(stderr, /pushgateway PUT .*: 2 series, \d+ bytes/, 'verbose says what is sent');
  t.notOk(stderr.includes('pa:ss'));
});

t.test('no credentials: no Authorization header; POST when asked', async (t) => {
  const srv = await scriptedServer(() => ({ status: 200 }));
  t.teardown(srv.close);
  await pushSeries({ url: new URL(srv.base), integration: 'k6', method: 'POST' }, series);
  t.equal(srv.seen[0]?.method, 'POST');
  t.equal(srv.seen[0]?.url, '/metrics/job/job-executor-service/integration/k6');
  t.equal(srv.seen[0]?.headers.authorization, undefined);
});

t.test('202 is accepted but not verified', async (t) => {
  const srv = await scriptedServer(() => ({ status: 202 }));
  t.teardown(srv.close);
  const { outcome, stderr } = await pushSeries({ url: new URL(srv.base), integration: 'k6', keptn }, series);
  t.same(outcome, { backend: 'pushgateway', ok: true, summary: '202 (accepted, not verified), 2 series' });
  t.match(stderr, /warning: pushgateway PUT .* -> 202: accepted but not verified/);
});

t.test('a redirect is an error and is not followed', async (t) => {
  const srv = await scriptedServer(() => ({ status: 307, headers: { location: 'https://elsewhere.invalid/metrics' } }));
  t.teardown(srv.close);
  const { outcome, stderr } = await pushSeries({ url: new URL(srv.base), integration: 'k6', keptn }, series);
  t.same(outcome, { backend: 'pushgateway', ok: false, summary: '307 (refused), 2 series not pushed' });
  t.match(stderr, /-> 307: redirected to https:\/\/elsewhere\.invalid\/metrics \(not followed\)/);
  t.match(stderr, /hint: the gateway redirected the push/);
  t.equal(srv.seen.length, 1);
});

t.test('a 5xx is retried by the HTTP layer, then reported with the body', async (t) => {
  const srv = await scriptedServer(() => ({ status: 503, body: 'write queue is full\n' }));
  t.teardown(srv.close);
  const { outcome, stderr } = await pushSeries({ url: new URL(srv.base), integration: 'k6', keptn }, series);
  t.equal(outcome.summary, '503 (refused), 2 series not pushed');
  t.match(stderr, /-> 503: write queue is full\n/);
  t.match(stderr, /hint: the gateway failed/);
  t.equal(srv.seen.length, 2, 'the test client allows two attempts');
});

t.test("400 hints by the gateway's words", async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['text format parsing error in line 3: expected float as value, got "1\\r"', /bug in jes-metrics-pipe/],
    [
      'pushed metrics are invalid or inconsistent with existing metrics: pushed metrics must not have timestamps',
      /timestamps/,
    ],
    [
      'pushed metrics are invalid or inconsistent with existing metrics: collected metric "m" { label:<name:"grouping" value:"x" > gauge:<value:1 > } was collected before with the same name and label values',
      /another type or the same labels in another group/,
    ],
    ['odd number of components in label string "/a"', /refused the grouping key/],
    ['improper label name "bad-name"', /refused the grouping key/],
    ['invalid base64 encoding for label v="!!!": illegal base64 data at input byte 0', /refused the grouping key/],
  ];
  for (const [body, hint] of cases) {
    const srv = await scriptedServer(() => ({ status: 400, body: `${body}\n` }));
    const { stderr } = await pushSeries({ url: new URL(srv.base), integration: 'k6' }, series);
    await srv.close();
    t.ok(stderr.includes(`-> 400: ${body}\n`), `quoted: ${body}`);
    t.match(stderr, new RegExp(`hint: .*${hint.source}`), body);
  }
});

t.test('a long answer is cut at 2 KB with a count', async (t) => {
  const srv = await scriptedServer(() => ({ status: 400, body: `${'x'.repeat(5000)}\n` }));
  t.teardown(srv.close);
  const { stderr } = await pushSeries({ url: new URL(srv.base), integration: 'k6' }, series);
  t.match(stderr, new RegExp(`-> 400: x{2048}… \\(2952 more characters\\)`));
});

t.test('a gateway that echoes the credentials does not get them printed', async (t) => {
  const srv = await scriptedServer((s) => ({
    status: 400,
    body: `bad auth ${s.headers.authorization ?? ''} for ${Buffer.from((s.headers.authorization ?? '').slice(6), 'base64').toString()}`,
  }));
  t.teardown(srv.close);
  const { stderr } = await pushSeries(
    { url: new URL(srv.base), integration: 'k6', username: 'svc-user', password: 'hunter2-long' },
    series,
  );
  t.match(stderr, /-> 400: bad auth Basic \*\*\* for \*\*\*:\*\*\*/);
  t.notOk(stderr.includes('hunter2-long'));
  t.notOk(stderr.includes(Buffer.from('svc-user:hunter2-long').toString('base64')));
});

t.test('periodic pushes with one reporter: each serializer note is said once', async (t) => {
  const srv = await scriptedServer(() => ({ status: 200 }));
  t.teardown(srv.close);
  let stderr = '';
  const reporter = new Reporter({ write: (text) => (stderr += text) });
  const http = createHttpClient({ timeoutMs: 5000, userAgent: 'test', env: {} });
  t.teardown(() => http.close());
  const backend = createPushgatewayBackend(
    { url: new URL(srv.base), job: 'j', method: 'PUT', grouping: [] },
    { integration: 'k6', keptn: {} },
    { http, reporter },
  );
  const one = [{ name: 'm', labels: { 'a-b': '1' }, value: 1, type: 'gauge' as const }];
  const two = [...one, { name: 'm', labels: { 'a-b': '2' }, value: 2, type: 'gauge' as const }];
  t.equal((await backend.push(one, { deadlineAt: Date.now() + 5000, final: false })).summary, '200, 1 series');
  t.equal((await backend.push(two, { deadlineAt: Date.now() + 5000, final: true })).summary, '200, 2 series');
  t.equal(srv.seen.length, 2);
  t.equal(stderr.match(/label "a-b" sent to the Pushgateway as "a_b"/g)?.length, 1, stderr);
});
