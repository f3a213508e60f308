// --rules FILE and --explain through the whole program (in process, test/support/in-process.ts): a broken file is a usage error (exit 2, the
// input still passes through); --explain sends nothing, even with a backend configured.
import t from 'tap';
import { createServer } from 'node:http';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../support/in-process.js';
import { listenOnLoopback } from '../support/loopback.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-rules-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

t.test('a rule file and flags together; JUnit XML after a banner', async (t) => {
  const rules = join(dir, 'junit.yaml');
  writeFileSync(
    rules,
    'version: 1\nrules:\n  - xml: testsuite\n    fields: {tests: "@tests", failures: "@failures"}\n    aggregate: sum\n',
  );
  const input =
    'running\n<?xml version="1.0"?>\n<testsuites><testsuite tests="2" failures="1"/><testsuite tests="3" failures="0"/></testsuites>\n';
  const r = await runInProcess(
    [
      '--integration',
      'j',
      '--dry-run',
      '--parsers',
      'none',
      '--rules',
      rules,
      '--pattern',
      'banner=^(?<value>running)?$',
    ],
    {
      input,
    },
  );
  t.equal(r.stdout.toString(), input, 'byte for byte');
  t.match(r.stderr, /keptn_j_tests\{ci_platform="keptn"\} 5/);
  t.match(r.stderr, /keptn_j_failures\{ci_platform="keptn"\} 1/);
});

t.test('a broken rule file: exit 2, the error names file, rule and field, the input passes', async (t) => {
  const rules = join(dir, 'bad.yaml');
  writeFileSync(rules, 'version: 1\nrules:\n  - {pattern: "(?<value>\\\\d+)", id: p95, name: p95, unit: mss}\n');
  const r = await runInProcess(['--integration', 'j', '--dry-run', '--rules', rules], { input: 'x=1\n' });
  t.equal(r.status, 2);
  t.equal(r.stdout.toString(), 'x=1\n');
  t.match(r.stderr, /error: .*bad\.yaml: rule 1 \("p95"\): unit: "mss" is not a unit/);
  const missing = await runInProcess(['--integration', 'j', '--dry-run', '--rules', join(dir, 'none.yaml')], {
    input: 'x=1\n',
  });
  t.equal(missing.status, 2);
  t.match(missing.stderr, /--rules .*none\.yaml: cannot read it: ENOENT/);
});

t.test('--explain sends nothing, even with a Pushgateway configured', async (t) => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    req.resume();
    res.end();
  });
  const { port } = await listenOnLoopback(server);
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const r = await runInProcess(
    ['--explain', '--pushgateway', `http://127.0.0.1:${port}`, '--pattern', 'rps=^rps (?<value>\\d+)'],
    {
      input: 'rps 5\nsize=1,000\n',
    },
  );
  t.equal(r.status, 0, r.stderr);
  t.equal(requests, 0, 'no request');
  t.match(r.stderr, /--explain \(nothing is sent\):/);
  t.match(r.stderr, /matched line 1: "rps 5" → rps=5/);
  t.match(r.stderr, /not a number: "1,000"/);
  t.notMatch(r.stderr, /no backend configured/);
});
