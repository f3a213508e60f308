// What every backend (pushgateway, dynatrace, dry-run) offers the run.

import type { Series } from '../store/series.js';

export interface BackendOutcome {
  /** `pushgateway`, `dynatrace`, `dry-run`. */
  backend: string;
  /** True when the backend accepted everything that was sent. */
  ok: boolean;
  /** For the summary line, e.g. `200, 12 series` or `202, 12 ok, 0 invalid`. */
  summary: string;
}

export interface PushOptions {
  /** Epoch milliseconds after which no request is started or retried (--deadline). */
  deadlineAt: number;
  /** False for the periodic pushes of --flush-interval, true for the last one. */
  final: boolean;
  /**
   * Merge into what the backend holds instead of replacing it (a Pushgateway POST rather than
   * PUT): a failed wrap-mode run must not delete the last success's timestamp.
   */
  merge?: boolean;
}

export interface Backend {
  readonly name: string;
  /** Sends the series (possibly in several requests) and reports; never throws. */
  push(series: readonly Series[], opts: PushOptions): Promise<BackendOutcome>;
  /** Loads what push() will need (an encoder's library) before it is called; sends nothing, never throws. */
  prepare?(): Promise<void>;
}
