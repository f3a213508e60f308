// The configured backends as one: created on first use (so startup loads no HTTP code a run
// does not need), pushed in parallel (one failing never stops the other), each bounded by the
// deadline — a backend still busy past it is given up on, so a job never hangs on us.

import type { Config, Env } from '../cli/config.js';
import type { HttpClient } from './http/types.js';
import type { Reporter } from '../report/report.js';
import type { Series } from '../store/series.js';
import { USER_AGENT } from '../version.js';
import type { Backend, BackendOutcome } from './backend.js';

/** How long past --deadline we wait for a backend before we stop waiting. */
const DEADLINE_GRACE_MS = 2000;

export interface PushAllOptions {
  /** The push at the end of input (a periodic --flush-interval push is not final). */
  final: boolean;
  /** POST (merge into the group) instead of the configured method: a failed wrap-mode run. */
  merge?: boolean;
  /** Epoch ms: no attempt starts after it (--deadline). Default: now + --deadline. */
  deadlineAt?: number;
}

export class ConfiguredBackends {
  /** True when the backends could not be set up: a configuration error (exit 2). */
  setupFailed = false;
  #list: Promise<Backend[]> | undefined;
  #http: HttpClient | undefined;

  constructor(
    readonly config: Config,
    readonly reporter: Reporter,
    /** Where proxy and CA variables are read from (run()'s env). */
    readonly env: Env,
    /** The run's stderr, where --dry-run prints the payloads when no --dry-run-file is named. */
    readonly writeStderr: (text: string) => void,
  ) {}

  /** True when nothing is configured to receive the metrics (no backend and no --dry-run). */
  get none(): boolean {
    return (
      !this.config.dryRun &&
      this.config.pushgateway === undefined &&
      this.config.dynatrace === undefined &&
      this.config.otlp === undefined &&
      this.config.remoteWrite.length === 0
    );
  }

  async pushAll(series: readonly Series[], opts: PushAllOptions): Promise<BackendOutcome[]> {
    const { final, merge = false, deadlineAt = Date.now() + this.config.http.deadlineMs } = opts;
    const backends = await this.#backends();
    if (!final && this.config.dryRun) return [];
    series = this.#masked(series);
    const outcomes = await Promise.all(
      backends.map((b) =>
        withGuard(b.push(series, { deadlineAt, final, merge }), deadlineAt + DEADLINE_GRACE_MS, b.name).catch(
          (err: Error): BackendOutcome => ({
            backend: b.name,
            ok: false,
            summary: `failed: ${err.message}`,
          }),
        ),
      ),
    );
    if (!final)
      for (const o of outcomes)
        if (!o.ok) this.reporter.warnOnce(`flush:${o.backend}`, `periodic push to ${o.backend} failed: ${o.summary}`);
    return outcomes;
  }

  /** The series with every registered secret in a label value replaced by `***` (said once). */
  #masked(series: readonly Series[]): readonly Series[] {
    let changed = false;
    const out = series.map((s) => {
      let labels: Record<string, string> | undefined;
      for (const [k, v] of Object.entries(s.labels)) {
        const m = this.reporter.maskValue(v);
        if (m === v) continue;
        labels ??= { ...s.labels };
        labels[k] = m;
        this.reporter.warnOnce(`masked-label:${k}`, `a credential reached the label ${k} of ${s.name}: sent as ***`);
      }
      if (!labels) return s;
      changed = true;
      return { ...s, labels };
    });
    return changed ? out : series;
  }

  /**
   * Loads now what the push will need (the backends' modules, the HTTP client and undici, each
   * backend's own libraries), while the input is still coming: in `tool | jes-metrics-pipe`
   * that happens during the tool's run instead of after its end (docs/decisions/start-up.md).
   * Sends nothing; what fails here is met, and reported, by the push.
   */
  prepare(): void {
    void this.#backends()
      .then((list) => Promise.all([this.#http?.prepare?.(), ...list.map((b) => b.prepare?.())]))
      .catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.#http?.close();
  }

  /** Created once, by the first of prepare(), a periodic push and the final push. */
  #backends(): Promise<Backend[]> {
    return (this.#list ??= this.#create());
  }

  async #create(): Promise<Backend[]> {
    const { config, reporter } = this;
    const list: Backend[] = [];
    if (config.dryRun) {
      const { createDryRunBackend } = await import('./dry-run/sink.js');
      list.push(createDryRunBackend(config, reporter, this.writeStderr));
    } else if (config.pushgateway || config.dynatrace || config.otlp || config.remoteWrite.length > 0) {
      let http: HttpClient;
      try {
        http = await createRunHttpClient(config, reporter, this.env);
      } catch (err) {
        // e.g. a CA file that became unreadable since the flags were checked.
        reporter.error(`cannot set up HTTP: ${(err as Error).message}`);
        this.setupFailed = true;
        return [];
      }
      this.#http = http;
      if (config.pushgateway) {
        const { createPushgatewayBackend } = await import('./pushgateway/sink.js');
        list.push(
          createPushgatewayBackend(
            config.pushgateway,
            { integration: config.integration, keptn: config.keptn, ci: config.ciGrouping },
            { http, reporter },
          ),
        );
      }
      if (config.dynatrace) {
        const { createDynatraceBackend } = await import('./dynatrace/sink.js');
        list.push(createDynatraceBackend(config.dynatrace, { http, reporter }));
      }
      // The encoders (protobufjs, snappyjs) come with these modules: only runs that use them load them.
      if (config.otlp) {
        const { createOtlpBackend } = await import('./otlp/sink.js');
        list.push(createOtlpBackend(config.otlp, { labels: config.labels }, { http, reporter }));
      }
      if (config.remoteWrite.length > 0) {
        const { createRemoteWriteBackend, remoteWriteName } = await import('./remote-write/sink.js');
        config.remoteWrite.forEach((rw, i) =>
          list.push(createRemoteWriteBackend(rw, remoteWriteName(i, config.remoteWrite.length), { http, reporter })),
        );
      }
    }
    return list;
  }
}

/**
 * The HTTP client of a run: --timeout, --ca-file, --insecure and --header for every request it
 * sends (the pushes, the quality gate's reads). Throws when the CA file cannot be read.
 */
export async function createRunHttpClient(config: Config, reporter: Reporter, env: Env): Promise<HttpClient> {
  // undici parses HTTP with llhttp compiled to WebAssembly, which V8 re-compiles with TurboFan on
  // background threads; process.exit() waits for that (about 300 ms measured, docs/decisions/start-up.md).
  // The baseline compiler alone is plenty for a handful of requests.
  process.getBuiltinModule('node:v8').setFlagsFromString('--liftoff-only');
  const { createHttpClient } = await import('./http/client.js');
  const { timeoutMs, caFile, insecure, headers } = config.http;
  return createHttpClient({ timeoutMs, caFile, insecure, userAgent: USER_AGENT, headers, reporter, env });
}

/** Resolves with the push, or rejects when it is still running at `until`: a job must never hang on us. */
function withGuard<T>(work: Promise<T>, until: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} did not finish by the deadline; gave up`)),
      Math.max(0, until - Date.now()),
    );
    timer.unref();
  });
  return Promise.race([work, guard]).finally(() => clearTimeout(timer));
}
