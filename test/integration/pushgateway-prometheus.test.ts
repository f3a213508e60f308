// The quality-gate path end to end: push with the backend to a real Pushgateway, a real
// Prometheus scrapes it (honor_labels: true, every second), and a PromQL query through the
// HTTP API returns the pushed value with its Keptn labels.

import t from 'tap';
import { startPrometheus } from '../support/prometheus.js';
import { startPushgateway } from '../support/pushgateway.js';
import { pushSeries, runSeries } from '../support/pushgateway-push.js';

const pgw = await startPushgateway();
t.teardown(() => pgw.stop());
const prom = await startPrometheus({ scrapeTarget: pgw.url });
t.teardown(() => prom.stop());

t.test('PromQL sees the pushed values with job, integration and the Keptn labels', async (t) => {
  const keptn = { project: 'sockshop', stage: 'hardening/eu', service: 'carts' };
  const series = runSeries('k6', keptn, [
    { name: 'http_req_duration_p95', value: 231.5, labels: { scenario: 'checkout "fast"' } },
    { name: 'checks_failed', value: 0 },
  ]);
  const { outcome, stderr } = await pushSeries({ url: new URL(pgw.url), integration: 'k6', keptn }, series);
  t.equal(outcome.summary, '200, 2 series', stderr);

  const result = await prom.waitFor(
    'keptn_k6_http_req_duration_p95{keptn_project="sockshop",keptn_stage="hardening/eu"}',
    (r) => r.length > 0,
  );
  t.same(result, [
    {
      metric: {
        __name__: 'keptn_k6_http_req_duration_p95',
        ci_platform: 'keptn',
        // The gateway's instance="" is an absent label to Prometheus; with honor_labels the
        // gateway's job and instance win (no exported_job), and no scrape instance is added.
        integration: 'k6',
        job: 'job-executor-service',
        keptn_project: 'sockshop',
        keptn_service: 'carts',
        keptn_stage: 'hardening/eu',
        scenario: 'checkout "fast"',
      },
      value: '231.5',
    },
  ]);
  // A quality-gate style query: an SLI aggregated over the Keptn labels.
  const sli = await prom.waitFor(
    'sum by (keptn_service) (keptn_k6_checks_failed{keptn_project="sockshop"})',
    (r) => r.length > 0,
  );
  t.same(sli, [{ metric: { keptn_service: 'carts' }, value: '0' }]);
});
