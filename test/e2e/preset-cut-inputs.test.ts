// The locust, lighthouse and oha presets (issue 26, item 1) given their own tool's output cut
// short: the input passes through byte for byte, nothing is sent that the cut made wrong, and
// stderr says what was not read; and oha's newer time units. The whole recordings are the
// golden cases (test/fixtures/tools/preset-<tool>-*).
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-cut-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const recorded = (name: string): string =>
  readFileSync(new URL(`../fixtures/recorded/${name}/input`, import.meta.url), 'utf8');

async function dryRun(preset: string, input: string) {
  const file = join(dir, `d${Math.random().toString(36).slice(2)}`);
  const r = await runInProcess(['--preset', preset, '--dry-run-file', file], { input });
  let dry = '';
  try {
    dry = readFileSync(file, 'utf8');
  } catch {
    // nothing written
  }
  // The Pushgateway lines (Dynatrace's put a comma after the name).
  return { ...r, dry, series: dry.split('\n').filter((l) => /^keptn_[^{\s,]+(?:\{[^}]*\})? \S+$/.test(l)) };
}

/** `cut`, a report cut short, through `preset`: passed through byte for byte, nothing sent (`why`), `said` on stderr. */
async function nothingFrom(t: Test, preset: string, cut: string, why: string, said: RegExp): Promise<void> {
  const r = await dryRun(preset, cut);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString('utf8'), cut, 'passed through');
  t.same(r.series, [], why);
  t.match(r.stderr, said);
}

const UNRECOGNISED = (preset: string): RegExp =>
  new RegExp(`warning: --preset ${preset} recognised none of its tool's output: nothing from it is sent`);
const CUT_JSON = (preset: string): RegExp =>
  new RegExp(
    `warning: preset ${preset}: the JSON document was cut short \\(.*\\); nothing is sent from its \\d+ JSON rules`,
  );

t.test('locust --csv stats cut before its Aggregated row: passed through, nothing sent, said', async (t) => {
  const whole = recorded('locust-csv');
  const cut = whole.slice(0, whole.indexOf('\n,Aggregated,') + 1);
  t.ok(cut.length > 100 && cut.length < whole.length, 'the cut keeps the request rows');
  await nothingFrom(
    t,
    'locust',
    cut,
    'a file without its Aggregated row is not a whole report: nothing sent',
    UNRECOGNISED('locust'),
  );
  // The whole file still reads.
  const full = await dryRun('locust', whole);
  t.ok(full.series.includes('keptn_locust_requests{ci_platform="keptn"} 145'), 'the whole file: 145 requests');
  t.notMatch(full.stderr, /warning/);
});

t.test('locust text cut before the final tables: the earlier periodic tables are not sent', async (t) => {
  const whole = recorded('locust-text');
  const cut = whole.slice(0, whole.indexOf('--run-time limit reached'));
  await nothingFrom(t, 'locust', cut, 'a periodic table (69 requests) is not the run result', UNRECOGNISED('locust'));
});

t.test('a Lighthouse report cut mid-way: passed through, nothing sent, the cut said', async (t) => {
  const whole = recorded('lighthouse-json');
  const cut = whole.slice(0, whole.indexOf('"largest-contentful-paint"'));
  await nothingFrom(t, 'lighthouse', cut, 'no score or metric from a cut report', CUT_JSON('lighthouse'));
  const full = await dryRun('lighthouse', whole);
  t.ok(full.series.includes('keptn_lighthouse_category_score_ratio{category="performance",ci_platform="keptn"} 0.99'));
  t.notMatch(full.stderr, /warning/);
});

t.test('an oha -j report cut mid-way: passed through, nothing sent, the cut said', async (t) => {
  const whole = recorded('oha-json');
  const cut = whole.slice(0, whole.indexOf('"rps"'));
  await nothingFrom(t, 'oha', cut, 'no statistic from a cut report', CUT_JSON('oha'));
});

t.test('oha text cut after its summary block: the lines read are sent, the rest is not made up', async (t) => {
  const whole = recorded('oha-text');
  const cut = whole.slice(0, whole.indexOf('Response time histogram:'));
  const r = await dryRun('oha', cut);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString('utf8'), cut, 'passed through');
  t.ok(r.series.includes('keptn_oha_requests_per_second{ci_platform="keptn"} 3364.7592'), 'the summary is sent');
  t.notOk(
    r.series.some((l) => /stat="p\d/.test(l) || l.startsWith('keptn_oha_responses')),
    'no percentile or status code that the cut left out',
  );
});

t.test("oha 1.9's time units (chosen per run from the slowest request) become seconds", async (t) => {
  // The lines as hatoo/oha src/printer.rs writes them since 1.9.0 (TimeScale in src/timescale.rs).
  const input = [
    'Summary:',
    '  Success rate:\t100.00%',
    '  Total:\t2.0008 sec',
    '  Slowest:\t5.0051 ms',
    '  Fastest:\t12.5000 us',
    '  Average:\t0.5000 min',
    '  Requests/sec:\t10.0000',
    '  10.00% in 1.0000 hr',
    '  25.00% in 2.0008 10 sec',
    '',
  ].join('\n');
  const r = await dryRun('oha', input);
  t.equal(r.status, 0, r.stderr);
  t.same(r.series.filter((l) => l.includes('latency') || l.includes('duration')).sort(), [
    'keptn_oha_latency_seconds{ci_platform="keptn",stat="max"} 0.0050051',
    'keptn_oha_latency_seconds{ci_platform="keptn",stat="mean"} 30',
    'keptn_oha_latency_seconds{ci_platform="keptn",stat="min"} 0.0000125',
    'keptn_oha_latency_seconds{ci_platform="keptn",stat="p10"} 3600',
    'keptn_oha_test_duration_seconds{ci_platform="keptn"} 2.0008',
  ]);
});
