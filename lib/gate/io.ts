// The gate's I/O for a real run: files through node:fs, GETs through the program's HTTP client
// (the same timeout, CA file, proxy and --header settings as the pushes), created on first use.

import { outputFileProblem, readText, SPEC_FILE_LIMITS, writeBoundedText } from '../files.js';
import type { HttpClient } from '../sinks/http/types.js';
import { basicAuthHeader } from '../sinks/http/redact.js';
import { DEFAULTS, type Config } from '../cli/config.js';
import type { Reporter } from '../report/report.js';
import { startGate, type GateContext, type GateIo } from './gate.js';
import type { GateOptions } from './options.js';

/** Bound on an earlier-results answer (every Pushgateway group; a range query's matrix). */
const MAX_HISTORY_BYTES = 32 * 1024 * 1024;

export function gateIo(config: Config, reporter: Reporter, env: Readonly<Record<string, string | undefined>>): GateIo {
  let http: Promise<HttpClient> | undefined;
  // The pushes' client settings (lib/sinks/registry.ts), made on first use.
  const client = (): Promise<HttpClient> =>
    (http ??= import('../sinks/registry.js').then(({ createRunHttpClient }) =>
      createRunHttpClient(config, reporter, env),
    ));
  // The runner's file, not the user's: one that cannot be written (the rule of every output,
  // lib/files.ts) is a warning now and is not written, rather than a refused run.
  const summaryFile = env.GITHUB_STEP_SUMMARY?.trim();
  const summaryProblem = summaryFile ? outputFileProblem('$GITHUB_STEP_SUMMARY', summaryFile) : undefined;
  if (summaryProblem !== undefined) reporter.warn(`${summaryProblem}: the job summary is not written`);
  const summary = summaryProblem === undefined ? summaryFile : undefined;
  return {
    // Non-blocking and bounded (lib/files.ts): a FIFO or /dev/zero is an error, never a hang.
    readText: async (path) => readText(path, SPEC_FILE_LIMITS),
    writeText: (path, text) => writeBoundedText(path, text, { append: false }),
    appendText: (path, text) => writeBoundedText(path, text, { append: true }),
    async get(url, auth) {
      const headers: Record<string, string> = { accept: 'application/json' };
      // The Pushgateway's credentials: registered for masking with the rest (lib/cli/run/secrets.ts).
      if (auth && (auth.username || auth.password))
        headers.authorization = basicAuthHeader(auth.username ?? '', auth.password ?? '');
      const res = await (
        await client()
      ).request({
        method: 'GET',
        url,
        headers,
        deadlineAt: Date.now() + Math.min(config.http.deadlineMs, 3 * config.http.timeoutMs),
        maxBodyBytes: MAX_HISTORY_BYTES,
      });
      // A cut answer would not parse; say why instead.
      if (Buffer.byteLength(res.body) >= MAX_HISTORY_BYTES)
        throw new Error(`the answer of ${url.origin}${url.pathname} is over ${MAX_HISTORY_BYTES / 1048576} MiB`);
      return { status: res.status, body: res.body };
    },
    async close() {
      if (http) await (await http).close();
    },
    now: () => Date.now(),
    ...(summary ? { stepSummaryFile: summary } : {}),
    log: { info: (m) => reporter.info(m), warn: (m) => reporter.warn(m), error: (m) => reporter.error(m) },
    mask: (text) => reporter.redact(text),
  };
}

/** The run's naming, labels and grouping key, as the gate needs them. */
export function gateContext(config: Config): GateContext {
  const pgw = config.pushgateway;
  return {
    prefix: config.prefix,
    integration: config.integration,
    labels: config.labels,
    keptn: config.keptn,
    ci: config.ciGrouping,
    job: pgw?.job ?? DEFAULTS.job,
    grouping: pgw?.grouping ?? [],
    dryRun: config.dryRun,
    ...(config.labels.ci_branch !== undefined ? { branch: config.labels.ci_branch } : {}),
    ...(config.baselineBranch !== undefined ? { baselineBranch: config.baselineBranch } : {}),
    ...(pgw ? { pushgateway: { url: pgw.url, username: pgw.username, password: pgw.password } } : {}),
  };
}

/** startGate for a real run: the run's config, its reporter, process files and HTTP. */
export function startRunGate(
  config: Config & { gate: GateOptions },
  reporter: Reporter,
  env: Readonly<Record<string, string | undefined>>,
): ReturnType<typeof startGate> {
  return startGate(config.gate, gateContext(config), gateIo(config, reporter, env));
}
