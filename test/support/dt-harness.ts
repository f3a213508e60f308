// The Dynatrace backend wired to the emulator with the real HTTP client, and the reporter's
// output captured, for the integration tests.

import { dynatraceIngestUrl } from '../../lib/sinks/dynatrace/settings.js';
import { createDynatraceBackend } from '../../lib/sinks/dynatrace/sink.js';
import { dynatraceSecrets } from '../../lib/sinks/dynatrace/settings.js';
import type { Backend } from '../../lib/sinks/backend.js';
import { createHttpClient } from '../../lib/sinks/http/client.js';
import { type HttpClient } from '../../lib/sinks/http/types.js';
import { Reporter } from '../../lib/report/report.js';
import { USER_AGENT } from '../../lib/version.js';
import { startDtEmulator, type DtEmulator, type DtEmulatorOptions } from './dt-emulator.js';

export interface DtHarness {
  dt: DtEmulator;
  backend: Backend;
  http: HttpClient;
  /** Everything the reporter wrote (stderr in the real program). */
  output: string[];
  text(): string;
}

/** Only what setup needs of a tap test: somewhere to register cleanup. */
export interface WithTeardown {
  teardown(fn: () => unknown): void;
}

export async function startDtHarness(
  t: WithTeardown,
  opts: {
    emulator?: DtEmulatorOptions;
    token?: string | null;
    path?: string;
    timeoutMs?: number;
    verbosity?: 'quiet' | 'normal' | 'verbose';
  } = {},
): Promise<DtHarness> {
  const dt = await startDtEmulator(opts.emulator);
  const output: string[] = [];
  const reporter = new Reporter({
    verbosity: opts.verbosity ?? 'normal',
    write: (s) => output.push(s),
    budget: 1 << 20,
  });
  const http = createHttpClient({
    timeoutMs: opts.timeoutMs ?? 2000,
    userAgent: USER_AGENT,
    retry: { baseMs: 10, maxMs: 50, maxAttempts: 3 },
    reporter,
  });
  t.teardown(async () => {
    await http.close();
    await dt.close();
  });
  const parsed = dynatraceIngestUrl(`${dt.url}${opts.path ?? ''}`);
  if ('error' in parsed) throw new Error(parsed.error);
  const token = opts.token === null ? undefined : (opts.token ?? dt.token);
  const cfg = token === undefined ? { url: parsed.url } : { url: parsed.url, token };
  // As run() does for every secret of the config (lib/cli/run/secrets.ts).
  for (const secret of dynatraceSecrets(cfg)) reporter.addSecret(secret);
  const backend = createDynatraceBackend(cfg, { http, reporter });
  return { dt, backend, http, output, text: () => output.join('') };
}

export const push = { deadlineAt: Number.MAX_SAFE_INTEGER, final: true } as const;
