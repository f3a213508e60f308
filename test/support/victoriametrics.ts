// A real VictoriaMetrics single-node server (Debian trixie's 1.112, unpacked by .ci/receivers.sh
// into the folder VICTORIA_METRICS_BIN points at). It takes OTLP at /opentelemetry/v1/metrics and
// remote write at /api/v1/write, and answers /api/v1/export and PromQL. Its data lives in a temp
// dir removed on stop; it listens on a free 127.0.0.1 port and is stopped by its PID.
//
//   const vm = await startVictoriaMetrics();
//   t.teardown(() => vm.stop());
//   const rows = await vm.exportSeries('{__name__=~"keptn_.*"}', (r) => r.length === 3);

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startProcess, waitUntilReady } from './process.js';

export const VICTORIA_METRICS_BIN =
  process.env.VICTORIA_METRICS_BIN ?? '/opt/victoria-metrics/usr/bin/victoria-metrics';

/** Why the VictoriaMetrics tests cannot run here, or false: for `t.test(…, { skip })`. */
export function victoriaMetricsMissing(): string | false {
  return existsSync(VICTORIA_METRICS_BIN)
    ? false
    : `no VictoriaMetrics at ${VICTORIA_METRICS_BIN} (run .ci/receivers.sh)`;
}

export interface ExportedSeries {
  metric: Record<string, string>;
  /** The stored values; NaN and ±Inf as JavaScript numbers. */
  values: number[];
  timestamps: number[];
}

export interface RunningVictoriaMetrics {
  url: string;
  pid: number;
  /** GET /api/v1/export?match[]=…: every raw sample of the matching series, sorted by labels. */
  exportSeries(match: string): Promise<ExportedSeries[]>;
  /** Flushes, then polls exportSeries until `done` says yes (bounded; throws with the last result). */
  waitForExport(
    match: string,
    done: (rows: ExportedSeries[]) => boolean,
    timeoutMs?: number,
  ): Promise<ExportedSeries[]>;
  /** Deletes every series (GET /api/v1/admin/tsdb/delete_series), between cases. */
  deleteAll(): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

export async function startVictoriaMetrics(): Promise<RunningVictoriaMetrics> {
  const dir = await mkdtemp(join(tmpdir(), 'jes-victoriametrics-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const proc = startProcess(VICTORIA_METRICS_BIN, [
      `-storageDataPath=${join(dir, `data${attempt}`)}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      // Samples of any age are kept and shown: the tests write "now" and read it back at once.
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-loggerLevel=ERROR',
      // Its own metrics would otherwise be written into the store every 10 s.
      '-selfScrapeInterval=0',
    ]);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(proc, `${url}/health`, {}, 30000);
    } catch (err) {
      lastError = err;
      await proc.stop();
      continue;
    }
    const get = async (path: string): Promise<string> => {
      const res = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10000) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`GET ${path} -> ${res.status}: ${text}`);
      return text;
    };
    const exportSeries = async (match: string): Promise<ExportedSeries[]> => {
      const text = await get(`/api/v1/export?match[]=${encodeURIComponent(match)}`);
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map(parseExportLine)
        .sort((a, b) => cmp(JSON.stringify(sortedObject(a.metric)), JSON.stringify(sortedObject(b.metric))));
    };
    return {
      url,
      pid: proc.pid,
      exportSeries,
      async waitForExport(match, done, timeoutMs = 30000) {
        const until = Date.now() + timeoutMs;
        let last: ExportedSeries[] = [];
        while (Date.now() < until) {
          // New data becomes searchable after a short delay; force_flush makes it so at once.
          await get('/internal/force_flush');
          last = await exportSeries(match);
          if (done(last)) return last;
          await sleep(250);
        }
        throw new Error(
          `${match}: not there within ${timeoutMs} ms; last result ${JSON.stringify(last).slice(0, 2000)}\n${proc.output()}`,
        );
      },
      async deleteAll() {
        await get(`/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('{__name__=~".+"}')}`);
      },
      log: () => proc.output(),
      async stop() {
        await proc.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** One line of /api/v1/export: JSON, ±Inf written as the strings "Infinity" and "-Infinity". */
export function parseExportLine(line: string): ExportedSeries {
  const raw = JSON.parse(line) as {
    metric: Record<string, string>;
    values: Array<number | string>;
    timestamps: number[];
  };
  const values = raw.values.map((v) => (typeof v === 'number' ? v : Number(v)));
  return { metric: raw.metric, values, timestamps: raw.timestamps };
}

function sortedObject(o: Record<string, string>): Array<[string, string]> {
  return Object.entries(o).sort(([a], [b]) => cmp(a, b));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
