// Basic auth against a real Pushgateway started with --web.config.file (bcrypt via htpasswd):
// the URL's user-info is sent as Basic auth, a wrong password is a clear 401 report, and the
// password never shows in any output.

import t from 'tap';
import { pushgatewayUrl } from '../../lib/sinks/pushgateway/settings.js';
import { basicAuthWebConfig, startPushgateway } from '../support/pushgateway.js';
import { pushSeries, runSeries } from '../support/pushgateway-push.js';

const USER = 'pusher';
const PASSWORD = 'S3cr3t:p@ss/word';
const web = await basicAuthWebConfig(USER, PASSWORD);
t.teardown(() => web.cleanup());
const pgw = await startPushgateway({ webConfigFile: web.file, credentials: { username: USER, password: PASSWORD } });
t.teardown(() => pgw.stop());
const port = new URL(pgw.url).port;
const series = runSeries('k6', { project: 'p' }, [{ name: 'rps', value: 7 }]);

function parsed(input: string) {
  const got = pushgatewayUrl(input);
  if ('error' in got) throw new Error(got.error);
  return got;
}

function secretsIn(text: string): string[] {
  const token = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
  return [PASSWORD, encodeURIComponent(PASSWORD), token].filter((s) => text.includes(s));
}

t.beforeEach(() => pgw.wipe());

t.test('the right credentials from the URL user-info (percent-encoded) pass', async (t) => {
  const { url, username, password } = parsed(`http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`);
  t.equal(password, PASSWORD);
  const { outcome, stderr } = await pushSeries(
    { url, integration: 'k6', keptn: { project: 'p' }, username, password },
    series,
  );
  t.equal(outcome.summary, '200, 1 series', stderr);
  t.same(secretsIn(stderr), [], 'no secret in the verbose output');
  const stored = await pgw.series();
  t.same(
    stored.map((s) => [s.name, s.value, s.labels.keptn_project]),
    [['keptn_k6_rps', '7', 'p']],
  );
});

t.test('a wrong password: a 401 report with a hint, nothing stored, no password in the output', async (t) => {
  const wrong = 'wr0ng-passw0rd';
  const { url, username, password } = parsed(`http://${USER}:${wrong}@127.0.0.1:${port}`);
  const { outcome, stderr } = await pushSeries(
    { url, integration: 'k6', keptn: { project: 'p' }, username, password },
    series,
  );
  t.same(outcome, { backend: 'pushgateway', ok: false, summary: '401 (refused), 1 series not pushed' });
  t.match(
    stderr,
    /error: pushgateway PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/job-executor-service\/integration\/k6\/keptn_project\/p -> 401: Unauthorized/,
  );
  t.match(stderr, /hint: the gateway wants other credentials/);
  t.notOk(stderr.includes(wrong), 'the wrong password is not shown either');
  t.notOk(stderr.includes(Buffer.from(`${USER}:${wrong}`).toString('base64')), 'nor its Basic token');
  t.same(await pgw.series(), []);
});

t.test('no credentials: 401', async (t) => {
  const { outcome, stderr } = await pushSeries({ url: new URL(pgw.url), integration: 'k6' }, series);
  t.equal(outcome.summary, '401 (refused), 1 series not pushed');
  t.match(stderr, /hint: the gateway wants other credentials/);
});

t.test('a bad URL with the password in it: the error does not show it', async (t) => {
  const got = pushgatewayUrl(`ftp://${USER}:${PASSWORD}@127.0.0.1:${port}`);
  t.ok('error' in got);
  if ('error' in got) t.same(secretsIn(got.error), []);
});
