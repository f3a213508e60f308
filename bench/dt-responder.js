// A minimal stand-in for the Dynatrace Metrics API v2 on 127.0.0.1, for the latency
// benchmarks: every POST …/metrics/ingest is answered 202 with the count of its lines.
// The real validation lives in test/support/dt-emulator.ts; here only the round trip matters.
//
//   node bench/dt-responder.js      prints `listening <port>` once ready; stop it by PID

import { createServer } from 'node:http';

const server = createServer((req, res) => {
  let lines = 0;
  let last = 10;
  req.on('data', (chunk) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    last = chunk[chunk.length - 1];
  });
  req.on('end', () => {
    if (last !== 10) lines++;
    const ok = req.method === 'POST' && (req.url ?? '').endsWith('/metrics/ingest');
    res.writeHead(ok ? 202 : 404, { 'content-type': 'application/json' });
    res.end(
      ok
        ? JSON.stringify({ linesOk: lines, linesInvalid: 0, error: null, warnings: null })
        : '{"error":{"code":404,"message":"not found"}}',
    );
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));
