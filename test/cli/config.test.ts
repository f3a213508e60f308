// The defaults of lib/cli/config.ts are what a run without those flags gets.

import t from 'tap';
import { DEFAULTS } from '../../lib/cli/config.js';
import { configOf } from '../support/dry-run-config.js';

t.test('a configuration without flags takes DEFAULTS', async (t) => {
  const c = configOf(['--pushgateway', 'http://gw:9091']);
  t.equal(c.prefix, DEFAULTS.prefix);
  t.equal(c.pushgatewayKey.job, DEFAULTS.job);
  t.equal(c.maxSeries, DEFAULTS.maxSeries);
  t.equal(c.maxLineBytes, DEFAULTS.maxLineBytes);
  t.equal(c.http.timeoutMs, DEFAULTS.timeoutMs);
  t.equal(c.http.deadlineMs, DEFAULTS.deadlineMs);
  t.same(DEFAULTS, {
    prefix: 'keptn_',
    job: 'job-executor-service',
    maxSeries: 1000,
    maxLineBytes: 1024 * 1024,
    timeoutMs: 10_000,
    deadlineMs: 60_000,
  });
});
