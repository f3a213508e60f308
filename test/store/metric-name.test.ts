// The one metric name for every backend: keptn_<integration>_<name>, [A-Za-z_][A-Za-z0-9_]*,
// at most 250 characters, the same for the same input on every run.
import t from 'tap';
import { fullMetricName, normalizeNamePart, MAX_METRIC_NAME } from '../../lib/store/metric-name.js';
import { normalizeMetricKey, metricKeyProblem } from '../../lib/sinks/dynatrace/naming.js';

const cases: Array<[prefix: string, integration: string, name: string, want: string]> = [
  ['keptn_', 'k6', 'http_reqs', 'keptn_k6_http_reqs'],
  ['keptn_', 'k6', 'http.req-duration', 'keptn_k6_http_req_duration'],
  ['keptn_', 'k6', 'p(95)', 'keptn_k6_p_95_'],
  ['keptn_', 'infracost', 'totalMonthlyCost', 'keptn_infracost_totalMonthlyCost'],
  ['keptn_', 'my-tool', 'a b', 'keptn_my_tool_a_b'],
  ['keptn_', 'go', 'BenchmarkParse-8', 'keptn_go_BenchmarkParse_8'],
  ['keptn_', 'x', 'a..b//c', 'keptn_x_a_b_c'],
  ['keptn_', 'x', 'größe', 'keptn_x_gr_e'],
  ['keptn_', 'x', 'ns:metric', 'keptn_x_ns_metric'],
  ['keptn_', 'x', '__private', 'keptn_x___private'],
  ['keptn_', 'x', '🚀rate', 'keptn_x__rate'],
  ['', 'x', 'y', 'x_y'],
  ['', '9lives', 'y', '_9lives_y'],
  ['ci.', 'x', 'y', 'ci_x_y'],
  ['team_', 'infra cost', 'usd', 'team_infra_cost_usd'],
];

t.test('names: table', async (t) => {
  for (const [prefix, integration, name, want] of cases) {
    t.equal(fullMetricName(prefix, integration, name), want, `${JSON.stringify([prefix, integration, name])}`);
  }
});

t.test('every name is valid for Prometheus and for Dynatrace, unchanged by either', async (t) => {
  for (const [prefix, integration, name] of cases) {
    const full = fullMetricName(prefix, integration, name);
    t.match(full, /^[a-zA-Z_:][a-zA-Z0-9_:]*$/, `${full}: a Prometheus name`);
    t.equal(normalizeMetricKey(full), full, `${full}: Dynatrace keeps it as it is`);
    if (full.length >= 3) t.equal(metricKeyProblem(full), null, `${full}: a Dynatrace key without problems`);
  }
});

t.test('the same input always gives the same name; runs of invalid characters become one _', async (t) => {
  t.equal(normalizeNamePart('a--..b'), 'a_b');
  t.equal(normalizeNamePart('a--..b'), normalizeNamePart('a--..b'));
  t.equal(normalizeNamePart('plain_name'), 'plain_name', 'a valid name is not changed');
});

t.test(`names are cut at ${MAX_METRIC_NAME} characters`, async (t) => {
  const full = fullMetricName('keptn_', 'x', 'n'.repeat(400));
  t.equal(full.length, MAX_METRIC_NAME);
  t.ok(full.startsWith('keptn_x_nnn'));
});
