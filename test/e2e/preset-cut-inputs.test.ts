// The locust, lighthouse and oha presets (issue 26, item 1) given their own tool's output cut
// short: the input passes through byte for byte, nothing is sent that the cut made wrong, and
// stderr says what was not read. The whole recordings are the golden cases
// (test/fixtures/tools/preset-<tool>-*).
import t from 'tap';
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
  return { ...r, dry, series: dry.split('\n').filter((l) => /^keptn_\S+ \S+$/.test(l)) };
}

t.test('locust --csv stats cut before its Aggregated row: passed through, nothing sent, said', async (t) => {
  const whole = recorded('locust-csv');
  const cut = whole.slice(0, whole.indexOf('\n,Aggregated,') + 1);
  t.ok(cut.length > 100 && cut.length < whole.length, 'the cut keeps the request rows');
  const r = await dryRun('locust', cut);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString('utf8'), cut, 'passed through');
  t.same(r.series, [], 'a file without its Aggregated row is not a whole report: nothing sent');
  t.match(r.stderr, /warning: --preset locust recognised none of its tool's output: nothing from it is sent/);
  // The whole file still reads.
  const full = await dryRun('locust', whole);
  t.ok(full.series.includes('keptn_locust_requests{ci_platform="keptn"} 145'), 'the whole file: 145 requests');
  t.notMatch(full.stderr, /warning/);
});

t.test('locust text cut before the final tables: the earlier periodic tables are not sent', async (t) => {
  const whole = recorded('locust-text');
  const cut = whole.slice(0, whole.indexOf('--run-time limit reached'));
  const r = await dryRun('locust', cut);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString('utf8'), cut, 'passed through');
  t.same(r.series, [], 'a periodic table (69 requests) is not the run result');
  t.match(r.stderr, /warning: --preset locust recognised none of its tool's output: nothing from it is sent/);
});

t.test('a Lighthouse report cut mid-way: passed through, nothing sent, the cut said', async (t) => {
  const whole = recorded('lighthouse-json');
  const cut = whole.slice(0, whole.indexOf('"largest-contentful-paint"'));
  const r = await dryRun('lighthouse', cut);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString('utf8'), cut, 'passed through');
  t.same(r.series, [], 'no score or metric from a cut report');
  t.match(
    r.stderr,
    /warning: preset lighthouse: the JSON document was cut short \(.*\); nothing is sent from its \d+ JSON rules/,
  );
  const full = await dryRun('lighthouse', whole);
  t.ok(full.series.includes('keptn_lighthouse_category_score_ratio{category="performance",ci_platform="keptn"} 0.99'));
  t.notMatch(full.stderr, /warning/);
});
