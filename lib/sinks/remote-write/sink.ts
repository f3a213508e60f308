// The Prometheus remote write 1.0 backend (https://prometheus.io/docs/specs/prw/remote_write_spec/):
// one POST of a snappy-compressed WriteRequest per receiver, with the headers the spec names.
// 5xx and 429 are retried by the HTTP layer (with backoff and Retry-After); any other 4xx is
// final: the spec says such a request must not be sent again.

import type { HttpClient } from '../http/types.js';
import { basicAuthHeader, headerRecord, redactUrl } from '../http/redact.js';
import { postPayload, shortAnswer } from '../http/post.js';
import type { Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';
import type { Backend, BackendOutcome, PushOptions } from '../backend.js';
import type { RemoteWriteConfig } from './settings.js';
import { describeWriteRequest, encodeWriteRequest, remoteWriteContent } from './serialize.js';

export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

/** The spec's rule: 5xx and 429 again, every other status is final (408 included). */
export function isRemoteWriteRetryable(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

export interface RemoteWriteRequest {
  headers: Record<string, string>;
  /** The uncompressed WriteRequest. */
  body: Uint8Array;
  /** What --dry-run prints and a failed push shows: no timestamps. */
  text: string;
  series: number;
  notes: string[];
}

/** Also what --dry-run prints. The Authorization header's value is a secret. */
export async function buildRemoteWriteRequest(
  series: readonly Series[],
  cfg: RemoteWriteConfig,
  timeMs: number,
): Promise<RemoteWriteRequest> {
  const content = remoteWriteContent(series);
  const headers: Record<string, string> = { ...headerRecord(cfg.headers), ...REMOTE_WRITE_HEADERS };
  if (cfg.username !== undefined || cfg.password !== undefined)
    headers.authorization = basicAuthHeader(cfg.username ?? '', cfg.password ?? '');
  else if (cfg.token !== undefined) headers.authorization = `Bearer ${cfg.token}`;
  return {
    headers,
    body: await encodeWriteRequest(content, timeMs),
    text: describeWriteRequest(content),
    series: content.series.length,
    notes: content.notes,
  };
}

/** `remote-write`, or `remote-write 2` … when there are several, in the order given. */
export function remoteWriteName(index: number, count: number): string {
  return count > 1 ? `remote-write ${index + 1}` : 'remote-write';
}

export function createRemoteWriteBackend(
  cfg: RemoteWriteConfig,
  name: string,
  deps: { http: HttpClient; reporter: Reporter },
): Backend {
  const { http, reporter } = deps;
  reporter.addSecret(cfg.password);
  reporter.addSecret(cfg.token);
  if (cfg.username !== undefined || cfg.password !== undefined)
    reporter.addSecret(basicAuthHeader(cfg.username ?? '', cfg.password ?? '').slice('Basic '.length));
  const where = `${name} POST ${redactUrl(cfg.url)}`;

  return {
    name,
    async push(series: readonly Series[], opts: PushOptions): Promise<BackendOutcome> {
      const outcome = (ok: boolean, summary: string): BackendOutcome => ({ backend: name, ok, summary });
      // Collection time: the values are the run's as of now.
      const request = await buildRemoteWriteRequest(series, cfg, Date.now());
      for (const note of request.notes) reporter.warnOnce(`remote-write:${note}`, `remote-write: ${note}`);
      if (request.series === 0) return outcome(true, 'nothing to push, 0 series');
      const { compress } = await import('snappyjs');
      const body = compress(request.body);
      reporter.verbose(
        `${where}: ${request.series} series, ${body.byteLength} bytes (${request.body.byteLength} before snappy)`,
      );

      const res = await postPayload(http, reporter, name, {
        url: cfg.url,
        headers: request.headers,
        body,
        deadlineAt: opts.deadlineAt,
        retryStatus: isRemoteWriteRetryable,
      });
      if ('failed' in res) {
        if (opts.final) printUnsent(reporter, name, request);
        return outcome(false, `failed (${res.failed}), ${request.series} series not pushed`);
      }
      // Remote write's answer is text (the spec names no body): quoted as it is.
      const { status, body: answer } = res;
      if (status >= 200 && status < 300) return outcome(true, `${status}, ${request.series} series`);

      const text = shortAnswer(answer);
      reporter.error(`${where} -> ${status}${text ? `: ${text}` : ''}`);
      const hint = refusalHint(status, answer);
      if (hint) reporter.error(`${name}: hint: ${hint}`);
      if (opts.final) printUnsent(reporter, name, request);
      return outcome(false, `${status} (refused), ${request.series} series not pushed`);
    },
  };
}

export function refusalHint(status: number, body: string): string | undefined {
  if (status === 401 || status === 403)
    return 'the receiver wants credentials: http://user:password@host/… for basic auth, or a bearer token in REMOTE_WRITE_TOKEN or --remote-write-token-file';
  if (status === 404 || status === 405)
    return 'no remote-write endpoint at this URL: give the whole write path (Prometheus and VictoriaMetrics …/api/v1/write, Mimir …/api/v1/push, Thanos receive …/api/v1/receive)';
  if (/remote.write.receiver|remote write receiver/i.test(body))
    return 'start Prometheus with --web.enable-remote-write-receiver';
  if (/out of order|out of bounds|too old/i.test(body))
    return 'the receiver already holds newer samples of these series (another run wrote them later)';
  return undefined;
}

function printUnsent(reporter: Reporter, name: string, request: RemoteWriteRequest): void {
  reporter.block(`unsent ${name} series (${request.series}):`, request.text.trimEnd());
}
