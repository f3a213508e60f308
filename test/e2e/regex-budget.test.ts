// A --pattern that backtracks for minutes on one line must not hold up anything else: later
// lines still reach stdout, SIGTERM still ends the run with the values, --deadline still holds,
// and the slow rule is reported once, by its --pattern text, and no longer applied.
// Bounds are generous (a loaded 2-core box); before the time budget each case took minutes.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanEnv } from '../support/cli.js';
import { closedPort } from '../support/cli-reliability.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-regex-'));
/** Exponential on `aaa…!`: every split of the a's between the two loops is tried. */
const NESTED = 'slow=^(a+)+(?<value>\\d+)$';
const NESTED_LINE = `${'a'.repeat(40)}!\n`;
const PYTEST = '(?<value>\\d+) (?<name>passed|failed|skipped|errors?)\\b';
/** No run in this file may take longer; a run still going then is killed and the test fails. */
const KILL_AFTER_MS = 30_000;

interface Live {
  stdout: () => string;
  stderr: () => string;
  write: (text: string) => void;
  end: (text?: string) => void;
  kill: (sig: NodeJS.Signals) => void;
  /** Resolves once stdout holds `text`, with the ms it took from the call; null after `ms`. */
  waitFor: (text: string, ms: number) => Promise<number | null>;
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; ms: number; killed: boolean }>;
}

function start(args: readonly string[]): Live {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of waiters) w();
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  child.stdin.on('error', () => undefined);
  let killed = false;
  const guard = setTimeout(() => {
    killed = true;
    child.kill('SIGKILL');
  }, KILL_AFTER_MS);
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; ms: number; killed: boolean }>(
    (resolve) =>
      child.on('close', (status, signal) => {
        clearTimeout(guard);
        resolve({ status, signal, ms: Date.now() - started, killed });
      }),
  );
  return {
    stdout: () => out,
    stderr: () => err,
    write: (text) => child.stdin.write(text),
    end: (text) => child.stdin.end(text),
    kill: (sig) => child.kill(sig),
    waitFor: (text, ms) =>
      new Promise((resolve) => {
        const from = Date.now();
        const check = (): void => {
          if (!out.includes(text)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(Date.now() - from);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(null);
        }, ms);
        waiters.add(check);
        check();
      }),
    done,
  };
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

/** How messages quote a rule: its --pattern text as a JSON string. */
function named(rule: string): string {
  return `--pattern ${JSON.stringify(rule)}: took too long`;
}

t.test(
  'a backtracking rule: later lines flow, SIGTERM ends the run with the values, the rule is reported once',
  async (t) => {
    const file = join(dir, 'nested-term');
    const run = start(['--integration', 's', '--dry-run-file', file, '--pattern', NESTED]);
    run.write('aaa42\n');
    t.not(await run.waitFor('aaa42\n', 10_000), null, 'the first line was passed through');
    run.write(NESTED_LINE);
    t.not(await run.waitFor(NESTED_LINE, 10_000), null, 'the slow line was passed through');
    // A chunk of its own: the slow line is being matched when it comes.
    await new Promise((r) => setTimeout(r, 300));
    run.write('after=1\n');
    const took = await run.waitFor('after=1\n', 5_000);
    t.not(took, null, `the line after the slow one reached stdout (${took} ms)`);
    run.write('aaa7\nlater=2\n');
    t.not(await run.waitFor('later=2\n', 5_000), null, 'and the lines after that');
    // Let the extractor see them too before the signal (the signal drops nothing complete).
    await new Promise((r) => setTimeout(r, 500));
    const termAt = Date.now();
    run.kill('SIGTERM');
    const r = await run.done;
    t.notOk(r.killed, 'the run ended by itself');
    t.equal(r.status, 143, run.stderr());
    t.ok(Date.now() - termAt < 5_000, `SIGTERM ended the run in ${Date.now() - termAt} ms`);
    t.equal(run.stdout(), `aaa42\n${NESTED_LINE}after=1\naaa7\nlater=2\n`, 'byte for byte');
    const dry = readFileSync(file, 'utf8');
    t.match(dry, /^keptn_s_slow\{.*\} 42$/m, 'what the rule found before is kept');
    t.notMatch(dry, /^keptn_s_slow\{.*\} 7$/m, 'the rule is no longer applied');
    t.match(dry, /^keptn_s_after\{.*\} 1$/m, 'the default parsers still see the later lines');
    t.match(dry, /^keptn_s_later\{.*\} 2$/m);
    t.equal(count(run.stderr(), named(NESTED)), 1, `reported once, by its text: ${run.stderr()}`);
    t.match(run.stderr(), /took too long on line 2 /, 'names the line it was cut on');
  },
);

t.test(
  'the pytest rule of docs/reference/extraction.md on a 200 KB line of digits: the run ends promptly with the values',
  async (t) => {
    const file = join(dir, 'pytest');
    const run = start(['--integration', 's', '--dry-run-file', file, '--parsers', 'json,prom', '--pattern', PYTEST]);
    const input = `== 3 passed, 1 failed in 0.8s ==\n${'1'.repeat(200_000)}\nx_total 5\n`;
    run.end(input);
    const r = await run.done;
    t.notOk(r.killed, 'the run ended by itself');
    t.equal(r.status, 0, run.stderr());
    t.ok(r.ms < 15_000, `exited after ${r.ms} ms`);
    t.equal(run.stdout(), input, 'passed through');
    const dry = readFileSync(file, 'utf8');
    t.match(dry, /^keptn_s_passed\{.*\} 3$/m);
    t.match(dry, /^keptn_s_failed\{.*\} 1$/m);
    t.match(dry, /^keptn_s_x_total\{.*\} 5$/m, 'the line after it was parsed');
    t.equal(count(run.stderr(), named(PYTEST)), 1, run.stderr());
    t.match(run.stderr(), /took too long on line 2 /);
  },
);

t.test('rules match in batches, yet a message names the line it is about', async (t) => {
  const run = start(['--integration', 's', '--dry-run', '--pattern', 'x=^x (?<value>\\S+)$']);
  run.end(`${'a\n'.repeat(5000)}x 1\nx abc\nb\n`);
  const r = await run.done;
  t.equal(r.status, 0, run.stderr());
  t.match(run.stderr(), /line 5002: --pattern "x=.*abc.*not a number/);
  t.match(run.stderr(), /keptn_s_x\{ci_platform="keptn"\} 1/);
});

t.test('a backtracking rule on the last line does not push the exit past --deadline', async (t) => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const run = start(['--integration', 's', '--pushgateway', url, '--deadline', '2s', '--pattern', NESTED]);
  run.end(`aaa42\n${NESTED_LINE}`);
  const r = await run.done;
  t.notOk(r.killed, 'the run ended by itself');
  t.equal(r.status, 0, run.stderr());
  t.ok(r.ms < 15_000, `exited after ${r.ms} ms, the deadline being 2 s`);
  t.equal(count(run.stderr(), named(NESTED)), 1, run.stderr());
});

// Issue 23 item 9, issue 24 item 2: --explain observes the budgeted run; it never matches on its own.
const EXPLAIN_SLOW = 'n=^(?<value>a+)+$';
const EXPLAIN_LINE = `${'a'.repeat(31)}b\n`;

t.test(
  '--explain with a backtracking rule: the rule is cut as in a normal run, and the report still comes',
  async (t) => {
    const run = start([
      '--integration',
      's',
      '--explain',
      '--pattern',
      EXPLAIN_SLOW,
      '--pattern',
      'ok=^ok (?<value>\\d+)',
    ]);
    run.end(`ok 1\n${EXPLAIN_LINE}ok 2\naaa\n`);
    const r = await run.done;
    t.notOk(r.killed, 'the run ended by itself');
    t.equal(r.status, 0, run.stderr());
    t.ok(r.ms < 15_000, `exited after ${r.ms} ms (before: minutes)`);
    t.equal(run.stdout(), `ok 1\n${EXPLAIN_LINE}ok 2\naaa\n`, 'passed through');
    t.equal(count(run.stderr(), named(EXPLAIN_SLOW)), 1, run.stderr());
    t.match(run.stderr(), /--explain \(nothing is sent\):/);
    t.match(run.stderr(), /rule --pattern "ok=.*" \(--pattern\): 2 lines matched, series: ok/);
    t.match(
      run.stderr(),
      /rule --pattern "n=.*" \(--pattern\): 0 lines matched/,
      'the slow rule is listed, with what it did before it was cut',
    );
  },
);

t.test('--explain: SIGTERM ends the run within a second while a regex backtracks', async (t) => {
  const run = start(['--integration', 's', '--explain', '--pattern', EXPLAIN_SLOW]);
  run.write(`aaa\n`);
  t.not(await run.waitFor('aaa\n', 10_000), null, 'passthrough runs under --explain');
  run.write(EXPLAIN_LINE);
  t.not(await run.waitFor(EXPLAIN_LINE, 10_000), null, 'the slow line was passed through');
  await new Promise((r) => setTimeout(r, 100));
  const termAt = Date.now();
  run.kill('SIGTERM');
  const r = await run.done;
  const took = Date.now() - termAt;
  t.notOk(r.killed, 'the run ended by itself');
  t.equal(r.status, 143, run.stderr());
  // A second, as the issue asks; the bound has room for a loaded 2-core machine.
  t.ok(took < 2_000, `SIGTERM ended the run in ${took} ms`);
  t.comment(`SIGTERM → exit: ${took} ms`);
});

t.test('a JSONPath filter with a backtracking regex is cut, said, and the run ends', async (t) => {
  const rules = join(dir, 'filter.yaml');
  writeFileSync(
    rules,
    `version: 1\nrules:\n  - {json: '$.items[?(@.n.match(/^(a+)+$/))]', name: hits, aggregate: count, default: 0}\n  - {json: '$.total', name: total}\n`,
  );
  const file = join(dir, 'filter');
  const run = start(['--integration', 's', '--dry-run-file', file, '--rules', rules]);
  const input = `${JSON.stringify({ total: 3, items: [{ n: `${'a'.repeat(30)}b` }, { n: 'aaa' }] })}\n`;
  run.end(input);
  const r = await run.done;
  t.notOk(r.killed, 'the run ended by itself');
  t.equal(r.status, 0, run.stderr());
  t.ok(r.ms < 15_000, `exited after ${r.ms} ms (before: over a minute)`);
  t.equal(run.stdout(), input);
  t.match(
    run.stderr(),
    /hits=\$\.items\[\?\(@\.n\.match\(.*\)\)\]: the filter took too long \(over 0\.8 s\); nothing from this rule/,
  );
  const dry = readFileSync(file, 'utf8');
  t.match(dry, /^keptn_s_total\{.*\} 3$/m, 'the other rules still count');
  t.notMatch(dry, /keptn_s_hits/, 'nothing from the cut rule, not even its default: 0');
});
