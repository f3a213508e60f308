// The configured backends as one: created on first use, pushed in parallel (one failing never
// stops another), credentials in label values masked, --dry-run alone when asked, a setup
// failure said once. Against scripted receivers on 127.0.0.1.

import t from 'tap';
import { ConfiguredBackends } from '../../lib/sinks/registry.js';
import { capture, configOf, DRY_SERIES } from '../support/dry-run-config.js';
import { startFaultServer } from '../support/fault-server.js';
import { decodeRemoteWrite } from '../support/proto-decode.js';

t.test('nothing configured: none; --dry-run: something', async (t) => {
  const { reporter } = capture();
  t.equal(new ConfiguredBackends(configOf([], {}, false), reporter, {}, () => undefined).none, true);
  t.equal(new ConfiguredBackends(configOf([]), reporter, {}, () => undefined).none, false);
});

t.test('two backends pushed in parallel: one refusing does not stop the other', async (t) => {
  const gw = await startFaultServer([], { status: 200 });
  const rw = await startFaultServer([], { status: 400, body: 'no' });
  t.teardown(() => Promise.all([gw.close(), rw.close()]));
  const config = configOf(['--pushgateway', gw.url, '--remote-write', `${rw.url}/api/v1/write`], {}, false);
  const { reporter } = capture();
  const backends = new ConfiguredBackends(config, reporter, {}, () => undefined);
  t.teardown(() => backends.close());
  const outcomes = await backends.pushAll(DRY_SERIES, { final: true });
  t.match(outcomes, [
    { backend: 'pushgateway', ok: true },
    { backend: 'remote-write', ok: false, summary: '400 (refused), 2 series not pushed' },
  ]);
  t.equal(gw.requests.length, 1);
  t.equal(rw.requests.length, 1);
  t.equal(backends.setupFailed, false);
});

t.test('a secret in a label value is sent as *** and said once', async (t) => {
  const rw = await startFaultServer([], { status: 204 });
  t.teardown(() => rw.close());
  const env = { REMOTE_WRITE_TOKEN: 'rw-T0ken-0123456789' };
  const config = configOf(['--remote-write', `${rw.url}/api/v1/write`], env, false);
  const { reporter, stderr } = capture();
  reporter.addSecret(env.REMOTE_WRITE_TOKEN);
  const backends = new ConfiguredBackends(config, reporter, env, () => undefined);
  t.teardown(() => backends.close());
  const series = [{ name: 'keptn_k6_x', labels: { leak: 'rw-T0ken-0123456789' }, value: 1, type: 'gauge' as const }];
  await backends.pushAll(series, { final: true });
  const sent = decodeRemoteWrite(rw.requests[0]!.raw).series[0]!.labels;
  t.same(Object.fromEntries(sent).leak, '***');
  t.equal(stderr().match(/a credential reached the label leak of keptn_k6_x: sent as \*\*\*/g)?.length, 1);
  t.equal(series[0]!.labels.leak, 'rw-T0ken-0123456789', "the caller's series are not changed");
});

t.test('--dry-run: only the dry run, printed through writeStderr; a periodic push prints nothing', async (t) => {
  const { reporter } = capture();
  let printed = '';
  const backends = new ConfiguredBackends(
    configOf(['--pushgateway', 'http://gw:9091']),
    reporter,
    {},
    (s) => (printed += s),
  );
  t.same(await backends.pushAll(DRY_SERIES, { final: false }), []);
  t.equal(printed, '');
  t.match(await backends.pushAll(DRY_SERIES, { final: true }), [{ backend: 'dry-run', ok: true }]);
  t.match(printed, /^# pushgateway: PUT http:\/\/gw:9091\//);
});

t.test('a receiver that never answers: given up at the deadline, not waited for', async (t) => {
  const gw = await startFaultServer([], { hang: true });
  t.teardown(() => gw.close());
  const { reporter } = capture();
  const backends = new ConfiguredBackends(
    configOf(['--pushgateway', gw.url], {}, false),
    reporter,
    {},
    () => undefined,
  );
  t.teardown(() => backends.close());
  const started = Date.now();
  const [outcome] = await backends.pushAll(DRY_SERIES, { final: true, deadlineAt: Date.now() + 300 });
  t.equal(outcome?.ok, false);
  t.ok(Date.now() - started < 10_000, `ended after ${Date.now() - started} ms`);
});

t.test(
  'HTTP that cannot be set up (a CA file gone since the flags were read): said, setupFailed, no backend',
  async (t) => {
    const config = configOf(['--pushgateway', 'http://127.0.0.1:9'], {}, false);
    const { reporter, stderr } = capture();
    const broken = { ...config, http: { ...config.http, caFile: '/nonexistent/ca.pem' } };
    const backends = new ConfiguredBackends(broken, reporter, {}, () => undefined);
    t.same(await backends.pushAll(DRY_SERIES, { final: true }), []);
    t.equal(backends.setupFailed, true);
    t.match(stderr(), /cannot set up HTTP: /);
  },
);
