// A real Prometheus server (Debian's /usr/bin/prometheus) scraping one target every second,
// with `honor_labels: true` as a Pushgateway scrape needs (otherwise job and instance become
// exported_job and exported_instance), and/or a remote-write receiver. Config and TSDB live in
// a temp dir removed on stop.
//
//   const prom = await startPrometheus({ scrapeTarget: pgw.url });
//   t.teardown(() => prom.stop());
//   const result = await prom.waitFor('keptn_k6_rps', (r) => r.length > 0);

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startProcess, waitUntilReady, type ServerProcess } from './process.js';

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface PromSample {
  metric: Record<string, string>;
  /** The sample value as Prometheus writes it ("42.5", "NaN", "+Inf"). */
  value: string;
}

export interface RunningPrometheus {
  url: string;
  pid: number;
  /** An instant query through the HTTP API (GET /api/v1/query); vector results only. */
  query(promql: string): Promise<PromSample[]>;
  /** Polls query() every 250 ms until `done` says yes; throws after `timeoutMs` with the last result. */
  waitFor(promql: string, done: (result: PromSample[]) => boolean, timeoutMs?: number): Promise<PromSample[]>;
  stop(): Promise<void>;
}

/**
 * `scrapeTarget`: a Pushgateway to scrape. `remoteWriteReceiver`: accept remote write at
 * /api/v1/write (--web.enable-remote-write-receiver), with or without a target.
 */
export async function startPrometheus(opts: {
  scrapeTarget?: string;
  remoteWriteReceiver?: boolean;
}): Promise<RunningPrometheus> {
  const dir = await mkdtemp(join(tmpdir(), 'jes-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  const global = ['global:', '  scrape_interval: 1s', '  scrape_timeout: 1s', '  evaluation_interval: 1s'];
  await writeFile(
    config,
    opts.scrapeTarget === undefined ? `${global.join('\n')}\n` : scrapeConfig(global, new URL(opts.scrapeTarget)),
  );
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = startProcess(PROMETHEUS_BIN, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, `data${attempt}`)}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      ...(opts.remoteWriteReceiver ? ['--web.enable-remote-write-receiver'] : []),
    ]);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(proc, `${url}/-/ready`, {}, 30000);
    } catch (err) {
      lastError = err;
      await proc.stop();
      continue;
    }
    return running(url, proc, dir);
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

function scrapeConfig(global: string[], target: URL): string {
  return [
    ...global,
    'scrape_configs:',
    '  - job_name: pushgateway',
    '    honor_labels: true',
    `    scheme: ${target.protocol.replace(':', '')}`,
    `    metrics_path: ${JSON.stringify(`${target.pathname.replace(/\/+$/, '')}/metrics`)}`,
    '    static_configs:',
    `      - targets: [${JSON.stringify(target.host)}]`,
    '',
  ].join('\n');
}

function running(url: string, proc: ServerProcess, dir: string): RunningPrometheus {
  const query = async (promql: string): Promise<PromSample[]> => {
    const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    };
    if (body.status !== 'success' || !body.data) throw new Error(`query ${promql}: ${body.error ?? res.status}`);
    if (body.data.resultType !== 'vector') throw new Error(`query ${promql}: a ${body.data.resultType}, not a vector`);
    return body.data.result.map((r) => ({ metric: r.metric, value: r.value[1] }));
  };
  return {
    url,
    pid: proc.pid,
    query,
    async waitFor(promql, done, timeoutMs = 20000) {
      const until = Date.now() + timeoutMs;
      let last: PromSample[] = [];
      while (Date.now() < until) {
        last = await query(promql);
        if (done(last)) return last;
        await sleep(250);
      }
      throw new Error(
        `${promql}: not there within ${timeoutMs} ms; last result ${JSON.stringify(last)}\n${proc.output()}`,
      );
    },
    async stop() {
      await proc.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
