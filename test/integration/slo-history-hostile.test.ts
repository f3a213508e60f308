// A history source (--slo-history) that is hostile: a huge answer shaped like the one that made
// the gate's history processing quadratic (b=2 reached stdout after 35 s, SIGTERM took effect at
// 35 s), an HTML page, and one that never answers. The pipe keeps flowing, SIGTERM ends the run
// promptly, and each bad source fails the gate with one line.

import t from 'tap';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { runCli } from '../support/cli.js';
import { liveCli } from '../support/cli-reliability.js';

const dir = await mkdtemp(join(tmpdir(), 'slo-hostile-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const slo = join(dir, 'slo.yaml');
await writeFile(
  slo,
  'spec_version: "1.0"\nobjectives:\n  - sli: b\n    pass: [{criteria: ["<=+10%"]}]\ntotal_score: {pass: "90%"}\n',
);

async function serve(
  handler: (res: import('node:http').ServerResponse) => void,
): Promise<{ url: string; requests: () => number; server: Server }> {
  let n = 0;
  const server = createServer((_req, res) => {
    n++;
    handler(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => n, server };
}
const close = (s: Server) => () => {
  s.closeAllConnections();
  return new Promise<void>((r) => s.close(() => r()));
};

t.test('a huge answer: the passthrough keeps flowing and SIGTERM ends the run promptly', async (t) => {
  // 50,000 push times and 1,500 series of 100 samples: 200,000 samples, under the cap.
  const result = [
    { metric: { __name__: 'push_time_seconds' }, values: Array.from({ length: 50_000 }, (_, i) => [i, String(i)]) },
  ];
  for (let s = 0; s < 1500; s++)
    result.push({
      metric: { __name__: `keptn_h_m${s}` },
      values: Array.from({ length: 100 }, (_, i) => [i * 500, '1']),
    });
  const body = JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
  const src = await serve((res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  t.teardown(close(src.server));
  const cli = liveCli(['--integration', 'h', '--dry-run', '--slo', slo, '--slo-history', src.url]);
  t.teardown(cli.kill);
  cli.write('a=1\n');
  await cli.waitForStdout('a=1\n');
  while (src.requests() === 0) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
  const written = Date.now();
  cli.write('b=2\n');
  await cli.waitForStdout('b=2\n');
  const lag = Date.now() - written;
  t.ok(lag < 5000, `b=2 reached stdout ${lag} ms after it was written (35 s before the fix)`);
  const signalled = Date.now();
  cli.child.kill('SIGTERM');
  const r = await cli.done;
  const took = Date.now() - signalled;
  t.ok(took < 8000, `SIGTERM ended the run in ${took} ms`);
  t.equal(r.status, 143, r.stderr);
  t.match(r.stderr, /compared with 1 earlier result/, 'the history was read, linearly');
});

t.test('an HTML page, an error, too many samples: the gate fails with one line', async (t) => {
  const cases: Array<[string, (res: import('node:http').ServerResponse) => void, RegExp]> = [
    [
      'HTML',
      (res) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<!DOCTYPE html><html><body>login</body></html>'),
      /not JSON \(an HTML page/,
    ],
    [
      'an error',
      (res) => res.writeHead(422).end('{"status":"error","error":"query processing would load too many samples"}'),
      /answered 422 to query_range: .*too many samples/,
    ],
    [
      'a million samples',
      (res) =>
        res.writeHead(200).end(
          JSON.stringify({
            status: 'success',
            data: {
              resultType: 'matrix',
              result: [
                { metric: { __name__: 'keptn_h_b' }, values: Array.from({ length: 1_000_000 }, (_, i) => [i, '1']) },
              ],
            },
          }),
        ),
      /(more than 200000 samples|over 32 MiB)/,
    ],
  ];
  for (const [what, handler, said] of cases) {
    const src = await serve(handler);
    const r = await runCli(['--integration', 'h', '--dry-run', '--slo', slo, '--slo-history', src.url], {
      input: 'b=2\n',
    });
    await close(src.server)();
    t.equal(r.status, 4, `${what}: the gate fails`, { stderr: r.stderr });
    t.equal(r.stdout.toString(), 'b=2\n', `${what}: passed through`);
    t.match(r.stderr, said, what);
    t.ok(
      r.stderr.split('\n').every((l) => l.length < 400),
      `${what}: no line over 400 characters`,
    );
  }
});

t.test('a source that never answers: bounded by --deadline', async (t) => {
  const src = await serve(() => undefined);
  t.teardown(close(src.server));
  const started = Date.now();
  const r = await runCli(
    ['--integration', 'h', '--dry-run', '--slo', slo, '--slo-history', src.url, '--timeout', '1s', '--deadline', '3s'],
    {
      input: 'b=2\n',
    },
  );
  const took = Date.now() - started;
  t.equal(r.status, 4, r.stderr);
  t.match(r.stderr, /earlier results could not be read/);
  t.ok(took < 15_000, `ended after ${took} ms`);
});
