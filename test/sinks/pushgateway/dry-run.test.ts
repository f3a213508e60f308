// --dry-run's Pushgateway form: the request line (the configured URL, or the path alone) and the exact body.

import t from 'tap';
import { renderPushgateway } from '../../../lib/sinks/pushgateway/dry-run.js';
import { buildPushgatewayRequest } from '../../../lib/sinks/pushgateway/sink.js';
import { capture, configOf, DRY_SERIES } from '../../support/dry-run-config.js';

t.test('the request line and the body the real push would send', async (t) => {
  const config = configOf(['--pushgateway', 'http://gw.example:9091/prefix/']);
  const { reporter } = capture();
  const text = await renderPushgateway(DRY_SERIES, config, reporter, false);
  const req = await buildPushgatewayRequest(DRY_SERIES, {
    job: config.pushgatewayKey.job,
    method: config.pushgatewayKey.method,
    grouping: config.pushgatewayKey.grouping,
    integration: config.integration,
    keptn: config.keptn,
    ci: config.ciGrouping,
  });
  t.equal(text, `# pushgateway: PUT http://gw.example:9091/prefix${req.path}\n${req.body}`);
  t.match(text, /^keptn_k6_rps\{ci_platform="keptn"\} 12$/m);
});

t.test('merge: POST; no gateway: the path alone; no series: nothing to push', async (t) => {
  const config = configOf([]);
  const { reporter } = capture();
  t.match(await renderPushgateway(DRY_SERIES, config, reporter, true), /^# pushgateway: POST \/metrics\/job\/[^\n]+\n/);
  t.equal(await renderPushgateway([], config, reporter, false), '# pushgateway: nothing to push (0 series)\n');
});
