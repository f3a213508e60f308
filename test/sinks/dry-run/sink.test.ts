// --dry-run: every configured form in a fixed order (both default forms when no backend is
// named), to stderr with control characters escaped, or to --dry-run-file with the exact bytes.

import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDryRunBackend } from '../../../lib/sinks/dry-run/sink.js';
import { capture, configOf, DRY_SERIES } from '../../support/dry-run-config.js';

const dir = mkdtempSync(join(tmpdir(), 'jes-dry-run-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const push = { deadlineAt: Date.now() + 60_000, final: true };

t.test('no backend named: the Pushgateway and Dynatrace forms, in that order, on stderr', async (t) => {
  const { reporter } = capture();
  let out = '';
  const backend = createDryRunBackend(configOf([]), reporter, (s) => (out += s));
  await backend.prepare?.();
  t.same(await backend.push(DRY_SERIES, push), { backend: 'dry-run', ok: true, summary: '2 series printed' });
  const pgw = out.indexOf('# pushgateway:');
  const dt = out.indexOf('# dynatrace:');
  t.ok(pgw >= 0 && dt > pgw, 'pushgateway, then dynatrace');
  t.notMatch(out, /# otlp|# remote-write/);
});

t.test('only what is configured, OTLP and remote write after the others', async (t) => {
  const { reporter } = capture();
  let out = '';
  const config = configOf(['--otlp', 'http://c:4318/v1/metrics', '--remote-write', 'http://p:9090/api/v1/write']);
  await createDryRunBackend(config, reporter, (s) => (out += s)).push(DRY_SERIES, push);
  t.match(out, /^# otlp: [^]*# remote-write: /);
  t.notMatch(out, /# pushgateway|# dynatrace/);
});

t.test('stderr gets control characters escaped; the file gets the exact bytes', async (t) => {
  const series = [{ name: 'keptn_k6_rps', labels: { note: 'a\x1b[31mred' }, value: 1, type: 'gauge' as const }];
  const { reporter } = capture();
  let out = '';
  await createDryRunBackend(configOf(['--pushgateway', 'http://gw:9091']), reporter, (s) => (out += s)).push(
    series,
    push,
  );
  t.notMatch(out, /\x1b/, 'no escape reaches the terminal');
  const file = join(dir, 'payloads.txt');
  let stderr = '';
  const toFile = createDryRunBackend(
    configOf(['--pushgateway', 'http://gw:9091', '--dry-run-file', file]),
    reporter,
    (s) => (stderr += s),
  );
  t.same(await toFile.push(series, push), { backend: 'dry-run', ok: true, summary: `1 series written to ${file}` });
  t.equal(stderr, '');
  t.match(readFileSync(file, 'utf8'), /note="a\x1b\[31mred"/);
});

t.test('a --dry-run-file that cannot be written: said, not ok', async (t) => {
  const { reporter, stderr } = capture();
  const file = join(dir, 'missing-dir', 'x.txt');
  const config = { ...configOf(['--pushgateway', 'http://gw:9091']), dryRunFile: file };
  t.same(await createDryRunBackend(config, reporter, () => undefined).push(DRY_SERIES, push), {
    backend: 'dry-run',
    ok: false,
    summary: 'not written',
  });
  t.match(stderr(), new RegExp(`cannot write --dry-run-file ${file}: `));
});
