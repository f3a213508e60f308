// --otlp and the OTEL_EXPORTER_OTLP_* environment → the OTLP backend's settings.

import t from 'tap';
import { otlpConfig, parseKeyValueList, temporalityPreference } from '../../../lib/sinks/otlp/settings.js';
import { remoteWriteConfigs } from '../../../lib/sinks/remote-write/settings.js';

t.test('the endpoint: flag, then the metrics endpoint as is, then the base + /v1/metrics', async (t) => {
  const cases: Array<[string | undefined, Record<string, string>, string | undefined]> = [
    [undefined, {}, undefined],
    ['http://a:4318/custom', { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b/x' }, 'http://a:4318/custom'],
    [
      undefined,
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://b:4318/x', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c' },
      'http://b:4318/x',
    ],
    [undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }, 'http://c:4318/v1/metrics'],
    [undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c/otlp/' }, 'https://c/otlp/v1/metrics'],
    [undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_METRICS_EXPORTER: 'none' }, undefined],
    ['http://a/v1/metrics', { OTEL_METRICS_EXPORTER: 'none' }, 'http://a/v1/metrics'],
  ];
  for (const [flag, env, want] of cases) {
    const got = otlpConfig(flag, env);
    t.same(got.errors, [], JSON.stringify([flag, env]));
    t.equal(got.config?.url.href, want, JSON.stringify([flag, env]));
  }
});

t.test('bad endpoints are backend errors', async (t) => {
  t.match(otlpConfig('not a url', {}).errors, [/--otlp "not a url" is not a URL/]);
  t.match(otlpConfig('ftp://x/v1/metrics', {}).errors, [/must use http/]);
  t.notMatch(otlpConfig('http://user:s3cret@/', {}).errors.join(''), /s3cret/);
});

t.test('headers: URL-decoded, the metrics ones win per key, values never in messages', async (t) => {
  const got = otlpConfig('http://a/v1/metrics', {
    OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Api-Token%20dt0c01.x ,  X-Scope-OrgID=t1',
    OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-scope-orgid=t2,content-type=text/plain',
  });
  t.same(got.config?.headers, [
    ['authorization', 'Api-Token dt0c01.x'],
    ['x-scope-orgid', 't2'],
  ]);
  t.match(got.warnings, [/content-type header is set by jes-metrics-pipe/]);
  const bad = otlpConfig('http://a/v1/metrics', { OTEL_EXPORTER_OTLP_HEADERS: 'Bearer-secret-token' });
  t.equal(bad.config, undefined);
  t.notMatch(bad.errors.join(''), /secret/);
});

t.test('resource: OTEL_SERVICE_NAME wins over OTEL_RESOURCE_ATTRIBUTES; service.name first', async (t) => {
  t.same(otlpConfig('http://a', {}).config?.resource, [['service.name', 'jes-metrics-pipe']]);
  t.same(
    otlpConfig('http://a', {
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,service.name=from-attrs,team=a%2Cb',
    }).config?.resource,
    [
      ['service.name', 'from-attrs'],
      ['deployment.environment', 'prod'],
      ['team', 'a,b'],
    ],
  );
  t.same(
    otlpConfig('http://a', { OTEL_SERVICE_NAME: 'svc', OTEL_RESOURCE_ATTRIBUTES: 'service.name=x' }).config?.resource,
    [['service.name', 'svc']],
  );
});

t.test('temporality preference as the SDK spec defines it', async (t) => {
  const cases: Array<[string | undefined, string]> = [
    [undefined, 'cumulative'],
    ['', 'cumulative'],
    ['Cumulative', 'cumulative'],
    ['delta', 'delta'],
    ['DELTA', 'delta'],
    ['lowmemory', 'delta'],
  ];
  for (const [v, want] of cases) t.equal(temporalityPreference(v), want, String(v));
  const warnings: string[] = [];
  t.equal(temporalityPreference('weekly', warnings), 'cumulative');
  t.match(warnings, [/weekly/]);
});

t.test('compression and protocol', async (t) => {
  t.equal(otlpConfig('http://a', {}).config?.gzip, true);
  t.equal(otlpConfig('http://a', { OTEL_EXPORTER_OTLP_COMPRESSION: 'none' }).config?.gzip, false);
  t.match(otlpConfig('http://a', { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).warnings, [/only http\/protobuf/]);
  t.match(
    otlpConfig('http://a', { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).config?.url.href,
    'http://a/',
    'the flag is used',
  );
  const grpc = otlpConfig(undefined, {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
  });
  t.equal(grpc.config, undefined, 'a gRPC endpoint from the environment is not sent HTTP');
  t.match(grpc.warnings, [/grpc: only http\/protobuf is spoken, so OTEL_EXPORTER_OTLP_ENDPOINT is not used/]);
  const metricsHttp = otlpConfig(undefined, {
    OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://c:4318/v1/metrics',
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
  });
  t.equal(metricsHttp.config?.url.href, 'http://c:4318/v1/metrics', 'the metrics protocol wins');
});

t.test('key=value lists', async (t) => {
  t.same(parseKeyValueList(' a = 1 ,, b=x=y, =z, c=%E2%9C%93, d=100%'), {
    pairs: [
      ['a', '1'],
      ['b', 'x=y'],
      ['c', '✓'],
      ['d', '100%'],
    ],
    bad: ['=z'],
  });
});

t.test('remote write: user-info as basic auth, else the token; token file wins; never from argv', async (t) => {
  const read = (p: string): string => {
    if (p === '/tok') return 'file-token\n';
    throw Object.assign(new Error('nope'), { code: 'ENOENT' });
  };
  const got = remoteWriteConfigs(
    ['http://u:p%40ss@a/api/v1/write', 'https://b/api/v1/push'],
    undefined,
    { REMOTE_WRITE_TOKEN: 'env-token' },
    read,
  );
  t.same(got.errors, []);
  t.same(
    got.configs.map((c) => [c.url.href, c.username, c.password, c.token]),
    [
      ['http://a/api/v1/write', 'u', 'p@ss', undefined],
      ['https://b/api/v1/push', undefined, undefined, 'env-token'],
    ],
  );
  const file = remoteWriteConfigs(['http://b/w'], '/tok', { REMOTE_WRITE_TOKEN: 'env-token' }, read);
  t.equal(file.configs[0]?.token, 'file-token');
  t.match(file.warnings, [/the file wins/]);
  t.match(remoteWriteConfigs(['http://b/w'], '/missing', {}, read).errors, [
    /cannot read --remote-write-token-file \/missing: ENOENT/,
  ]);
  t.match(remoteWriteConfigs([], '/tok', {}, read).errors, [/without --remote-write/]);
  const bad = remoteWriteConfigs(['http://u:hunter2@[bad/w'], undefined, {}, read);
  t.match(bad.errors, [/is not a URL/]);
  t.notMatch(bad.errors.join(''), /hunter2/);
});
