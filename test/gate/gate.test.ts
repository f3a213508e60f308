// startGate with an in-memory io: which earlier results it reads, and what it does when they
// cannot be read; the result series it adds to the run's.
import t from 'tap';
import { startGate, type GateContext, type GateIo } from '../../lib/gate/gate.js';
import type { Series } from '../../lib/store/series.js';

interface FakeIo extends GateIo {
  gets: string[];
  lines: string[];
  files: Map<string, string>;
}

function fakeIo(
  files: Record<string, string>,
  answer: (url: URL) => Promise<{ status: number; body: string }>,
): FakeIo {
  const io: FakeIo = {
    gets: [],
    lines: [],
    files: new Map(Object.entries(files)),
    readText: async (p) => {
      const text = io.files.get(p);
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
    writeText: async (p, text) => void io.files.set(p, text),
    appendText: async (p, text) => void io.files.set(p, (io.files.get(p) ?? '') + text),
    get: async (url) => {
      io.gets.push(url.href);
      return answer(url);
    },
    close: async () => undefined,
    now: () => 1_700_000_000_000,
    log: {
      info: (m) => io.lines.push(`info ${m}`),
      warn: (m) => io.lines.push(`warn ${m}`),
      error: (m) => io.lines.push(`error ${m}`),
    },
  };
  return io;
}

const relative =
  'spec_version: "1.0"\nobjectives: [{sli: p95, pass: [{criteria: ["<=+10%"]}]}]\ntotal_score: {pass: "90%"}\n';
const ctx: GateContext = {
  prefix: 'keptn_',
  integration: 'k6',
  labels: { ci_platform: 'keptn' },
  keptn: { stage: 'dev' },
  job: 'jes',
  grouping: [],
  pushgateway: { url: new URL('http://pgw:9091/prefix') },
};
const series: Series[] = [{ name: 'keptn_k6_p95', labels: { ci_platform: 'keptn' }, value: 120, type: 'gauge' }];
const options = { sloFile: 'slo.yaml', historyWindowMs: 600_000, failOnWarning: false };

t.test('single_result reads this group from the Pushgateway, below its path prefix', async (t) => {
  const body = JSON.stringify({
    status: 'success',
    data: [
      {
        labels: { job: 'jes', integration: 'k6', keptn_stage: 'dev' },
        keptn_k6_p95: { type: 'GAUGE', metrics: [{ labels: {}, value: '100' }] },
      },
    ],
  });
  const io = fakeIo({ 'slo.yaml': relative }, async () => ({ status: 200, body }));
  const gate = await startGate(options, ctx, io);
  if ('errors' in gate) throw new Error(gate.errors.join());
  const out = await gate.evaluate(series);
  t.same(io.gets, ['http://pgw:9091/prefix/api/v1/metrics']);
  t.equal(out.evaluation.indicatorResults[0]!.value.comparedValue, 100);
  t.equal(out.evaluation.result, 'fail', '120 is more than 10% above 100');
  t.equal(out.status, 4);
  t.same(
    out.series.map((s) => [s.name, s.value]),
    [
      ['keptn_k6_p95', 120],
      ['keptn_k6_slo_score', 0],
      ['keptn_k6_slo_result', 0],
    ],
  );
});

t.test('earlier results that cannot be read fail the gate (as in Keptn), and say why', async (t) => {
  for (const [what, answer] of [
    ['no answer', async () => Promise.reject(new Error('connect ECONNREFUSED'))],
    ['a 500', async () => ({ status: 500, body: 'oops' })],
    ['not JSON', async () => ({ status: 200, body: '<html>' })],
  ] as const) {
    const io = fakeIo({ 'slo.yaml': relative }, answer);
    const gate = await startGate(options, ctx, io);
    if ('errors' in gate) throw new Error(gate.errors.join());
    const out = await gate.evaluate(series);
    t.equal(out.evaluation.result, 'fail', what);
    t.match(out.evaluation.message, /^earlier results could not be read: /, what);
  }
});

t.test('no Pushgateway, --dry-run, several_results without --slo-history: warned, no baseline', async (t) => {
  const several = relative.replace(
    'objectives',
    'comparison: {compare_with: several_results, number_of_comparison_results: 3}\nobjectives',
  );
  const body = JSON.stringify({ status: 'success', data: [] });
  for (const [what, c, file, want] of [
    ['no Pushgateway', { ...ctx, pushgateway: undefined }, relative, /give --pushgateway/],
    ['dry run', { ...ctx, dryRun: true }, relative, /--dry-run: the Pushgateway is not read/],
    ['several_results', ctx, several, /several_results needs --slo-history/],
  ] as const) {
    const io = fakeIo({ 'slo.yaml': file }, async () => ({ status: 200, body }));
    const gate = await startGate(options, c, io);
    if ('errors' in gate) throw new Error(gate.errors.join());
    const out = await gate.evaluate(series);
    t.match(io.lines.join('\n'), want, what);
    t.equal(out.evaluation.result, 'pass', `${what}: the relative criterion has no baseline`);
  }
});

t.test('--slo-history: one range query with the grouping key, credentials as basic auth', async (t) => {
  const io = fakeIo({ 'slo.yaml': relative }, async () => ({
    status: 200,
    body: JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }),
  }));
  let auth: unknown;
  const get = io.get;
  io.get = async (url, a) => {
    auth = a;
    return get(url, a);
  };
  const gate = await startGate({ ...options, historyUrl: new URL('http://u:p%40ss@prom:9090/') }, ctx, io);
  if ('errors' in gate) throw new Error(gate.errors.join());
  await gate.evaluate(series);
  const url = new URL(io.gets[0]!);
  t.equal(`${url.origin}${url.pathname}`, 'http://prom:9090/api/v1/query_range');
  t.equal(url.username, '', 'no credentials in the URL');
  t.same(auth, { username: 'u', password: 'p@ss' });
  t.equal(
    url.searchParams.get('query'),
    '{__name__=~"keptn_k6_p95|keptn_k6_slo_result|p95|push_time_seconds",job="jes",integration="k6",keptn_stage="dev"}',
  );
  t.equal(Number(url.searchParams.get('end')) - Number(url.searchParams.get('start')), 600);
});

t.test("an input series with the gate's name is replaced, with a warning", async (t) => {
  const io = fakeIo({ 'slo.yaml': relative.replace('<=+10%', '<200') }, async () => ({ status: 500, body: '' }));
  const gate = await startGate(options, ctx, io);
  if ('errors' in gate) throw new Error(gate.errors.join());
  const out = await gate.evaluate([
    ...series,
    { name: 'keptn_k6_slo_score', labels: { ci_platform: 'keptn' }, value: 7, type: 'gauge' },
  ]);
  t.same(
    out.series.filter((s) => s.name === 'keptn_k6_slo_score').map((s) => s.value),
    [100],
  );
  t.match(io.lines.join('\n'), /warn the input's keptn_k6_slo_score is replaced/);
  t.same(io.gets, [], 'no relative criteria: nothing read');
});

t.test('file errors come back as usage errors', async (t) => {
  const io = fakeIo(
    { 'slo.yaml': relative, 'sli.yaml': 'indicators:\n  p95: max(x{stage="$PROJECT"})\n' },
    async () => ({ status: 200, body: '' }),
  );
  t.same(await startGate({ ...options, sloFile: 'nope.yaml' }, ctx, io), {
    errors: ['cannot read the SLO file (--slo) nope.yaml: ENOENT'],
  });
  const sli = await startGate({ ...options, sliFile: 'sli.yaml' }, ctx, io);
  t.ok(
    'errors' in sli && /^sli\.yaml: indicators\.p95: \$PROJECT has no value here/.test(sli.errors[0]!),
    JSON.stringify(sli),
  );
});
