// Every secret a run knows, from the configuration and the environment, registered once; user
// names as identities; a secret that reached a configured label masked there.

import t from 'tap';
import { identitiesOf, maskConfigLabels, registerSecrets, secretsOf } from '../../../lib/cli/run/secrets.js';
import { Reporter } from '../../../lib/report/report.js';
import { capture, configOf } from '../../support/dry-run-config.js';

t.test(
  'secretsOf: tokens from the env, URL passwords, auth headers (whole and after the scheme), proxy user-info',
  async (t) => {
    const env = {
      DT_API_TOKEN: ' dt0c01.ABC.DEF ',
      REMOTE_WRITE_TOKEN: 'rw-token-123',
      HTTPS_PROXY: 'http://puser:ppass@proxy:3128',
    };
    const config = configOf(
      [
        '--pushgateway',
        'http://gwuser:gwpass@gw:9091',
        '--remote-write',
        'http://rwuser:rwpass@prom:9090/api/v1/write',
        '--header',
        'Authorization: Bearer hdr-token',
        '--header',
        'X-Team: a',
      ],
      env,
    );
    const secrets = secretsOf(config, env);
    for (const s of ['dt0c01.ABC.DEF', 'rw-token-123', 'gwpass', 'rwpass', 'Bearer hdr-token', 'hdr-token', 'ppass'])
      t.ok(secrets.includes(s), s);
    t.notOk(secrets.includes('a'), 'an ordinary header is not a secret');
    t.notOk(secrets.includes(''), 'no empty secret');
  },
);

t.test('identitiesOf: user names, unless one is also a password', async (t) => {
  const env = { HTTP_PROXY: 'http://proxy%40corp:x@proxy:3128' };
  const config = configOf(['--pushgateway', 'http://gwuser:gwpass@gw:9091'], env);
  t.same(identitiesOf(config, env).sort(), ['gwuser', 'proxy%40corp', 'proxy@corp']);
  const same = configOf(['--pushgateway', 'http://samesame:samesame@gw:9091']);
  t.same(identitiesOf(same, {}), [], 'a user name that is also the password stays a credential');
});

t.test('registerSecrets: every one is masked in what the reporter says', async (t) => {
  const env = { DT_API_TOKEN: 'dt0c01.ABCDEFGH.IJKLMNOP' };
  const config = configOf(['--pushgateway', 'http://keptn:Sup3r-S3cret@gw:9091'], env);
  let said = '';
  const reporter = new Reporter({ write: (s) => (said += s) });
  registerSecrets(reporter, config, env);
  reporter.error('token dt0c01.ABCDEFGH.IJKLMNOP and password Sup3r-S3cret');
  t.notMatch(said, /dt0c01\.ABCDEFGH|Sup3r-S3cret/);
  t.match(said, /\*\*\*/);
});

t.test(
  'maskConfigLabels: a secret in --label, the grouping key or the Keptn context is masked and named',
  async (t) => {
    const env = { REMOTE_WRITE_TOKEN: 'rw-T0ken-0123456789', KEPTN_PROJECT: 'rw-T0ken-0123456789' };
    const config = configOf(
      [
        '--pushgateway',
        'http://gw:9091',
        '--label',
        'leak=rw-T0ken-0123456789',
        '--label',
        'team=a',
        '--grouping',
        'g=rw-T0ken-0123456789',
      ],
      env,
    );
    const { reporter } = capture();
    registerSecrets(reporter, config, env);
    const masked = maskConfigLabels(config, reporter);
    t.same(masked.sort(), ['g', 'keptn_project', 'leak']);
    t.equal(config.labels.leak, '***');
    t.equal(config.labels.team, 'a');
    t.equal(config.keptn.project, '***');
    t.same(config.pushgatewayKey.grouping, [['g', '***']]);
    t.same(config.pushgateway?.grouping, [['g', '***']]);
  },
);
