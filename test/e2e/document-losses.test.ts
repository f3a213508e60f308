// Numbers a document held but that are not sent, said by default (issue 24, items 14 and 8):
// an overflowing literal (1e400) in a preset's JSON document, and a cut array whose count would
// be sent as if it were exact.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-doc-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const HYPERFINE = fileURLToPath(new URL('../fixtures/recorded/hyperfine-json/input', import.meta.url));

async function dryRun(args: string[], input: string) {
  const file = join(dir, `d${Math.random().toString(36).slice(2)}`);
  const r = await runInProcess(['--dry-run-file', file, ...args], { input });
  let dry = '';
  try {
    dry = readFileSync(file, 'utf8');
  } catch {
    // nothing written
  }
  return { ...r, dry };
}

t.test('1e400 in a preset JSON document: a warning without -v, the value not sent', async (t) => {
  const input = readFileSync(HYPERFINE, 'utf8').replace(/"mean": [0-9.e-]+/, '"mean": 1e400');
  const r = await dryRun(['--preset', 'hyperfine'], input);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /warning: preset hyperfine: time: not a number \(out of range\) at \$\.results\[\*\] \(match 0\)/);
  t.match(r.stderr, /, 1 unusable;/);
  t.notMatch(r.dry, /Infinity|\+Inf/);
});

t.test('a 150,000-element trivy array: the cut is a warning by default and the counts are not sent', async (t) => {
  const vulns = Array.from({ length: 150_000 }, (_, i) => ({ VulnerabilityID: `CVE-${i}`, Severity: 'HIGH' }));
  const input = `${JSON.stringify({ SchemaVersion: 2, Results: [{ Target: 'x', Vulnerabilities: vulns }] })}\n`;
  const r = await dryRun(['--preset', 'trivy'], input);
  t.equal(r.status, 0, r.stderr.slice(0, 500));
  t.match(
    r.stderr,
    /warning: preset trivy: \S+: more than 100000 matches of .*; the rest were cut, so its count is not sent/,
  );
  t.notMatch(r.dry, /severity="HIGH"/, 'HIGH neither sent as 100000 nor defaulted to 0');
  t.match(r.dry, /severity="CRITICAL"\} 0/, 'the other counts are still sent');
});

t.test(
  'two trivy reports concatenated, with or without a newline: both counted, never zero (issue 24, item 7)',
  async (t) => {
    const report = (n: number): string =>
      JSON.stringify(
        {
          SchemaVersion: 2,
          Results: [
            {
              Target: 'x',
              Vulnerabilities: Array.from({ length: n }, (_, i) => ({
                VulnerabilityID: `C${i}`,
                Severity: 'CRITICAL',
              })),
            },
          ],
        },
        null,
        2,
      );
    for (const input of [`${report(2)}\n${report(3)}\n`, `${report(2)}${report(3)}`]) {
      const r = await dryRun(['--preset', 'trivy'], input);
      t.equal(r.status, 0, r.stderr);
      t.match(r.dry, /severity="CRITICAL"\} 5$/m);
    }
  },
);

t.test(
  'a filter without a regex is not cut by the clock: a 150,000-element report keeps its other counts exact',
  async (t) => {
    const vulns = Array.from({ length: 150_000 }, (_, i) => ({
      VulnerabilityID: `CVE-${i}`,
      Severity: i === 7 ? 'CRITICAL' : 'LOW',
    }));
    const input = `${JSON.stringify({ SchemaVersion: 2, Results: [{ Target: 'x', Vulnerabilities: vulns }] })}\n`;
    const r = await dryRun(['--preset', 'trivy'], input);
    t.equal(r.status, 0, r.stderr.slice(0, 500));
    t.notMatch(r.stderr, /took too long/, 'no filter was cut');
    t.match(r.dry, /severity="CRITICAL"\} 1$/m, 'the one CRITICAL among 150,000 is counted');
  },
);

const recorded = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/recorded/${name}/input`, import.meta.url)), 'utf8');

t.test(
  'a report cut short (JUnit, trivy, jest --json): said by default, nothing sent from its rules, no default (issue 24, item 6)',
  async (t) => {
    // gotestsum's JUnit cut inside its third suite: what was read (a part of the tests) is not the report's count.
    const junit = recorded('junit-gotestsum');
    const cutJunit = junit.slice(0, junit.indexOf('name="TestParallelTheThird"'));
    const cases: Array<[string, string, RegExp]> = [
      [
        'junit',
        cutJunit,
        /warning: preset junit: XML: not well-formed XML: .*; nothing is sent from tests, test_outcomes/,
      ],
      [
        'trivy',
        recorded('trivy-schema2-image').slice(0, 6000),
        /warning: preset trivy: the JSON document was cut short \(.*\); nothing is sent from its \d+ JSON rules/,
      ],
      [
        'jest',
        recorded('jest-json').slice(0, 1500),
        /warning: preset jest: the JSON document was cut short \(.*\); nothing is sent from tests, test_outcomes/,
      ],
    ];
    for (const [preset, input, said] of cases) {
      const r = await dryRun(['--preset', preset], input);
      t.equal(r.status, 0, r.stderr);
      t.match(r.stderr, said, `${preset}: said without -v`);
      t.notMatch(r.dry, /^keptn_\S+ \d/m, `${preset}: no count sent (neither a partial one nor a default)`);
      t.equal(r.stdout.toString('utf8'), input, `${preset}: passed through`);
    }
    // The whole report still reads as before.
    const whole = await dryRun(['--preset', 'junit'], junit);
    t.match(whole.dry, /^keptn_junit_tests\{ci_platform="[^"]*"\} 60$/m);
    t.notMatch(whole.stderr, /warning/);
  },
);
