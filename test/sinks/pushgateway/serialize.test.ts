// The Pushgateway body: text exposition 0.0.4 as prom-client writes it. Golden strings are
// written by hand from the format's rules (prometheus.io/docs/instrumenting/exposition_formats), and every payload also goes
// through `promtool check metrics`, where exit 1 (a parse error) fails the test.

import t from 'tap';
import { renderExposition, DEFAULT_HELP } from '../../../lib/sinks/pushgateway/serialize.js';
import type { Series } from '../../../lib/store/series.js';
import { checkMetrics } from '../../support/promtool.js';

function s(name: string, value: number, labels: Record<string, string> = {}, type: Series['type'] = 'gauge'): Series {
  return { name, value, labels, type };
}

const H = `# HELP %s ${DEFAULT_HELP}`;
function head(name: string, type = 'gauge'): string {
  return `${H.replace('%s', name)}\n# TYPE ${name} ${type}\n`;
}

/** Every payload rendered here; the last test runs promtool over all of them at once. */
const payloads: Array<{ name: string; text: string }> = [];

/** Renders and keeps the payload for the promtool check. */
async function render(t: { name: string }, series: Series[], opts: Parameters<typeof renderExposition>[1] = {}) {
  const out = await renderExposition(series, opts);
  if (out.text !== '') payloads.push({ name: t.name, text: out.text });
  return out;
}

t.test('one gauge: HELP, TYPE, sample, trailing newline, no timestamp', async (t) => {
  const out = await render(t, [s('keptn_k6_rps', 42.5, { ci_platform: 'keptn', keptn_project: 'sockshop' })]);
  t.equal(out.text, `${head('keptn_k6_rps')}keptn_k6_rps{ci_platform="keptn",keptn_project="sockshop"} 42.5\n`);
  t.equal(out.series, 1);
  t.same(out.notes, []);
});

t.test('label values escaped as Prometheus reads them: \\\\ \\" \\n; other bytes raw', async (t) => {
  const out = await render(t, [s('m', 1, { v: 'a\\b"c\nd', tab: 'x\ty', emoji: 'prod 🚀' })]);
  t.equal(out.text, `${head('m')}m{emoji="prod 🚀",tab="x\ty",v="a\\\\b\\"c\\nd"} 1\n`);
});

t.test('NaN, +Inf, -Inf, exponents', async (t) => {
  const out = await render(t, [
    s('m', NaN, { k: 'a' }),
    s('m', Infinity, { k: 'b' }),
    s('m', -Infinity, { k: 'c' }),
    s('m', 1e21, { k: 'd' }),
    s('m', -1e-7, { k: 'e' }),
    s('m', 0, { k: 'f' }),
  ]);
  t.equal(
    out.text,
    `${head('m')}m{k="a"} NaN\nm{k="b"} +Inf\nm{k="c"} -Inf\nm{k="d"} 1e+21\nm{k="e"} -1e-7\nm{k="f"} 0\n`,
  );
});

t.test('families by name, samples by label values, one blank line between families', async (t) => {
  const out = await render(t, [
    s('zeta', 1),
    s('alpha', 2, { k: 'b' }),
    s('alpha', 3, { k: 'a' }),
    s('mid', 4, { k: '10' }),
    s('mid', 5, { k: '9' }),
  ]);
  t.equal(
    out.text,
    `${head('alpha')}alpha{k="a"} 3\nalpha{k="b"} 2\n\n${head('mid')}mid{k="10"} 4\nmid{k="9"} 5\n\n${head('zeta')}zeta 1\n`,
  );
  t.equal(out.series, 5);
});

t.test('every sample of a family has the same label names (missing ones are "")', async (t) => {
  const out = await render(t, [s('m', 1, { a: '1' }), s('m', 2, { b: '2' }), s('m', 3)]);
  t.equal(out.text, `${head('m')}m{a="",b=""} 3\nm{a="",b="2"} 2\nm{a="1",b=""} 1\n`);
});

t.test('label names normalized, each change noted once', async (t) => {
  const out = await render(t, [
    s('m', 1, { 'http.status': '200', '2xx': 'y' }),
    s('m', 2, { 'http.status': '500', '2xx': 'n' }),
  ]);
  t.equal(out.text, `${head('m')}m{_2xx="n",http_status="500"} 2\nm{_2xx="y",http_status="200"} 1\n`);
  t.same(out.notes.sort(), [
    'label "2xx" sent to the Pushgateway as "_2xx" (2 times)',
    'label "http.status" sent to the Pushgateway as "http_status" (2 times)',
  ]);
});

t.test('two labels that normalize alike: the one sorting last wins, on every run', async (t) => {
  const out = await render(t, [s('m', 1, { 'a.b': 'dot', 'a-b': 'dash' })]);
  t.equal(out.text, `${head('m')}m{a_b="dot"} 1\n`);
  t.match(out.notes.join('\n'), /labels "a-b" and "a\.b" on "m" both become "a_b": "a\.b" is kept/);
});

t.test('grouping labels are dropped from the body; a different value is noted', async (t) => {
  const grouping = new Map([
    ['job', 'job-executor-service'],
    ['integration', 'k6'],
    ['keptn_stage', 'dev'],
  ]);
  const out = await render(
    t,
    [s('m', 1, { job: 'x', keptn_stage: 'dev', region: 'eu' }), s('n', 2, { 'keptn-stage': 'prod' })],
    { grouping },
  );
  t.equal(out.text, `${head('m')}m{region="eu"} 1\n\n${head('n')}n 2\n`);
  const notes = out.notes.join('\n');
  t.match(notes, /label job="x" on "m" differs from the grouping key's job="job-executor-service"/);
  t.match(notes, /label keptn_stage="prod" on "n" differs from the grouping key's keptn_stage="dev"/);
  t.notMatch(notes, /keptn_stage="dev" on "m"/, 'an equal value is dropped silently');
});

t.test('dropLabels without values drops silently', async (t) => {
  const out = await render(t, [s('m', 1, { instance: 'x', k: 'v' })], { dropLabels: new Set(['instance']) });
  t.equal(out.text, `${head('m')}m{k="v"} 1\n`);
  t.same(out.notes, []);
});

t.test('series identical after dropping or normalizing: the last wins, noted', async (t) => {
  const grouping = new Map([['job', 'j']]);
  // The Pushgateway would refuse these two as "collected before with the same name and label values".
  const out = await render(
    t,
    [s('e', 1, { job: 'zz' }), s('e', 2), s('f', 3, { 'a-b': '1' }), s('f', 4, { a_b: '1' })],
    { grouping },
  );
  t.equal(out.text, `${head('e')}e 2\n\n${head('f')}f{a_b="1"} 4\n`);
  t.equal(out.series, 2);
  t.match(out.notes.join('\n'), /"e" had series that are identical.*last value was kept/);
  t.match(out.notes.join('\n'), /"f" had series that are identical/);
});

t.test(
  'types: counter stays counter, untyped becomes gauge, a clash or an impossible counter becomes gauge',
  async (t) => {
    const out = await render(t, [
      s('c', 5, {}, 'counter'),
      s('u', 1, {}, 'untyped'),
      s('mixed', 1, { k: 'a' }, 'counter'),
      s('mixed', 2, { k: 'b' }, 'gauge'),
      s('neg', -1, {}, 'counter'),
      s('inf', Infinity, {}, 'counter'),
      s('cnan', NaN, {}, 'counter'),
    ]);
    t.equal(
      out.text,
      `${head('c', 'counter')}c 5\n\n${head('cnan', 'counter')}cnan NaN\n\n${head('inf')}inf +Inf\n\n${head('mixed')}mixed{k="a"} 1\nmixed{k="b"} 2\n\n${head('neg')}neg -1\n\n${head('u')}u 1\n`,
    );
    const notes = out.notes.join('\n');
    t.match(notes, /"mixed" was seen as counter and as gauge: sent as gauge/);
    t.match(notes, /counter "neg" has a negative or infinite value: sent as gauge/);
    t.match(notes, /counter "inf" has a negative or infinite value/);
  },
);

t.test('a zero counter is still written', async (t) => {
  const out = await render(t, [s('c', 0, { k: 'a' }, 'counter')]);
  t.equal(out.text, `${head('c', 'counter')}c{k="a"} 0\n`);
});

t.test('names the Pushgateway uses itself are noted', async (t) => {
  const out = await render(t, [s('go_goroutines', 1), s('push_time_seconds', 2)]);
  t.match(out.notes.join('\n'), /"go_goroutines" has a name the Pushgateway uses for its own metrics/);
  t.match(out.notes.join('\n'), /"push_time_seconds" has a name the Pushgateway uses/);
});

t.test('an invalid metric name is made valid and noted; an empty label name is left out', async (t) => {
  const out = await render(t, [s('bad.name', 1, { '': 'x', k: 'v' })]);
  t.equal(out.text, `${head('bad_name')}bad_name{k="v"} 1\n`);
  t.match(out.notes.join('\n'), /metric name "bad\.name" sent to the Pushgateway as "bad_name"/);
  t.match(out.notes.join('\n'), /a label with an empty name/);
});

t.test('prom-client label-hash collisions are reported, not hidden', async (t) => {
  // prom-client keys samples as `a:x,b:y,b:,` for both label sets below.
  const out = await render(t, [s('m', 1, { a: 'x,b:y', b: '' }), s('m', 2, { a: 'x', b: 'y,b:' })]);
  t.equal(out.series, 1);
  t.match(out.notes.join('\n'), /1 series of "m" were lost/);
});

t.test('no series: an empty body', async (t) => {
  const out = await renderExposition([], {});
  t.same(out, { text: '', notes: [], series: 0 });
});

t.test('the HELP text can be chosen and is escaped', async (t) => {
  const out = await render(t, [s('m', 1)], { help: 'a\\b\nc' });
  t.equal(out.text, '# HELP m a\\\\b\\nc\n# TYPE m gauge\nm 1\n');
});

t.test('the input is not changed', async (t) => {
  const input = [s('m', 1, { job: 'x', 'a-b': 'y' })];
  const copy = JSON.parse(JSON.stringify(input)) as Series[];
  await renderExposition(input, { grouping: new Map([['job', 'j']]) });
  t.same(input, copy);
});

t.test('notes of one kind are capped at 5, the rest counted', async (t) => {
  const series = Array.from({ length: 8 }, (_, i) => s('m', i, { [`label.${i}`]: 'x' }));
  const out = await renderExposition(series, {});
  t.same(out.notes, [
    'label "label.0" sent to the Pushgateway as "label_0"',
    'label "label.1" sent to the Pushgateway as "label_1"',
    'label "label.2" sent to the Pushgateway as "label_2"',
    'label "label.3" sent to the Pushgateway as "label_3"',
    'label "label.4" sent to the Pushgateway as "label_4"',
    '3 more notes like "label sent as" not shown',
  ]);
});

// Last: exit 1 is a parse error (the Pushgateway would refuse the body too); exit 3 is lint only.
t.test('promtool check metrics parses every payload above', async (t) => {
  t.ok(payloads.length >= 15, `${payloads.length} payloads`);
  const checks = await Promise.all(payloads.map(async (p) => ({ ...p, ...(await checkMetrics(p.text)) })));
  for (const c of checks) t.not(c.code, 1, `${c.name}: ${c.output}`);
  // The check can fail: a missing final newline and CRLF are parse errors.
  t.equal((await checkMetrics('m 1')).code, 1, 'no final newline');
  t.equal((await checkMetrics('m 1\r\n')).code, 1, 'CRLF');
});

t.test('a family with many different label names is not padded (linear, not quadratic)', async (t) => {
  const many = Array.from({ length: 2000 }, (_, i) => s('wide', i, { [`key${i}`]: 'v' }));
  const out = await render(t, many);
  const samples = out.text.split('\n').filter((l) => l.startsWith('wide{'));
  t.equal(samples.length, 2000, 'every series is written');
  t.ok(
    samples.every((l) => (l.match(/="/g) ?? []).length === 1),
    'each sample carries only its own label',
  );
  t.match(out.notes.join('\n'), /2000 different label names/);
  const few = await render(t, [s('narrow', 1, { a: 'x' }), s('narrow', 2, { b: 'y' })]);
  t.match(few.text, /narrow\{a="x",b=""\} 1/, 'a family with few label names is still padded');
});
