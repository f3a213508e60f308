// The Pushgateway backend against Debian's real prometheus-pushgateway: what the gateway holds
// after each push, series by series; isolation between integrations, projects and stages;
// reruns without stale series; POST merging; refusals reported with the gateway's reason.

import t from 'tap';
import fc from 'fast-check';
import { buildPushgatewayRequest } from '../../lib/sinks/pushgateway/sink.js';
import type { Series } from '../../lib/store/series.js';
import { startPushgateway, type StoredSeries } from '../support/pushgateway.js';
import { checkMetrics } from '../support/promtool.js';
import { pushSeries, runSeries } from '../support/pushgateway-push.js';

const pgw = await startPushgateway();
t.teardown(() => pgw.stop());
const url = new URL(pgw.url);
const JOB = 'job-executor-service';

/** The labels the gateway adds to every stored series of a group: the key plus instance="". */
function stored(name: string, type: string, value: string, labels: Record<string, string>): StoredSeries {
  return { name, type, value, labels: { instance: '', ...labels } };
}

t.beforeEach(() => pgw.wipe());

t.test(
  'tricky label values, a stage with "/", a body job label, NaN/Inf, a counter: accepted and stored as sent',
  async (t) => {
    const keptn = { project: 'sockshop', stage: 'a/b', service: 'carts' };
    const series = runSeries('k6', keptn, [
      {
        name: 'rps',
        value: 42.5,
        labels: { note: 'line1\nline2', quote: 'say "hi"', path: 'C:\\temp\\x', emoji: '🚀 fast', ws: 'a\tb\rc' },
      },
      { name: 'job_label', value: 1, labels: { job: 'x' } },
      { name: 'odd', value: NaN, labels: { case: 'nan' } },
      { name: 'odd', value: Infinity, labels: { case: 'inf' } },
      { name: 'odd', value: -Infinity, labels: { case: 'minf' } },
      { name: 'requests', value: 1027, labels: { 'http.status': '200' }, type: 'counter' },
    ]);
    const { outcome, stderr } = await pushSeries({ url, integration: 'k6', keptn }, series);
    t.same(outcome, { backend: 'pushgateway', ok: true, summary: '200, 6 series' }, stderr);
    t.match(stderr, /label job="x" on "keptn_k6_job_label" differs from the grouping key's job="job-executor-service"/);

    const key = {
      ci_platform: 'keptn',
      job: JOB,
      integration: 'k6',
      keptn_project: 'sockshop',
      keptn_stage: 'a/b',
      keptn_service: 'carts',
    };
    t.same(await pgw.series(), [
      stored('keptn_k6_job_label', 'GAUGE', '1', key),
      stored('keptn_k6_odd', 'GAUGE', '+Inf', { ...key, case: 'inf' }),
      stored('keptn_k6_odd', 'GAUGE', '-Inf', { ...key, case: 'minf' }),
      stored('keptn_k6_odd', 'GAUGE', 'NaN', { ...key, case: 'nan' }),
      stored('keptn_k6_requests', 'COUNTER', '1027', { ...key, http_status: '200' }),
      stored('keptn_k6_rps', 'GAUGE', '42.5', {
        ...key,
        note: 'line1\nline2',
        quote: 'say "hi"',
        path: 'C:\\temp\\x',
        emoji: '🚀 fast',
        ws: 'a\tb\rc',
      }),
    ]);
    const groups = await pgw.groups();
    t.equal(groups.length, 1);
    t.same(groups[0]?.labels, {
      job: JOB,
      integration: 'k6',
      keptn_project: 'sockshop',
      keptn_stage: 'a/b',
      keptn_service: 'carts',
    });
    t.equal(groups[0]?.lastPushSuccessful, true);

    const { body } = await buildPushgatewayRequest(series, {
      job: JOB,
      integration: 'k6',
      keptn,
      grouping: [],
      method: 'PUT',
    });
    const check = await checkMetrics(body);
    t.not(check.code, 1, `promtool parses the payload: ${check.output}`);
  },
);

t.test('grouping values of every kind are accepted and decoded by the gateway', async (t) => {
  const cases: Array<[string, string]> = [
    ['space', 'a b'],
    ['plus', 'a+b'],
    ['empty', ''],
    ['unicode', 'ü?>'],
    ['emoji', 'prod 🚀'],
    ['percent', 'a%2Fb'],
    ['dots', '..'],
    ['slashes', '/var/tmp/'],
  ];
  const grouping = cases.map(([k, v]) => [k, v] as [string, string]);
  const keptn = { project: 'p', stage: 'dev/eu-1', service: 's v' };
  const { outcome, stderr } = await pushSeries(
    { url, integration: 'k6 load', job: 'a/job', keptn, grouping },
    runSeries('k6', keptn, [{ name: 'x', value: 1 }]),
  );
  t.equal(outcome.summary, '200, 1 series', stderr);
  const [group] = await pgw.groups();
  t.same(group?.labels, {
    job: 'a/job',
    integration: 'k6 load',
    keptn_project: 'p',
    keptn_stage: 'dev/eu-1',
    keptn_service: 's v',
    ...Object.fromEntries(cases),
  });
});

t.test(
  'isolation: integrations, projects and stages never overwrite each other; a rerun leaves no stale series',
  async (t) => {
    const pA = { project: 'pA', stage: 'dev', service: 'svc' };
    const pB = { project: 'pB', stage: 'dev', service: 'svc' };
    const pAslash = { project: 'pA', stage: 'dev/eu', service: 'svc' };
    const runs: Array<[string, typeof pA, Array<{ name: string; value: number }>]> = [
      [
        'infracost',
        pA,
        [
          { name: 'cost', value: 10 },
          { name: 'old', value: 1 },
        ],
      ],
      ['k6', pA, [{ name: 'rps', value: 100 }]],
      ['infracost', pB, [{ name: 'cost', value: 20 }]],
      ['infracost', pAslash, [{ name: 'cost', value: 30 }]],
    ];
    for (const [integration, keptn, metrics] of runs) {
      const { outcome, stderr } = await pushSeries({ url, integration, keptn }, runSeries(integration, keptn, metrics));
      t.ok(outcome.ok, `${integration} ${keptn.project} ${keptn.stage}: ${outcome.summary} ${stderr}`);
    }
    const key = (integration: string, k: typeof pA) => ({
      ci_platform: 'keptn',
      job: JOB,
      integration,
      keptn_project: k.project,
      keptn_stage: k.stage,
      keptn_service: k.service,
    });
    t.same(await pgw.series(), [
      stored('keptn_infracost_cost', 'GAUGE', '10', key('infracost', pA)),
      stored('keptn_infracost_cost', 'GAUGE', '30', key('infracost', pAslash)),
      stored('keptn_infracost_cost', 'GAUGE', '20', key('infracost', pB)),
      stored('keptn_infracost_old', 'GAUGE', '1', key('infracost', pA)),
      stored('keptn_k6_rps', 'GAUGE', '100', key('k6', pA)),
    ]);

    // Rerun of infracost in pA without "old": its own group is replaced whole, the others stay.
    const rerun = await pushSeries(
      { url, integration: 'infracost', keptn: pA },
      runSeries('infracost', pA, [{ name: 'cost', value: 11 }]),
    );
    t.equal(rerun.outcome.summary, '200, 1 series');
    t.same(await pgw.series(), [
      stored('keptn_infracost_cost', 'GAUGE', '11', key('infracost', pA)),
      stored('keptn_infracost_cost', 'GAUGE', '30', key('infracost', pAslash)),
      stored('keptn_infracost_cost', 'GAUGE', '20', key('infracost', pB)),
      stored('keptn_k6_rps', 'GAUGE', '100', key('k6', pA)),
    ]);
  },
);

t.test('--method post merges families into the group; PUT replaces them', async (t) => {
  const k = { project: 'p' };
  const base = { ci_platform: 'keptn', job: JOB, integration: 'k6', keptn_project: 'p' };
  await pushSeries(
    { url, integration: 'k6', keptn: k },
    runSeries('k6', k, [
      { name: 'a', value: 1 },
      { name: 'b', value: 2 },
    ]),
  );
  const post = await pushSeries(
    { url, integration: 'k6', keptn: k, method: 'POST' },
    runSeries('k6', k, [
      { name: 'b', value: 3 },
      { name: 'c', value: 4 },
    ]),
  );
  t.equal(post.outcome.summary, '200, 2 series');
  t.same(await pgw.series(), [
    stored('keptn_k6_a', 'GAUGE', '1', base),
    stored('keptn_k6_b', 'GAUGE', '3', base),
    stored('keptn_k6_c', 'GAUGE', '4', base),
  ]);
  await pushSeries({ url, integration: 'k6', keptn: k, method: 'PUT' }, runSeries('k6', k, [{ name: 'c', value: 5 }]));
  t.same(await pgw.series(), [stored('keptn_k6_c', 'GAUGE', '5', base)]);
});

t.test("a type clash with another group: the gateway's 400 reason, a hint, the unsent payload", async (t) => {
  // With --prefix '' two integrations can write the same family name; here two jobs do.
  const gauge = [{ name: 'keptn_shared_total', labels: { ci_platform: 'keptn' }, value: 1, type: 'gauge' as const }];
  const counter = [
    { name: 'keptn_shared_total', labels: { ci_platform: 'keptn' }, value: 2, type: 'counter' as const },
  ];
  t.equal((await pushSeries({ url, integration: 'a', job: 'one' }, gauge)).outcome.summary, '200, 1 series');
  const { outcome, stderr } = await pushSeries({ url, integration: 'a', job: 'two' }, counter);
  t.same(outcome, { backend: 'pushgateway', ok: false, summary: '400 (refused), 1 series not pushed' });
  t.match(
    stderr,
    /error: pushgateway PUT http:\/\/127\.0\.0\.1:\d+\/metrics\/job\/two\/integration\/a -> 400: pushed metrics are invalid or inconsistent with existing metrics/,
  );
  t.match(stderr, /hint: a metric of the same name has another type .* delete that group/);
  t.match(
    stderr,
    /unsent Pushgateway payload \(1 series, PUT \/metrics\/job\/two\/integration\/a\):\n# TYPE keptn_shared_total counter\nkeptn_shared_total\{ci_platform="keptn"\} 2\n/,
  );
  t.same(
    await pgw.series(),
    [stored('keptn_shared_total', 'GAUGE', '1', { ci_platform: 'keptn', job: 'one', integration: 'a' })],
    'the first group is untouched',
  );
});

t.test('a periodic (non-final) refused push does not print the payload', async (t) => {
  const gauge = [{ name: 'm', labels: {}, value: 1, type: 'gauge' as const }];
  const counter = [{ name: 'm', labels: {}, value: 2, type: 'counter' as const }];
  await pushSeries({ url, integration: 'a', job: 'one' }, gauge);
  const { outcome, stderr } = await pushSeries({ url, integration: 'a', job: 'two' }, counter, false);
  t.equal(outcome.ok, false);
  t.match(stderr, /-> 400/);
  t.notMatch(stderr, /unsent Pushgateway payload/);
});

t.test("no series: nothing is sent, the previous run's series stay", async (t) => {
  const k = { project: 'p' };
  await pushSeries({ url, integration: 'k6', keptn: k }, runSeries('k6', k, [{ name: 'a', value: 1 }]));
  const { outcome } = await pushSeries({ url, integration: 'k6', keptn: k }, []);
  t.same(outcome, { backend: 'pushgateway', ok: true, summary: 'nothing to push, 0 series' });
  t.equal((await pgw.series()).length, 1);
});

t.test('a path prefix in the URL is kept: /pgw on a bare gateway is a 404 with a hint', async (t) => {
  const { outcome, stderr } = await pushSeries(
    { url: new URL(`${pgw.url}/pgw`), integration: 'k6' },
    runSeries('k6', {}, [{ name: 'a', value: 1 }]),
  );
  t.equal(outcome.ok, false);
  t.match(stderr, /PUT http:\/\/127\.0\.0\.1:\d+\/pgw\/metrics\/job\/job-executor-service\/integration\/k6 -> 404/);
  t.match(stderr, /hint: no push endpoint at this path/);
});

t.test('an invalid --grouping name: nothing sent, a clear error', async (t) => {
  const { outcome, stderr } = await pushSeries(
    { url, integration: 'k6', grouping: [['job', 'x']] },
    runSeries('k6', {}, [{ name: 'a', value: 1 }]),
  );
  t.equal(outcome.ok, false);
  t.match(outcome.summary, /^not sent \(--grouping job=…: "job" is already in the grouping key/);
  t.match(stderr, /unsent Pushgateway payload \(1 series\):\n# TYPE keptn_k6_a/);
  t.same(await pgw.series(), []);
});

t.test('an unreachable gateway: no answer, reported, payload printed', async (t) => {
  const dead = await startPushgateway();
  const deadUrl = new URL(dead.url);
  await dead.stop();
  const { outcome, stderr } = await pushSeries(
    { url: deadUrl, integration: 'k6' },
    runSeries('k6', {}, [{ name: 'a', value: 1 }]),
  );
  t.equal(outcome.ok, false);
  t.match(outcome.summary, /^failed \(.*ECONNREFUSED.*\), 1 series not pushed$/);
  t.match(stderr, /error: pushgateway: no answer: .*ECONNREFUSED/);
  t.match(stderr, /unsent Pushgateway payload/);
});

t.test('random label values and names round-trip through the gateway unchanged', async (t) => {
  // A fixed seed: the same 60 values on every run; a failure names the value.
  const values = fc.sample(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }), {
    numRuns: 60,
    seed: 20240601,
  });
  const names = fc.sample(fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 }), { numRuns: 60, seed: 7 });
  const series = values.map((v, i) => ({
    name: 'keptn_fuzz_value',
    labels: { i: String(i).padStart(2, '0'), v, [`n ${names[i] ?? ''}`]: 'x' },
    value: i,
    type: 'gauge' as const,
  }));
  const { outcome, stderr } = await pushSeries({ url, integration: 'fuzz' }, series);
  t.equal(outcome.summary, '200, 60 series', stderr);
  const got = await pgw.series();
  t.equal(got.length, 60);
  for (const s of got) {
    const i = Number(s.labels.i);
    t.equal(s.labels.v, values[i], `value ${i}: ${JSON.stringify(values[i])}`);
    t.equal(s.value, String(i));
  }
  const { body } = await buildPushgatewayRequest(series, {
    job: JOB,
    integration: 'fuzz',
    keptn: {},
    grouping: [],
    method: 'PUT',
  });
  const check = await checkMetrics(body);
  t.not(check.code, 1, `promtool parses the payload: ${check.output}`);
});

t.test('an empty body label value and a missing one are the same series to the gateway', async (t) => {
  const series: Series[] = [
    { name: 'm', labels: { a: '1', b: '' }, value: 1, type: 'gauge' as const },
    { name: 'm', labels: { a: '2' }, value: 2, type: 'gauge' as const },
  ];
  const { outcome, stderr } = await pushSeries({ url, integration: 'e' }, series);
  t.equal(outcome.summary, '200, 2 series', stderr);
  const got = await pgw.series();
  t.same(
    got.map((s) => [s.labels.a, s.value]),
    [
      ['1', '1'],
      ['2', '2'],
    ],
  );
});
