// Pushes series with the real Pushgateway backend and the real HTTP client, capturing what
// the program would say on stderr. For the Pushgateway integration tests.

import { createPushgatewayBackend } from '../../lib/sinks/pushgateway/sink.js';
import { pushgatewaySecrets } from '../../lib/sinks/pushgateway/settings.js';
import type { BackendOutcome } from '../../lib/sinks/backend.js';
import type { PushgatewayConfig } from '../../lib/cli/config.js';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import { fullMetricName } from '../../lib/store/metric-name.js';
import { Reporter } from '../../lib/report/report.js';
import type { Series } from '../../lib/store/series.js';

export interface PushSetup {
  url: URL;
  integration: string;
  keptn?: { project?: string; stage?: string; service?: string };
  job?: string;
  method?: 'PUT' | 'POST';
  grouping?: Array<[string, string]>;
  username?: string;
  password?: string;
  /** --header pairs, given to the HTTP client as the CLI does. */
  headers?: Array<[string, string]>;
}

export interface PushResult {
  outcome: BackendOutcome;
  /** Everything the reporter wrote (stderr in the real program). */
  stderr: string;
}

export async function pushSeries(setup: PushSetup, series: readonly Series[], final = true): Promise<PushResult> {
  let stderr = '';
  const reporter = new Reporter({ verbosity: 'verbose', write: (text) => (stderr += text) });
  const http = createHttpClient({
    timeoutMs: 5000,
    userAgent: 'jes-metrics-pipe/test',
    reporter,
    headers: setup.headers ?? [],
    retry: { baseMs: 10, maxMs: 20, maxAttempts: 2 },
    env: {},
  });
  const cfg: PushgatewayConfig = {
    url: setup.url,
    job: setup.job ?? 'job-executor-service',
    method: setup.method ?? 'PUT',
    grouping: setup.grouping ?? [],
    ...(setup.username !== undefined ? { username: setup.username } : {}),
    ...(setup.password !== undefined ? { password: setup.password } : {}),
  };
  // As run() does for every secret of the config (lib/cli/run/secrets.ts).
  for (const secret of pushgatewaySecrets(cfg)) reporter.addSecret(secret);
  try {
    const backend = createPushgatewayBackend(
      cfg,
      { integration: setup.integration, keptn: setup.keptn ?? {} },
      { http, reporter },
    );
    const outcome = await backend.push(series, { deadlineAt: Date.now() + 10000, final });
    return { outcome, stderr };
  } finally {
    await http.close();
  }
}

/**
 * The series a run would hold: `keptn_<integration>_<name>` with the context labels the CLI
 * adds (ci_platform and the Keptn labels that are set) plus the given ones.
 */
export function runSeries(
  integration: string,
  keptn: { project?: string; stage?: string; service?: string },
  metrics: Array<{ name: string; value: number; labels?: Record<string, string>; type?: Series['type'] }>,
): Series[] {
  const context: Record<string, string> = { ci_platform: 'keptn' };
  if (keptn.project !== undefined) context.keptn_project = keptn.project;
  if (keptn.stage !== undefined) context.keptn_stage = keptn.stage;
  if (keptn.service !== undefined) context.keptn_service = keptn.service;
  return metrics.map((m) => ({
    name: fullMetricName('keptn_', integration, m.name),
    labels: { ...context, ...(m.labels ?? {}) },
    value: m.value,
    type: m.type ?? 'gauge',
  }));
}
