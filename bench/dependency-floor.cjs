// The floor for the small job with the libraries jes-metrics-pipe pushes with: what the least
// program that uses undici (its Agent and request API, loaded from their own files as
// lib/sinks/http/undici.ts does) and prom-client (Registry and Gauge, as lib/sinks/pushgateway/serialize.ts)
// takes for the same job as bench/minimal-push.js. The gap between the two rows is what these
// libraries cost a run; the gap between this row and jes-metrics-pipe's is ours.
// Configured like the Python parent script: PROM_GATEWAY (host:port), DT_TENANT, DT_API_TOKEN.
'use strict';

// As lib/sinks/registry.ts: the baseline WebAssembly compiler for undici's HTTP parser.
require('node:v8').setFlagsFromString('--liftoff-only');
const Agent = require('undici/lib/dispatcher/agent.js');
const request = require('undici/lib/api/api-request.js');
const Registry = require('prom-client/lib/registry.js');
const Gauge = require('prom-client/lib/gauge.js');

// The reading is bench/minimal-push.js's, line for line: the two floors differ only in how they push.
const METRIC_LINE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*$/;
const metrics = new Map();
let rest = '';
process.stdin.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (rest + chunk.toString('utf8')).split('\n');
  rest = lines.pop() ?? '';
  for (const line of lines) {
    const m = METRIC_LINE.exec(line);
    if (m) metrics.set(m[1], Number(m[2]));
  }
});
process.stdin.on('end', async () => {
  const m = METRIC_LINE.exec(rest);
  if (m) metrics.set(m[1], Number(m[2]));
  // Names of its own (keptn_floor_…), so it never collides with the other pushers.
  const registry = new Registry();
  for (const [k, v] of metrics) {
    new Gauge({ name: `keptn_floor_${k}`, help: 'floor', labelNames: ['ci_platform'], registers: [registry] }).set(
      { ci_platform: 'keptn' },
      v,
    );
  }
  const prom = await registry.metrics();
  const dt = [...metrics].map(([k, v]) => `keptn_floor_${k},ci_platform=keptn gauge,${v}\n`).join('');
  const agent = new Agent();
  const send = async (url, method, body, headers = {}) => {
    const u = new URL(url);
    const res = await request.call(agent, {
      origin: u.origin,
      path: u.pathname,
      method,
      body,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
    });
    await res.body.text();
    return res.statusCode;
  };
  const statuses = await Promise.all([
    send(`http://${process.env.PROM_GATEWAY}/metrics/job/job-executor-service/integration/floor`, 'PUT', prom),
    send(`${process.env.DT_TENANT}/api/v2/metrics/ingest`, 'POST', dt, {
      authorization: `Api-Token ${process.env.DT_API_TOKEN}`,
    }),
  ]);
  process.stderr.write(`${statuses.join(' ')}\n`);
  await agent.close();
  process.exit(0);
});
