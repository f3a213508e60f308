// A real Prometheus Pushgateway (Debian's /usr/bin/prometheus-pushgateway) for tests.
//
//   const pgw = await startPushgateway();
//   t.teardown(() => pgw.stop());          // always, even when the test fails
//   … push to pgw.url …
//   t.same(await pgw.series(), [...]);     // what the gateway holds, push-time metrics left out
//   await pgw.wipe();                      // between cases
//
// It listens on a free 127.0.0.1 port, keeps nothing on disk (--persistence.file=), has the
// admin API for wipe, and is stopped by its PID. With `webConfigFile` (see basicAuthWebConfig)
// every endpoint wants basic auth; pass `credentials` so the helper's own requests get in.

import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, startProcess, waitUntilReady } from './process.js';

export const PUSHGATEWAY_BIN = process.env.PUSHGATEWAY_BIN ?? '/usr/bin/prometheus-pushgateway';

export interface StoredSample {
  labels: Record<string, string>;
  /** As the gateway's JSON API writes it: "1", "NaN", "+Inf", "1.5e+21". */
  value: string;
}

export interface StoredFamily {
  /** GAUGE, COUNTER, UNTYPED, … */
  type: string;
  help?: string;
  metrics: StoredSample[];
}

export interface StoredGroup {
  /** The grouping key (job plus the path's labels). */
  labels: Record<string, string>;
  lastPushSuccessful: boolean;
  /** Every family of the group, push_time_seconds and push_failure_time_seconds included. */
  families: Record<string, StoredFamily>;
}

/** One stored series, flattened; push_time_seconds and push_failure_time_seconds left out. */
export interface StoredSeries {
  name: string;
  type: string;
  labels: Record<string, string>;
  value: string;
}

export interface PushgatewayOptions {
  /** An exporter-toolkit web config (TLS, basic_auth_users). */
  webConfigFile?: string;
  /** Sent by the helper's own requests (ready, wipe, groups, scrape) when basic auth is on. */
  credentials?: { username: string; password: string };
}

export interface RunningPushgateway {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  pid: number;
  /** Empties the store (PUT /api/v1/admin/wipe). */
  wipe(): Promise<void>;
  /** GET /api/v1/metrics, parsed, groups sorted by their labels. */
  groups(): Promise<StoredGroup[]>;
  /** Every stored series except the push-time metrics, sorted by name then labels. */
  series(): Promise<StoredSeries[]>;
  /** GET /metrics: what Prometheus would scrape. */
  scrape(): Promise<string>;
  /** The gateway's log (last 8 KB), for failure messages. */
  log(): string;
  stop(): Promise<void>;
}

const PUSH_TIME_FAMILIES = new Set(['push_time_seconds', 'push_failure_time_seconds']);

export async function startPushgateway(opts: PushgatewayOptions = {}): Promise<RunningPushgateway> {
  const headers: Record<string, string> = {};
  if (opts.credentials) {
    headers.authorization = `Basic ${Buffer.from(`${opts.credentials.username}:${opts.credentials.password}`).toString('base64')}`;
  }
  // The free port can be taken between the probe and the bind: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const args = [
      `--web.listen-address=127.0.0.1:${port}`,
      '--persistence.file=',
      '--web.enable-admin-api',
      '--log.level=warn',
    ];
    if (opts.webConfigFile) args.push(`--web.config.file=${opts.webConfigFile}`);
    const proc = startProcess(PUSHGATEWAY_BIN, args);
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntilReady(proc, `${url}/-/ready`, headers);
    } catch (err) {
      lastError = err;
      await proc.stop();
      continue;
    }
    const call = async (method: string, path: string): Promise<string> => {
      const res = await fetch(`${url}${path}`, { method, headers, signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
      return text;
    };
    const groups = async (): Promise<StoredGroup[]> => parseGroups(await call('GET', '/api/v1/metrics'));
    return {
      url,
      port,
      pid: proc.pid,
      wipe: async () => {
        await call('PUT', '/api/v1/admin/wipe');
      },
      groups,
      series: async () => flattenSeries(await groups()),
      scrape: () => call('GET', '/metrics'),
      log: () => proc.output(),
      stop: () => proc.stop(),
    };
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

interface ApiGroup {
  labels: Record<string, string>;
  last_push_successful: boolean;
  [family: string]: unknown;
}

function parseGroups(json: string): StoredGroup[] {
  const parsed = JSON.parse(json) as { status: string; data: ApiGroup[] };
  if (parsed.status !== 'success') throw new Error(`/api/v1/metrics: ${json}`);
  const groups = parsed.data.map((g) => {
    const families: Record<string, StoredFamily> = {};
    for (const [key, val] of Object.entries(g)) {
      if (key === 'labels' || key === 'last_push_successful') continue;
      const fam = val as { type: string; help?: string; metrics: StoredSample[] };
      families[key] = {
        type: fam.type,
        ...(fam.help !== undefined ? { help: fam.help } : {}),
        metrics: fam.metrics.map((m) => ({ labels: m.labels, value: m.value })),
      };
    }
    return { labels: g.labels, lastPushSuccessful: g.last_push_successful, families };
  });
  return groups.sort((a, b) => cmp(labelText(a.labels), labelText(b.labels)));
}

function flattenSeries(groups: readonly StoredGroup[]): StoredSeries[] {
  const out: StoredSeries[] = [];
  for (const g of groups) {
    for (const [name, fam] of Object.entries(g.families)) {
      if (PUSH_TIME_FAMILIES.has(name)) continue;
      for (const m of fam.metrics) out.push({ name, type: fam.type, labels: m.labels, value: m.value });
    }
  }
  return out.sort((a, b) => cmp(a.name, b.name) || cmp(labelText(a.labels), labelText(b.labels)));
}

/** `{a="1",b="2"}` with sorted names: a stable text for sorting and messages. */
export function labelText(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(',')}}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const execFileAsync = promisify(execFile);

/**
 * Writes a web config with one basic-auth user (bcrypt via `htpasswd -nbB`) into a fresh temp
 * dir. Returns the file and a cleanup function.
 */
export async function basicAuthWebConfig(
  username: string,
  password: string,
): Promise<{ file: string; cleanup(): Promise<void> }> {
  const { stdout } = await execFileAsync('htpasswd', ['-nbBC', '5', username, password]);
  const hash = stdout.trim().split(':').slice(1).join(':');
  const dir = await mkdtemp(join(tmpdir(), 'jes-pgw-web-'));
  const file = join(dir, 'web.yml');
  await writeFile(file, `basic_auth_users:\n  ${JSON.stringify(username)}: ${JSON.stringify(hash)}\n`);
  return { file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
