// The floor for the small-job latency: the least a Node program can do for the same job.
// Reads stdin, passes it through, takes `name=value` lines with one regex, and pushes them
// to the Pushgateway (PUT) and Dynatrace (POST) with bare node:http, in parallel.
// Configured like the Python parent script: PROM_GATEWAY (host:port), DT_TENANT, DT_API_TOKEN.

import { request } from 'node:http';

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
  // Names of its own (keptn_min_…) and a group of its own, so it never collides with the other pushers.
  const prom = [...metrics]
    .map(([k, v]) => `# TYPE keptn_min_${k} gauge\nkeptn_min_${k}{ci_platform="keptn"} ${v}\n`)
    .join('');
  const dt = [...metrics].map(([k, v]) => `keptn_min_${k},ci_platform=keptn gauge,${v}\n`).join('');
  const gw = new URL(`http://${process.env.PROM_GATEWAY}`);
  const tenant = new URL(process.env.DT_TENANT);
  const statuses = await Promise.all([
    send(
      { host: gw.hostname, port: gw.port, method: 'PUT', path: '/metrics/job/job-executor-service/integration/min' },
      prom,
    ),
    send(
      {
        host: tenant.hostname,
        port: tenant.port,
        method: 'POST',
        path: '/api/v2/metrics/ingest',
        headers: { authorization: `Api-Token ${process.env.DT_API_TOKEN}` },
      },
      dt,
    ),
  ]);
  process.stderr.write(`${statuses.join(' ')}\n`);
});

function send(options, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      { ...options, headers: { 'content-type': 'text/plain; charset=utf-8', ...(options.headers ?? {}) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
