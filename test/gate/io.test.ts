// The gate's I/O for a real run: files, the GET of earlier results through the run's HTTP client
// (basic auth, JSON asked), the job summary file checked at the start, the masking, the context.

import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gateContext, gateIo } from '../../lib/gate/io.js';
import { DEFAULTS } from '../../lib/cli/config.js';
import { capture, configOf } from '../support/dry-run-config.js';
import { startFaultServer } from '../support/fault-server.js';

const dir = mkdtempSync(join(tmpdir(), 'jes-gate-io-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('files: read, written, appended', async (t) => {
  const { reporter } = capture();
  const io = gateIo(configOf([]), reporter, {});
  const file = join(dir, 'slo.yaml');
  writeFileSync(file, 'spec_version: "1.0"\n');
  t.equal(await io.readText(file), 'spec_version: "1.0"\n');
  const out = join(dir, 'report.md');
  await io.writeText(out, 'a\n');
  await io.appendText(out, 'b\n');
  t.equal(readFileSync(out, 'utf8'), 'a\nb\n');
  await io.close();
});

t.test('get: JSON asked, basic auth when given, the answer whatever its status', async (t) => {
  const server = await startFaultServer([
    { status: 200, body: '{"status":"success"}' },
    { status: 404, body: 'not found' },
  ]);
  t.teardown(() => server.close());
  const { reporter } = capture();
  const io = gateIo(configOf([]), reporter, {});
  t.teardown(() => io.close());
  t.same(await io.get(new URL(`${server.url}/api/v1/query?query=up`), { username: 'u', password: 'p' }), {
    status: 200,
    body: '{"status":"success"}',
  });
  t.equal(server.requests[0]!.method, 'GET');
  t.equal(server.requests[0]!.headers.accept, 'application/json');
  t.equal(server.requests[0]!.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  t.same(await io.get(new URL(`${server.url}/x`)), { status: 404, body: 'not found' });
  t.equal(server.requests[1]!.headers.authorization, undefined, 'no auth: no header');
});

t.test('$GITHUB_STEP_SUMMARY: used when writable, a warning and not used when not', async (t) => {
  const { reporter, stderr } = capture();
  const ok = join(dir, 'summary.md');
  t.equal(gateIo(configOf([]), reporter, { GITHUB_STEP_SUMMARY: ` ${ok} ` }).stepSummaryFile, ok);
  const bad = gateIo(configOf([]), reporter, { GITHUB_STEP_SUMMARY: join(dir, 'missing', 's.md') });
  t.equal(bad.stepSummaryFile, undefined);
  t.match(stderr(), /\$GITHUB_STEP_SUMMARY.*: the job summary is not written/);
  t.equal(gateIo(configOf([]), reporter, {}).stepSummaryFile, undefined);
});

t.test('log and mask go through the reporter', async (t) => {
  const { reporter, stderr } = capture();
  reporter.addSecret('s3cr3t-T0ken-value');
  const io = gateIo(configOf([]), reporter, {});
  t.equal(io.mask?.('got s3cr3t-T0ken-value back'), 'got *** back');
  io.log.error('history failed');
  t.match(stderr(), /history failed/);
});

t.test("gateContext: the run's naming, labels and grouping key", async (t) => {
  const c = gateContext(configOf(['--pushgateway', 'http://u:p@gw:9091', '--grouping', 'g=1']));
  t.match(c, { prefix: 'keptn_', integration: 'k6', job: DEFAULTS.job, grouping: [['g', '1']], dryRun: true });
  t.equal(c.pushgateway?.url.href, 'http://gw:9091/');
  t.equal(c.pushgateway?.password, 'p');
  const none = gateContext(configOf([]));
  t.equal(none.pushgateway, undefined);
  t.same(none.grouping, []);
});
