// A seeded property test at the process level: whatever the input (metric-like lines, syntax
// soup, arbitrary bytes, odd line ends), the CLI exits 0, says no internal error, and passes the
// input through byte for byte. Fixed seed and run count, so CI sees the same cases every time.
import t from 'tap';
import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../support/cli.js';

const SEED = 20261125;
const RUNS = 24;
const dir = mkdtempSync(join(tmpdir(), 'jmp-fuzz-'));

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.:-]{0,12}$/);
const number = fc.oneof(
  fc.double({ noNaN: false }).map(String),
  fc.integer().map(String),
  fc.constantFrom('NaN', '+Inf', '-Inf', '1e400', '.5', '5.', '1,000'),
);
const labelValue = fc.string({ maxLength: 12, unit: 'binary' });
const metricLine = fc.oneof(
  fc.tuple(name, number).map(([n, v]) => `${n}=${v}`),
  fc.tuple(name, labelValue, number).map(([n, l, v]) => `${n}{l=${JSON.stringify(l)}} ${v}`),
  fc.tuple(name, number, labelValue).map(([n, v, l]) => JSON.stringify({ name: n, value: Number(v), labels: { l } })),
  fc.tuple(name, number).map(([n, v]) => `# TYPE ${n} counter\n${n} ${v}`),
);
const noise = fc.oneof(
  fc.string({ maxLength: 80, unit: 'binary' }),
  fc.constantFrom('{', '[[[[', '{"name":', '=', 'level=info msg="x" n=1', '\u001b[31m', '\uFEFF'),
);
const lineEnd = fc.constantFrom('\n', '\r\n', '\r', '');
const input = fc
  .array(fc.tuple(fc.oneof(metricLine, noise), lineEnd), { minLength: 1, maxLength: 40 })
  .chain((lines) => fc.tuple(fc.constant(lines), fc.uint8Array({ maxLength: 200 })))
  .map(([lines, bytes]) => Buffer.concat([Buffer.from(lines.map(([l, e]) => l + e).join('')), Buffer.from(bytes)]));

t.test(`${RUNS} seeded inputs: exit 0, no internal error, passthrough byte for byte`, async (t) => {
  const cases = fc.sample(input, { seed: SEED, numRuns: RUNS });
  let found = 0;
  for (const [i, bytes] of cases.entries()) {
    const file = join(dir, `d${i}`);
    const r = await runCli(['--integration', 'fuzz', '--dry-run-file', file], { input: bytes });
    t.equal(r.status, 0, `case ${i}: exit 0 (${r.stderr.slice(-300)})`);
    t.ok(r.stdout.equals(bytes), `case ${i}: passthrough intact (${bytes.length} bytes)`);
    t.notMatch(r.stderr, /internal error/, `case ${i}: no internal error`);
    t.ok(
      r.stderr
        .split('\n')
        .filter(Boolean)
        .every((l) => l.startsWith('jes-metrics-pipe: ')),
      `case ${i}: every stderr line is ours and one line`,
    );
    found += (readFileSync(file, 'utf8').match(/^keptn_fuzz_/gm) ?? []).length;
  }
  t.ok(found > 0, `the generator produced real metrics too (${found} payload lines)`);
});
