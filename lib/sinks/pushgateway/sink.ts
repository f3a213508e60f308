// The Prometheus Pushgateway backend: one PUT (or POST) of the text exposition to the
// fine-grained grouping key job/integration/keptn_project/keptn_stage/keptn_service, so a
// run replaces its own previous series and never another integration's, project's,
// stage's or service's (a PUT on `job` alone, as the JES docs' sample does, wipes them all).

import type { PushgatewayConfig } from '../../cli/config.js';
import type { HttpClient } from '../http/types.js';
import { basicAuthHeader, headerRecord } from '../http/redact.js';
import type { Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';
import { groupingLabels, type GroupingContext, type KeptnContext } from './grouping-key.js';
import { loadPromClient, renderExposition } from './serialize.js';
import type { Backend, BackendOutcome, PushOptions } from '../backend.js';

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The most of the gateway's answer a report quotes. */
const MAX_BODY_QUOTE = 2048;

/**
 * `/metrics/job/<job>/integration/<i>/keptn_project/<p>/…`: a value goes as it is when it is
 * plain (`[A-Za-z0-9_.~-]+`, but not `.` or `..`, which URLs resolve away), otherwise as
 * `name@base64/<base64url without padding>`; an empty value as `name@base64/=`.
 */
export function groupingPath(ctx: GroupingContext): string {
  return `/metrics${groupingLabels(ctx)
    .map(([name, value]) => `/${pathSegment(name, value)}`)
    .join('')}`;
}

const PLAIN_VALUE = /^[A-Za-z0-9_.~-]+$/;

function pathSegment(name: string, value: string): string {
  if (value === '') return `${name}@base64/=`;
  if (PLAIN_VALUE.test(value) && value !== '.' && value !== '..') return `${name}/${value}`;
  return `${name}@base64/${Buffer.from(value, 'utf8').toString('base64url')}`;
}

export interface PushgatewayRequest {
  method: 'PUT' | 'POST';
  /** The path below the gateway's base URL, starting with `/metrics/job/`. */
  path: string;
  body: string;
  /** Serializer notes, for reporter.warnOnce. */
  notes: string[];
  /** How many series the body holds. */
  series: number;
}

/** The request a push sends; also what --dry-run prints. Throws GroupingKeyError. */
export async function buildPushgatewayRequest(
  series: readonly Series[],
  ctx: GroupingContext & { method: 'PUT' | 'POST' },
): Promise<PushgatewayRequest> {
  const path = groupingPath(ctx);
  const grouping = new Map(groupingLabels(ctx));
  const { text, notes, series: count } = await renderExposition(series, { grouping });
  return { method: ctx.method, path, body: text, notes, series: count };
}

export interface PushgatewayRunContext {
  integration: string;
  keptn: KeptnContext;
  ci?: ReadonlyArray<readonly [string, string]>;
}

/** The configured headers, the content type, and Basic auth when a user or password is given. */
function requestHeaders(cfg: PushgatewayConfig): Record<string, string> {
  const headers: Record<string, string> = { ...headerRecord(cfg.headers), 'content-type': CONTENT_TYPE };
  if (cfg.username !== undefined || cfg.password !== undefined)
    headers.authorization = basicAuthHeader(cfg.username ?? '', cfg.password ?? '');
  return headers;
}

/** Keyed without the count, so periodic pushes (--flush-interval) say each note once. */
function warnNotes(reporter: Reporter, notes: readonly string[]): void {
  for (const note of notes)
    reporter.warnOnce(
      `pushgateway:${note.replace(/ \(\d+ times\)$/, '').replace(/^\d+ more notes/, 'more notes')}`,
      `pushgateway: ${note}`,
    );
}

/** The gateway answered: accepted (verified or not), or refused or redirected. */
function answeredOutcome(a: {
  where: string;
  status: number;
  answer: string;
  location: string | undefined;
  request: PushgatewayRequest;
  reporter: Reporter;
  final: boolean;
}): BackendOutcome {
  const { where, status, answer, location, request, reporter } = a;
  const outcome = (ok: boolean, summary: string): BackendOutcome => ({ backend: 'pushgateway', ok, summary });
  if (status === 202) {
    reporter.warnOnce(
      'pushgateway:202',
      `${where} -> 202: accepted but not verified (the gateway runs with --push.disable-consistency-check, or is older than 0.10)`,
    );
    return outcome(true, `202 (accepted, not verified), ${request.series} series`);
  }
  if (status >= 200 && status < 300) return outcome(true, `${status}, ${request.series} series`);

  const quoted = quoteBody(reporter, answer);
  const redirect = status >= 300 && status < 400 ? `redirected${location ? ` to ${location}` : ''} (not followed)` : '';
  reporter.error(`${where} -> ${status}: ${redirect || quoted || '(empty answer)'}`);
  const hint = refusalHint(status, answer);
  if (hint) reporter.error(`pushgateway: hint: ${hint}`);
  if (a.final) printPayload(reporter, request);
  return outcome(false, `${status} (refused), ${request.series} series not pushed`);
}

// A factory: push() and its helpers share the configuration's headers and the
// grouping context; the request itself is built by buildPushgatewayRequest (pure).
export function createPushgatewayBackend(
  cfg: PushgatewayConfig,
  ctx: PushgatewayRunContext,
  deps: { http: HttpClient; reporter: Reporter },
): Backend {
  const { http, reporter } = deps;
  // The credentials are registered for masking with the rest, from the config (lib/cli/run/secrets.ts).
  const headers = requestHeaders(cfg);
  const groupingCtx = {
    job: cfg.job,
    integration: ctx.integration,
    keptn: ctx.keptn,
    ci: ctx.ci,
    grouping: cfg.grouping,
    method: cfg.method,
  };

  return {
    name: 'pushgateway',
    prepare: () => loadPromClient().then(() => undefined),
    async push(series: readonly Series[], opts: PushOptions): Promise<BackendOutcome> {
      const outcome = (ok: boolean, summary: string): BackendOutcome => ({ backend: 'pushgateway', ok, summary });

      let request: PushgatewayRequest;
      try {
        request = await buildPushgatewayRequest(series, opts.merge ? { ...groupingCtx, method: 'POST' } : groupingCtx);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        reporter.error(`pushgateway: nothing sent: ${reason}`);
        if (opts.final) await printUnsent(reporter, series);
        return outcome(false, `not sent (${reason})`);
      }
      warnNotes(reporter, request.notes);
      // An empty PUT would delete the group's previous series; a run that found nothing keeps them.
      if (request.series === 0) return outcome(true, 'nothing to push, 0 series');

      const url = new URL(cfg.url.href);
      url.pathname = `${cfg.url.pathname.replace(/\/+$/, '')}${request.path}`;
      const where = `pushgateway ${request.method} ${url.href}`;
      reporter.verbose(`${where}: ${request.series} series, ${Buffer.byteLength(request.body)} bytes`);

      let status: number;
      let answer: string;
      let location: string | undefined;
      try {
        const res = await http.request({
          method: request.method,
          url,
          headers,
          body: request.body,
          deadlineAt: opts.deadlineAt,
        });
        status = res.status;
        answer = res.body;
        const loc = res.headers.location;
        location = Array.isArray(loc) ? loc[0] : loc;
      } catch (err) {
        // HttpFailure (no answer in time, connection refused, …) or a bug below; push never throws.
        const reason = err instanceof Error ? err.message : String(err);
        reporter.error(`pushgateway: no answer: ${reason}`);
        if (opts.final) printPayload(reporter, request);
        // The summary line is short: the method and URL were just said.
        return outcome(false, `failed (${reason.replace(/^[A-Z]+ \S+: /, '')}), ${request.series} series not pushed`);
      }

      return answeredOutcome({ where, status, answer, location, request, reporter, final: opts.final });
    },
  };
}

/** The gateway's answer, masked before it is cut (a cut must not leave a secret's start readable). */
function quoteBody(reporter: Reporter, body: string): string {
  const trimmed = body.trim();
  const quoted = reporter.excerpt(trimmed, MAX_BODY_QUOTE);
  return quoted.endsWith('…') && trimmed.length > MAX_BODY_QUOTE
    ? `${quoted} (${trimmed.length - MAX_BODY_QUOTE} more characters)`
    : quoted;
}

/** What a refusal most likely means, from its status and the gateway's words. */
export function refusalHint(status: number, body: string): string | undefined {
  if (status === 401 || status === 403) {
    return 'the gateway wants other credentials: put them in the URL as http://user:password@host:port (percent-encode special characters)';
  }
  if (status >= 300 && status < 400) {
    return 'the gateway redirected the push: check the URL (https?) and its path prefix';
  }
  if (status === 404 || status === 405) {
    return 'no push endpoint at this path: give the gateway base URL (with its path prefix if it has one), without /metrics';
  }
  if (/text format parsing error/.test(body)) {
    return 'the gateway could not parse the body: this is a bug in jes-metrics-pipe, please report it with the payload below';
  }
  if (/must not have timestamps/.test(body)) {
    return 'the body had timestamps, which the Pushgateway refuses: this is a bug in jes-metrics-pipe, please report it';
  }
  if (/invalid or inconsistent/.test(body)) {
    return "a metric of the same name has another type or the same labels in another group (or is one of the gateway's own metrics): delete that group (DELETE /metrics/job/…) or rename the metric (--prefix, a different name)";
  }
  if (/odd number of components|improper label name|invalid base64/.test(body)) {
    return 'the gateway refused the grouping key (--job, --grouping, KEPTN_*): check those values';
  }
  if (status >= 500) return 'the gateway failed; the push can be retried later';
  return undefined;
}

function printPayload(reporter: Reporter, request: PushgatewayRequest): void {
  reporter.block(
    `unsent Pushgateway payload (${request.series} series, ${request.method} ${request.path}):`,
    compact(request.body),
  );
}

/**
 * The payload without its HELP lines and blank lines: still valid exposition text (and
 * pushable as it is), but about a sample a line, so the bounded block shows four times more.
 */
function compact(exposition: string): string {
  return exposition
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('# HELP '))
    .join('\n');
}

/** The series as exposition when no request could be built (best effort: it must not throw). */
async function printUnsent(reporter: Reporter, series: readonly Series[]): Promise<void> {
  try {
    const { text, series: count } = await renderExposition(series);
    if (count > 0) reporter.block(`unsent Pushgateway payload (${count} series):`, compact(text));
  } catch (err) {
    reporter.error(
      `pushgateway: the unsent series could not be printed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}
