// Issue 26, the presets' depth: each preset given its own tool's output cut short or damaged passes
// it through unchanged, sends what it could read, and says what it could not (a document cut short
// sends nothing from its rules: what was read of it is not the report's count).
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-depth-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const recorded = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/recorded/${name}/input`, import.meta.url)), 'utf8');

async function dryRun(t: Test, args: string[], input: string) {
  const file = join(dir, `d${Math.random().toString(36).slice(2)}`);
  const r = await runInProcess(['--dry-run-file', file, ...args], { input });
  let dry = '';
  try {
    dry = readFileSync(file, 'utf8');
  } catch {
    // nothing written
  }
  t.equal(r.stdout.toString('utf8'), input, 'passed through byte for byte');
  return { ...r, dry };
}

t.test(
  'dotnet-trx: skipped tests are the results whose outcome is NotExecuted, not the constant counter',
  async (t) => {
    const trx = recorded('dotnet-trx-xunit');
    const whole = await dryRun(t, ['--preset', 'dotnet-trx'], trx);
    t.equal(whole.status, 0, whole.stderr);
    t.match(whole.dry, /^keptn_dotnet_trx_test_results\{ci_platform="[^"]*",outcome="NotExecuted"\} 1$/m);
    t.notMatch(whole.dry, /skipped|not_?executed"\} 0/i, 'the Counters notExecuted="0" is not sent as a skipped count');

    // Cut inside <Results>: the document is not the report, nothing from it is sent, and it is said.
    const cut = trx.slice(0, trx.indexOf('outcome="NotExecuted"'));
    const r = await dryRun(t, ['--preset', 'dotnet-trx'], cut);
    t.equal(r.status, 0, r.stderr);
    t.match(r.stderr, /warning: preset dotnet-trx: XML: not well-formed XML: .*; nothing is sent from/);
    t.notMatch(r.dry, /^keptn_dotnet_trx_\S+ \d/m, 'no partial count');
  },
);

t.test('jmh: @Param columns are labels; a table cut mid-row sends the rows read, a cut JSON is said', async (t) => {
  const text = recorded('jmh-text-params');
  const whole = await dryRun(t, ['--preset', 'jmh'], text);
  t.equal(whole.status, 0, whole.stderr);
  t.match(
    whole.dry,
    /^keptn_jmh_op_duration_seconds\{benchmark="RotationBenchmark\.benchRotation",ci_platform="[^"]*",mode="avgt",rotation="PI",size="100"\} 0\.000004$/m,
  );
  // Cut inside the last table's second row: the first row is sent, the cut one is not read.
  const cut = text.slice(0, text.indexOf('LightingBenchmark.testLightingLightQuarterFilled    100') + 60);
  const r = await dryRun(t, ['--preset', 'jmh', '-v'], cut);
  t.equal(r.status, 0, r.stderr);
  t.match(r.dry, /testLightingFullyFilled",ci_platform="[^"]*",mode="avgt",rotation="",size="100"\} 0\.063567$/m);
  t.notMatch(r.dry, /testLightingLightQuarterFilled/, 'the cut row is not sent');

  const json = recorded('jmh-json-params');
  const cutJson = await dryRun(t, ['--preset', 'jmh'], json.slice(0, json.indexOf('"rawData"')));
  t.equal(cutJson.status, 0, cutJson.stderr);
  t.match(cutJson.stderr, /warning: preset jmh: the JSON document was cut short .*; nothing is sent from/);
  t.notMatch(cutJson.dry, /^keptn_jmh_\S+ \d/m);
});

t.test('benchmarkdotnet: the Markdown table cut mid-row sends the rows read; the JSON cut short is said', async (t) => {
  const md = recorded('benchmarkdotnet-markdown-memory');
  const cut = md.slice(0, md.indexOf('| Bench2 |') + 20);
  const r = await dryRun(t, ['--preset', 'benchmarkdotnet'], cut);
  t.equal(r.status, 0, r.stderr);
  t.match(r.dry, /^keptn_benchmarkdotnet_op_allocated_bytes\{benchmark="Bench1",ci_platform="[^"]*"\} 114575\.36$/m);
  t.match(
    r.dry,
    /^keptn_benchmarkdotnet_op_duration_seconds\{benchmark="Bench1",ci_platform="[^"]*",stat="mean"\} 0\.0001864$/m,
  );
  t.notMatch(r.dry, /Bench2/, 'the cut row is not sent');

  const json = recorded('benchmarkdotnet-json');
  const cutJson = await dryRun(t, ['--preset', 'benchmarkdotnet'], json.slice(0, Math.floor(json.length / 2)));
  t.equal(cutJson.status, 0, cutJson.stderr);
  t.match(cutJson.stderr, /warning: preset benchmarkdotnet: the JSON document was cut short .*; nothing is sent from/);
  t.notMatch(cutJson.dry, /^keptn_benchmarkdotnet_\S+ \d/m);
});

t.test('pgbench -r: a report cut inside the statement lines sends the lines read and the summary', async (t) => {
  const text = recorded('pgbench-tpcb-statements');
  const whole = await dryRun(t, ['--preset', 'pgbench'], text);
  t.equal(whole.status, 0, whole.stderr);
  t.match(
    whole.dry,
    /^keptn_pgbench_statement_latency_seconds\{ci_platform="[^"]*",stat="mean",statement="UPDATE pgbench_branches SET bbalance = bbalance \+ :delta WHERE bid = :bid;"\} 0\.005717$/m,
  );
  // Cut right after the tellers UPDATE's latency: that line's text is gone, the lines before it are read.
  const cut = text.slice(0, text.indexOf('2.414') + 5);
  const r = await dryRun(t, ['--preset', 'pgbench'], cut);
  t.equal(r.status, 0, r.stderr);
  t.match(r.dry, /statement="SELECT abalance FROM pgbench_accounts WHERE aid = :aid;"\} 0\.000817$/m);
  t.notMatch(r.dry, /pgbench_tellers|pgbench_branches/, 'the cut line and those after it are not sent');
  t.match(r.dry, /^keptn_pgbench_transactions_per_second\{ci_platform="[^"]*"\} 302\.933113$/m);

  // A statement longer than 200 characters is labelled by its first 200.
  const long = `tps = 1.5 (without initial connection time)\nstatement latencies in milliseconds and failures:\n         1.250           0  SELECT ${'x, '.repeat(150)}1;\n`;
  const l = await dryRun(t, ['--preset', 'pgbench'], long);
  const label = /statement_latency_seconds\{[^}]*statement="([^"]*)"/.exec(l.dry)?.[1];
  t.equal(label?.length, 200, 'the label holds the first 200 characters');
});
