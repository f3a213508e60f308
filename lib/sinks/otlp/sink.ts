// The OTLP/HTTP metrics backend (opentelemetry-specification protocol/otlp.md): one POST of an
// ExportMetricsServiceRequest in protobuf, gzip-compressed, to the metrics endpoint. A 2xx may
// carry a partial success (rejected data points and a message): reported like Dynatrace's
// invalid lines. 429/502/503/504 are retried by the HTTP layer (with Retry-After), as OTLP asks.

import type { HttpClient } from '../http/types.js';
import { redactUrl } from '../http/redact.js';
import { postPayload, shortAnswer } from '../http/post.js';
import type { Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';
import { VERSION } from '../../version.js';
import type { Backend, BackendOutcome, PushOptions } from '../backend.js';
import type { OtlpConfig } from './settings.js';
import {
  decodeOtlpResponse,
  describeOtlpRequest,
  encodeOtlpRequest,
  otlpMetrics,
  type OtlpEncodeOptions,
  type PartialSuccess,
} from './serialize.js';
import { decodeRpcStatus } from './rpc-status.js';
import { DeltaTracker } from './delta.js';

export const CONTENT_TYPE = 'application/x-protobuf';
export const SCOPE = { name: 'jes-metrics-pipe', version: VERSION } as const;

/** OTLP/HTTP's retryable statuses (protocol/otlp.md, "Failures"): 429, 502, 503, 504. */
export function isOtlpRetryable(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

export interface OtlpRunContext {
  /** The run's context labels (ci_platform, keptn_*, --label): resource attributes. */
  labels: Readonly<Record<string, string>>;
}

export interface OtlpRequest {
  url: URL;
  headers: Record<string, string>;
  /** Uncompressed protobuf. */
  body: Uint8Array;
  /** What --dry-run prints and a failed push shows: no timestamps. */
  text: string;
  metrics: number;
  points: number;
}

/** The resource: service.name and OTEL_RESOURCE_ATTRIBUTES, then the context labels not set there. */
export function otlpResource(cfg: Pick<OtlpConfig, 'resource'>, ctx: OtlpRunContext): Array<readonly [string, string]> {
  const out = new Map<string, string>(cfg.resource);
  for (const [k, v] of Object.entries(ctx.labels)) if (!out.has(k)) out.set(k, v);
  return [...out.entries()];
}

/** Also what --dry-run prints, so what is printed is what would be sent. */
/** `startMs`: the start of the interval the sums cover (the run's start, or the last delta push). */
export async function buildOtlpRequest(
  series: readonly Series[],
  cfg: OtlpConfig,
  ctx: OtlpRunContext,
  timeMs: number,
  startMs: number = performance.timeOrigin,
): Promise<OtlpRequest> {
  const opts: OtlpEncodeOptions = {
    resource: otlpResource(cfg, ctx),
    scope: SCOPE,
    temporality: cfg.temporality,
    context: ctx.labels,
    timeMs,
    // Cumulative sums count from the start of this process: the run whose numbers they are.
    startMs,
  };
  const metrics = otlpMetrics(series, ctx.labels);
  const headers: Record<string, string> = {};
  for (const [k, v] of cfg.headers) headers[k] = v;
  headers['content-type'] = CONTENT_TYPE;
  if (cfg.gzip) headers['content-encoding'] = 'gzip';
  return {
    url: cfg.url,
    headers,
    body: await encodeOtlpRequest(series, opts),
    text: describeOtlpRequest(series, opts),
    metrics: metrics.length,
    points: metrics.reduce((n, m) => n + m.points.length, 0),
  };
}

/** What an OTLP receiver answered: the body as text and as bytes, and what it says the body is. */
interface OtlpAnswer {
  body: string;
  bytes?: Uint8Array | undefined;
  contentType: string;
}

/** A 2xx answer: accepted, with or without a receiver warning, or partly rejected. */
async function acceptedOutcome(a: {
  where: string;
  status: number;
  answer: OtlpAnswer;
  request: OtlpRequest;
  reporter: Reporter;
  final: boolean | undefined;
}): Promise<BackendOutcome> {
  const { where, status, request, reporter } = a;
  const outcome = (ok: boolean, summary: string): BackendOutcome => ({ backend: 'otlp', ok, summary });
  const partial = await partialSuccess(a.answer);
  const rejected = partial?.rejectedDataPoints ?? 0;
  const message = partial?.errorMessage ? shortAnswer(partial.errorMessage) : '';
  if (rejected > 0) {
    const counts = partialCounts(request.points, rejected);
    reporter.error(`${where} -> ${status}: ${counts.said}${message ? `: ${message}` : ''}`);
    if (a.final) printUnsent(reporter, request);
    return outcome(false, `${status}, ${counts.ok} ok, ${counts.rejected} rejected`);
  }
  // A message with nothing rejected is a warning from the receiver (protocol/otlp.md).
  if (message) reporter.warnOnce(`otlp:warning:${message}`, `${where} -> ${status}: receiver warning: ${message}`);
  return outcome(true, `${status}, ${request.points} series`);
}

// A factory whose push() shares the delta state (lib/sinks/otlp/delta.ts)
// across --flush-interval pushes; the encoding is lib/sinks/otlp/serialize.ts (pure).
export function createOtlpBackend(
  cfg: OtlpConfig,
  ctx: OtlpRunContext,
  deps: { http: HttpClient; reporter: Reporter },
): Backend {
  const { http, reporter } = deps;
  for (const [, v] of cfg.headers) reporter.addSecret(v);
  reporter.addSecret(cfg.url.password ? decodeURIComponent(cfg.url.password) : undefined);
  const where = `otlp POST ${redactUrl(cfg.url)}`;
  const delta = cfg.temporality === 'delta' ? new DeltaTracker(performance.timeOrigin) : undefined;

  return {
    name: 'otlp',
    async push(series: readonly Series[], opts: PushOptions): Promise<BackendOutcome> {
      const outcome = (ok: boolean, summary: string): BackendOutcome => ({ backend: 'otlp', ok, summary });
      const now = Date.now();
      // The values as sent: the store updates its series in place while the POST is out (a
      // periodic push), and the tracker must remember what this push delivered, not what the
      // series hold when the answer comes (that lost an increase: 10 + 0 + 0 for a total of 25).
      const sent = delta ? series.map((s) => ({ ...s })) : series;
      const request = delta
        ? await buildOtlpRequest(delta.deltas(sent), cfg, ctx, now, delta.since)
        : await buildOtlpRequest(series, cfg, ctx, now);
      if (request.points === 0) return outcome(true, 'nothing to push, 0 series');
      const { gzipSync } = process.getBuiltinModule('node:zlib');
      const body = cfg.gzip ? gzipSync(request.body) : request.body;
      reporter.verbose(
        `${where}: ${request.points} data points in ${request.metrics} metrics, ${body.byteLength} bytes`,
      );

      const res = await postPayload(http, reporter, 'otlp', {
        url: cfg.url,
        headers: request.headers,
        body,
        deadlineAt: opts.deadlineAt,
        retryStatus: isOtlpRetryable,
      });
      if ('failed' in res) {
        if (opts.final) printUnsent(reporter, request);
        return outcome(false, `failed (${res.failed}), ${request.points} series not pushed`);
      }
      // OTLP's answer is protobuf (a partial success, a google.rpc.Status) or, from some receivers, JSON or text:
      // its bytes and content type are kept.
      const { status } = res;
      const type = res.headers['content-type'];
      const answer: OtlpAnswer = {
        body: res.body,
        bytes: res.bytes,
        contentType: (Array.isArray(type) ? type[0] : type) ?? '',
      };

      if (status >= 200 && status < 300) {
        const accepted = await acceptedOutcome({ where, status, answer, request, reporter, final: opts.final });
        if (accepted.ok) delta?.accepted(sent, now);
        return accepted;
      }

      const detail = await answerText(answer);
      reporter.error(`${where} -> ${status}${detail ? `: ${detail}` : ''}`);
      const hint = refusalHint(status);
      if (hint) reporter.error(`otlp: hint: ${hint}`);
      if (opts.final) printUnsent(reporter, request);
      return outcome(false, `${status} (refused), ${request.points} series not pushed`);
    },
  };
}

/**
 * What a partial success's rejected count means for `points` sent. A receiver that says more
 * were rejected than were sent is taken as rejecting all of them, and quoted, never "-6 ok".
 */
export function partialCounts(points: number, rejected: number): { ok: number; rejected: number; said: string } {
  if (rejected <= points)
    return {
      ok: points - rejected,
      rejected,
      said: `${rejected} of ${points} data points rejected (the others were accepted)`,
    };
  return {
    ok: 0,
    rejected: points,
    said: `the receiver says ${rejected} data points were rejected, of ${points} sent: counted as all ${points} rejected`,
  };
}

/** The partial success of a 2xx: protobuf as asked; JSON from a receiver that answers so anyway. */
async function partialSuccess(answer: OtlpAnswer): Promise<PartialSuccess | undefined> {
  if (/json/.test(answer.contentType)) {
    try {
      const json = JSON.parse(answer.body) as {
        partialSuccess?: { rejectedDataPoints?: string | number; errorMessage?: string };
      };
      const p = json.partialSuccess;
      return p
        ? { rejectedDataPoints: Number(p.rejectedDataPoints ?? 0) || 0, errorMessage: p.errorMessage ?? '' }
        : undefined;
    } catch {
      return undefined;
    }
  }
  return answer.bytes && answer.bytes.byteLength > 0 ? decodeOtlpResponse(answer.bytes) : undefined;
}

/** A refusal's words: a google.rpc.Status in protobuf (as OTLP answers), else the text. */
async function answerText(answer: OtlpAnswer): Promise<string> {
  if (answer.bytes && /protobuf/.test(answer.contentType)) {
    const status = await decodeRpcStatus(answer.bytes);
    if (status?.message) return shortAnswer(status.message);
  }
  return shortAnswer(answer.body);
}

export function refusalHint(status: number): string | undefined {
  if (status === 401 || status === 403)
    return 'the receiver wants credentials: set them in OTEL_EXPORTER_OTLP_HEADERS, e.g. Authorization=Api-Token%20… (URL-encoded)';
  if (status === 404 || status === 405)
    return 'no OTLP metrics endpoint at this URL: --otlp and OTEL_EXPORTER_OTLP_METRICS_ENDPOINT are used as they are (…/v1/metrics), OTEL_EXPORTER_OTLP_ENDPOINT gets /v1/metrics added';
  if (status === 415) return 'the receiver does not take protobuf over HTTP';
  if (status === 400)
    return 'the receiver refused the data: a delta-only receiver (Dynatrace) needs OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta';
  return undefined;
}

function printUnsent(reporter: Reporter, request: OtlpRequest): void {
  reporter.block(
    `unsent OTLP data (${request.points} data points in ${request.metrics} metrics):`,
    request.text.trimEnd(),
  );
}
