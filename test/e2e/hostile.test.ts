// Hostile input: the passthrough stays byte-identical, nothing crashes, nothing is injected
// into either wire format, and the series cap holds.
import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../support/in-process.js';
import { seededBytes } from '../support/seeded.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-hostile-'));

async function dryRun(input: Buffer | string, extra: string[] = []) {
  const file = join(dir, `d${Math.random().toString(36).slice(2)}`);
  const r = await runInProcess(['--integration', 'h', '--dry-run-file', file, ...extra], { input });
  let dry = '';
  try {
    dry = readFileSync(file, 'utf8');
  } catch {
    // no file: asserted by the caller through r.status
  }
  return { ...r, dry };
}

t.test('random binary megabytes: passed through intact, no crash', async (t) => {
  const input = seededBytes(4 * 1024 * 1024, 4242);
  const r = await dryRun(input);
  t.equal(r.status, 0, r.stderr.slice(0, 500));
  t.ok(r.stdout.equals(input));
  t.notMatch(r.stderr, /internal error/);
});

t.test('a 50 MB line: passed through whole, not parsed, and the next line is parsed', async (t) => {
  const input = Buffer.concat([
    Buffer.from('before=1\n'),
    Buffer.alloc(50 * 1024 * 1024, 0x61),
    Buffer.from('=2\nafter=3\n'),
  ]);
  const r = await dryRun(input);
  t.equal(r.status, 0);
  t.ok(r.stdout.equals(input), 'byte for byte');
  t.match(r.dry, /^keptn_h_before\{.*\} 1$/m);
  t.match(r.dry, /^keptn_h_after\{.*\} 3$/m);
  t.notMatch(r.dry, /keptn_h_aaa/, 'the long line is not parsed');
  t.match(r.stderr, /3 lines read, 2 metrics found, 2 series, 1 line too long to parse/);
});

t.test('200,000 nested brackets on one line and as a document', async (t) => {
  const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
  const obj = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
  const input = `${deep}\n{"name":"x","value":${deep}}\n${obj}\nafter=1\n`;
  const r = await dryRun(input);
  t.equal(r.status, 0, r.stderr.slice(0, 500));
  t.ok(r.stdout.equals(Buffer.from(input)));
  t.match(r.dry, /^keptn_h_after\{.*\} 1$/m, 'the line after them is still parsed');
  const doc = await dryRun(deep, ['--json-path', 'x=$[0][0]']);
  t.equal(doc.status, 0, doc.stderr.slice(0, 500));
  t.notMatch(doc.stderr, /internal error/);
});

t.test('numbers out of range are reported, not sent as infinity', async (t) => {
  const r = await dryRun('big=1e400\nsmall=1e-400\nok=1.5e300\n');
  t.equal(r.status, 0);
  t.notMatch(r.dry, /keptn_h_big/);
  t.match(r.stderr, /line 1: .*1e400/);
  t.match(r.dry, /^keptn_h_ok\{.*\} 1\.5e\+300$/m);
  t.match(r.dry, /^keptn_h_ok,.* gauge,1\.5e\+300$/m, 'Dynatrace exponent has a decimal point');
  t.match(r.dry, /^keptn_h_small\{.*\} 0$/m, 'an underflow is a plain zero');
});

t.test('label values carrying a newline and a fake metric line are not injected', async (t) => {
  const evil = 'x"} 1\\nevil_metric 666\\n# TYPE y counter\\nz{a="';
  const input = `${JSON.stringify({ name: 'safe', value: 1, labels: { note: evil.replace(/\\n/g, '\n'), dt: 'a,b=c d\nevil.metric 666' } })}\n`;
  const r = await dryRun(input);
  t.equal(r.status, 0, r.stderr);
  const lines = r.dry.split('\n');
  t.notOk(
    lines.some((l) => l.startsWith('evil')),
    'no line of either payload starts with the injected metric',
  );
  t.notOk(
    lines.some((l) => l.startsWith('# TYPE y')),
    'no injected TYPE line',
  );
  const prom = lines.filter((l) => l.startsWith('keptn_h_safe{'));
  t.equal(prom.length, 1, 'one Prometheus sample');
  t.match(prom[0], /note="x\\"} 1\\nevil_metric 666\\n# TYPE y counter\\nz\{a=\\""/, 'quote and newline escaped');
  const dt = lines.filter((l) => l.startsWith('keptn_h_safe,'));
  t.equal(dt.length, 1, 'one Dynatrace line');
  t.notMatch(dt[0], /\n/);
});

t.test('100,000 distinct names: the series cap holds', async (t) => {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) lines.push(`metric_${i}=${i}`);
  const input = `${lines.join('\n')}\n`;
  const r = await dryRun(input);
  t.equal(r.status, 0);
  t.ok(r.stdout.equals(Buffer.from(input)));
  t.equal((r.dry.match(/^keptn_h_metric_\d+\{/gm) ?? []).length, 1000, 'default cap of 1000 series');
  t.match(r.stderr, /99000 dropped over --max-series/);
  t.equal(r.stderr.split('new series are dropped').length - 1, 1, 'warned once');
});

t.test('colours (FORCE_COLOR in CI) and a byte order mark: passed through as they are, metrics found', async (t) => {
  const input = Buffer.from(
    '\uFEFFfirst=1\r\n\u001b[1m\u001b[32mcoverage=87.5\u001b[0m\r\n\u001b[33mWARN\u001b[0m retries exhausted\r\n',
  );
  const r = await dryRun(input);
  t.ok(r.stdout.equals(input), 'byte for byte, escapes and BOM included');
  t.match(r.dry, /^keptn_h_first\{.*\} 1$/m);
  t.match(r.dry, /^keptn_h_coverage\{.*\} 87\.5$/m);
  t.match(r.stderr, /3 lines read, 2 metrics found/);
});

t.test('CRLF, NUL, progress bars, no final newline: passthrough exact, metrics found', async (t) => {
  const input = Buffer.concat([
    Buffer.from('a=1\r\n'),
    Buffer.from('progress 10%\rprogress 50%\rprogress 100%\n'),
    Buffer.from([0x00, 0x01, 0x02, 0x0a]),
    Buffer.from('b=2'),
  ]);
  const r = await dryRun(input);
  t.ok(r.stdout.equals(input));
  t.match(r.dry, /^keptn_h_a\{.*\} 1$/m);
  t.match(r.dry, /^keptn_h_b\{.*\} 2$/m);
  t.match(r.stderr, /4 lines read, 2 metrics found/);
});
