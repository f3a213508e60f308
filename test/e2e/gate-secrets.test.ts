// An earlier-results server whose error answer echoes a credential: the gate's message quotes
// the answer's body, and that message reaches the JSON, JUnit and Markdown reports and the
// GitHub Action's `::error::` annotations. Every one of them is masked (lib/gate/mask.ts).
import t from 'tap';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { run, type RunResult } from '../../lib/cli/run.js';
import { readableOf } from '../support/in-process.js';
import { annotations } from '../../lib/cli/github-action.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-gate-secrets-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const TOKEN = 'dt0c01.SECRETTOKENVALUE.0123456789abcdefXYZ';

t.test('a history answer echoing a known secret: masked in every output of the gate', async (t) => {
  const server = createServer((_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' });
    res.end(`denied: Authorization: Api-Token ${TOKEN} is not allowed (token ${TOKEN})`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => server.close());
  const port = (server.address() as { port: number }).port;
  const slo = join(dir, 'slo.yaml');
  writeFileSync(
    slo,
    'spec_version: "1.0"\nobjectives: [{sli: p95, pass: [{criteria: ["<=+10%"]}]}]\ntotal_score: {pass: "90%"}\n',
  );
  const files = {
    report: join(dir, 'r.json'),
    junit: join(dir, 'j.xml'),
    markdown: join(dir, 'm.md'),
    summary: join(dir, 'summary.md'),
  };
  const sink = (into: string[]): Writable =>
    new Writable({
      write(chunk: Buffer, _e, done) {
        into.push(chunk.toString());
        done();
      },
    });
  const err: string[] = [];
  let result: RunResult | undefined;
  const status = await run({
    argv: [
      '--integration',
      'k6',
      '--dry-run-file',
      join(dir, 'dry'),
      '--slo',
      slo,
      '--slo-history',
      `http://127.0.0.1:${port}/`,
      '--slo-report',
      files.report,
      '--slo-junit',
      files.junit,
      '--slo-markdown',
      files.markdown,
    ],
    env: { DT_API_TOKEN: TOKEN, GITHUB_STEP_SUMMARY: files.summary },
    stdin: readableOf('p95=120\n'),
    stdout: sink([]),
    stderr: sink(err),
    onResult: (r) => (result = r),
  });
  t.equal(status, 4, err.join(''));
  t.match(result?.gate?.evaluation.message, /answered 500/, 'the answer is quoted');
  const outputs: Array<[string, string]> = [
    ['stderr', err.join('')],
    ['--slo-report', readFileSync(files.report, 'utf8')],
    ['--slo-junit', readFileSync(files.junit, 'utf8')],
    ['--slo-markdown', readFileSync(files.markdown, 'utf8')],
    ['$GITHUB_STEP_SUMMARY', readFileSync(files.summary, 'utf8')],
    ['::error:: annotations', annotations(result).join('\n')],
  ];
  for (const [what, text] of outputs) {
    t.notMatch(text, /SECRETTOKENVALUE/, `${what}: the token is not there`);
  }
  t.match(
    annotations(result).join('\n'),
    /::error title=Quality gate::.*answered 500.*\*\*\*/,
    'the annotation says why, masked',
  );
});
