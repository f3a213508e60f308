// A default: stands for a count the tool left out, never for what a rule could not read: an
// aggregating line rule's default is its result (not one more match), and a rule cut by the
// time budget sends neither its default nor a partial aggregate (docs/reference/rule-files.md).
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'rule-defaults-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

async function dry(rules: string, input: string): Promise<{ status: number; stderr: string; dry: string }> {
  const file = join(dir, `rules-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, rules);
  const out = `${file}.dry`;
  const r = await runInProcess(
    ['--integration', 't', '--parsers', 'none', '--no-run-metrics', '--rules', file, '--dry-run-file', out],
    { input, env: {} },
  );
  return { status: r.status, stderr: r.stderr, dry: readFileSync(out, 'utf8') };
}

t.test('an aggregating rule that matched nothing sends its default, not a count of 1', async (t) => {
  const rules = `version: 1\nrules:\n  - {pattern: '^ok (?<value>\\d+)$', name: passed}\n  - {pattern: '^FAIL (?<value>\\d+)$', name: failed, aggregate: count, default: 0}\n`;
  const r = await dry(rules, 'ok 3\nok 4\n');
  t.equal(r.status, 0, r.stderr);
  t.match(r.dry, /^keptn_t_failed\{[^}]*\} 0$/m, 'failed 0');
  t.match(r.dry, /^keptn_t_passed\{[^}]*\} 4$/m);
  const two = await dry(rules, 'ok 1\nFAIL 7\nFAIL 9\n');
  t.match(two.dry, /^keptn_t_failed\{[^}]*\} 2$/m, 'two matches: 2, the default not folded in');
});

t.test('a rule cut by the time budget sends no default: and no aggregate', async (t) => {
  const slow = `${'a'.repeat(28)}b`;
  const rules =
    `version: 1\nrules:\n  - {pattern: '^total (?<value>\\d+)$', name: total}\n` +
    `  - {pattern: '^(a+)+x(?<value>\\d+)$', name: errors, default: 0}\n` +
    `  - {pattern: '^(a+)+y(?<value>\\d+)$', name: slow_lines, aggregate: count}\n`;
  const r = await dry(rules, `total 5\n${slow}\n${slow}\n`);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stderr, /took too long .*no longer applied, and no default: or aggregate of it is sent/);
  t.match(r.dry, /^keptn_t_total\{[^}]*\} 5$/m, 'the other rule still counts');
  t.notMatch(r.dry, /keptn_t_errors/, 'no default: 0 for the cut rule');
  t.notMatch(r.dry, /keptn_t_slow_lines/, 'no partial count for the cut aggregate');
});
