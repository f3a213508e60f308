// The Dynatrace Metrics API v2 backend: batches → POST …/metrics/ingest, in order, one at a
// time; the answers (202, 400 partial success, 401/403/404/413 refusals, no answer) become
// one outcome, and whatever was not ingested is printed so the numbers are not lost. Only
// what a ValidationResponse confirms counts as ingested: a proxy's 2xx page confirms nothing.

import type { DynatraceConfig } from '../../cli/config.js';
import { HttpFailure, type HttpClient } from '../http/types.js';
import { headerRecord } from '../http/redact.js';
import { count, type Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';
import { buildDynatraceBatches, type DtBatch, type DtDropped, type DtLine, type DtRenamed } from './serialize.js';
import type { Backend, BackendOutcome, PushOptions } from '../backend.js';
import { isOneAgentEndpoint } from './settings.js';

export const CONTENT_TYPE = 'text/plain; charset=utf-8';
/** Invalid lines named in one message; the server itself lists at most ten per request. */
const MAX_INVALID_NAMED = 10;
const MAX_MESSAGE_CHARS = 300;

/** What a status that refuses the whole request means (https://docs.dynatrace.com/docs/dynatrace-api/environment-api/metric-v2/post-ingest-metrics). */
export const REFUSAL_MEANING: Readonly<Record<number, string>> = {
  401: 'token missing or invalid',
  403: 'token lacks the metrics.ingest scope',
  404: 'wrong URL path, or metric ingestion is disabled',
  413: 'payload too large',
};

/** The parts of a ValidationResponse (202/400) this backend uses; every field optional. */
export interface IngestAnswer {
  linesOk?: number;
  linesInvalid?: number;
  invalidLines: Array<{ line: number; error: string }>;
  warnings: string[];
  message?: string;
}

/** Reads an answer body: a ValidationResponse or an ErrorEnvelope; anything else gives {}. */
export function parseIngestAnswer(body: string): IngestAnswer {
  const out: IngestAnswer = { invalidLines: [], warnings: [] };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return out;
  }
  if (!isObject(json)) return out;
  // `linesOk` per the API docs; the OneAgent local endpoint documents `linesValid`.
  const ok = json.linesOk ?? json.linesValid;
  if (typeof ok === 'number') out.linesOk = ok;
  if (typeof json.linesInvalid === 'number') out.linesInvalid = json.linesInvalid;
  if (isObject(json.error)) {
    if (typeof json.error.message === 'string') out.message = json.error.message;
    if (Array.isArray(json.error.invalidLines)) {
      for (const item of json.error.invalidLines) {
        if (isObject(item) && typeof item.line === 'number')
          out.invalidLines.push({ line: item.line, error: String(item.error ?? '') });
      }
    }
  }
  if (isObject(json.warnings)) {
    // The docs name the list `changedMetricKeys`; a real answer used `warningLines`.
    const list = json.warnings.changedMetricKeys ?? json.warnings.warningLines;
    if (Array.isArray(list)) {
      for (const w of list)
        if (isObject(w)) out.warnings.push(`line ${String(w.line ?? '?')}: ${String(w.warning ?? w.message ?? '')}`);
    }
    if (out.warnings.length === 0 && typeof json.warnings.message === 'string')
      out.warnings.push(json.warnings.message);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `name{k="v",…}` for messages. */
export function describeLine(line: DtLine): string {
  const labels = Object.entries(line.labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return labels.length > 0 ? `${line.name}{${labels.join(',')}}` : line.name;
}

/** Warns about the series that cannot go to Dynatrace: once per reason, with a count and a few names. */
function warnDropped(reporter: Reporter, dropped: readonly DtDropped[]): void {
  const byReason = new Map<string, string[]>();
  for (const d of dropped) {
    const names = byReason.get(d.reason);
    if (names) names.push(d.name);
    else byReason.set(d.reason, [d.name]);
  }
  for (const [reason, names] of byReason) {
    const unique = [...new Set(names)];
    const shown = unique.slice(0, 3).join(', ') + (unique.length > 3 ? `, … (${unique.length - 3} more)` : '');
    reporter.warnOnce(
      `dynatrace:dropped:${reason}`,
      `dynatrace: ${names.length} series not sent, ${reason}: ${shown} (other backends still get them)`,
    );
  }
}

/** Names that changed on the way to Dynatrace, and labels that became the same dimension: said once each (the dry run says them too). */
export function warnRenamed(reporter: Reporter, renamed: readonly DtRenamed[]): void {
  for (const r of renamed) {
    if (r.kind === 'dimension key clash') {
      reporter.warnOnce(
        `dynatrace:clash:${r.from}:${r.also}`,
        `dynatrace: labels '${r.from}' and '${r.also}' both become the dimension '${r.to}': the value of '${r.also}' is sent`,
      );
      continue;
    }
    const to = r.to === null ? 'left out (nothing valid remains)' : `sent as '${r.to}'`;
    reporter.warnOnce(`dynatrace:renamed:${r.kind}:${r.from}`, `dynatrace: ${r.kind} '${r.from}' ${to}`);
  }
}

/** What one push has found so far, across its requests. */
interface PushTally {
  linesOk: number;
  linesInvalid: number;
  /** Lines sent whose fate the answer did not confirm (a 2xx without a ValidationResponse). */
  unconfirmed: number;
  worstStatus: number;
  allAccepted: boolean;
  /** Lines (or whole batch bodies) not ingested, printed after the final push. */
  unsent: string[];
  /** Lines sent but not confirmed, printed after the final push. */
  unconfirmedLines: string[];
  splits: number;
  maxLines: number;
}

interface PushContext {
  cfg: DynatraceConfig;
  http: HttpClient;
  reporter: Reporter;
  headers: Record<string, string>;
  where: string;
  opts: PushOptions;
  droppedNote: string;
}

export function createDynatraceBackend(cfg: DynatraceConfig, deps: { http: HttpClient; reporter: Reporter }): Backend {
  const { http, reporter } = deps;
  // The token (and its secret part) is registered for masking from the config (lib/cli/run/secrets.ts).
  const headers: Record<string, string> = { ...headerRecord(cfg.headers), 'content-type': CONTENT_TYPE };
  // The OneAgent local endpoint takes no token (Telegraf, the OTel exporter and Micrometer send none).
  const oneAgent = isOneAgentEndpoint(cfg.url);
  if (cfg.token !== undefined && !oneAgent) headers.authorization = `Api-Token ${cfg.token}`;
  if (cfg.token !== undefined && oneAgent)
    reporter.warnOnce(
      'dynatrace:oneagent-token',
      'dynatrace: the OneAgent local endpoint needs no token; it is not sent',
    );
  const where = `dynatrace POST ${cfg.url.origin}${cfg.url.pathname}`;

  return {
    name: 'dynatrace',
    async push(series: readonly Series[], opts: PushOptions): Promise<BackendOutcome> {
      const { batches, dropped, renamed } = buildDynatraceBatches(series);
      warnRenamed(reporter, renamed);
      warnDropped(reporter, dropped);
      const droppedNote = dropped.length > 0 ? `, ${dropped.length} not sendable` : '';
      if (batches.length === 0) return { backend: 'dynatrace', ok: true, summary: `nothing to send${droppedNote}` };
      return sendBatches({ cfg, http, reporter, headers, where, opts, droppedNote }, batches);
    },
  };
}

/**
 * The batches in order, one request at a time. A 413 may come from a proxy or gateway in front
 * of Dynatrace with a lower limit than the API's 1,000,000 bytes (nginx's default is 1 MiB, and
 * some are set far lower): the request is halved and sent again, and later requests are cut to
 * that size before they go — at most log2(1,000) + 1 refusals in all, since a 413 for one line
 * ends the push.
 */
// The loop keeps one tally over the batches and may split a batch in place on a 413; sending one
// batch is sendOne, reading its answer countAnswer.
async function sendBatches(ctx: PushContext, batches: DtBatch[]): Promise<BackendOutcome> {
  const { reporter, where, opts } = ctx;
  const tally = emptyTally();
  for (let i = 0; i < batches.length; i++) {
    while ((batches[i] as DtBatch).lines.length > tally.maxLines)
      batches.splice(i, 1, ...halves(batches[i] as DtBatch));
    const batch = batches[i] as DtBatch;
    const label = batches.length > 1 ? ` (request ${i + 1} of ${batches.length})` : '';
    const bytes = Buffer.byteLength(batch.body, 'utf8');
    reporter.verbose(`${where}${label}: ${count(batch.lines.length, 'line')}, ${bytes} bytes`);
    const answer = await sendOne(ctx, batch);
    const final = (why: string): void => {
      for (const b of batches.slice(i)) tally.unsent.push(b.body);
      printLeftOver(reporter, tally, opts, why);
    };

    if ('failure' in answer) {
      reporter.error(`${where}${label}: no answer: ${answer.failure}`);
      final('no answer');
      const before = tally.linesOk > 0 ? `, ${tally.linesOk} ok before` : '';
      return {
        backend: 'dynatrace',
        ok: false,
        summary: `failed: ${reporter.excerpt(answer.failure, MAX_MESSAGE_CHARS)}${before}${ctx.droppedNote}`,
      };
    }
    const { status, body } = answer;
    if ((status >= 200 && status < 300) || status === 400) {
      countAnswer(ctx, tally, `${where}${label}`, batch, status, body);
      // The valid lines of a 400 were ingested: resending would duplicate them. Go on.
      continue;
    }
    if (status === 413 && batch.lines.length > 1) {
      tally.splits++;
      tally.maxLines = Math.ceil(batch.lines.length / 2);
      reporter.warnOnce(
        'dynatrace:413',
        `${where}${label} -> 413 (payload too large) for ${count(batch.lines.length, 'line')}, ${bytes} bytes: a proxy or gateway with a lower limit? Sending smaller requests`,
      );
      batches.splice(i, 1, ...halves(batch));
      i--;
      continue;
    }
    // Every later request would be refused the same way (same token, URL, limits, or the
    // retries already gave up on a 429/5xx): stop and print what was not sent.
    reportRefusal(reporter, `${where}${label}`, status, body);
    final(String(status));
    const meaning = REFUSAL_MEANING[status];
    const before =
      tally.linesOk > 0 || tally.linesInvalid > 0
        ? `, ${tally.linesOk} ok, ${tally.linesInvalid} invalid before`
        : ', 0 ok';
    return {
      backend: 'dynatrace',
      ok: false,
      summary: `${status}${meaning ? ` (${meaning})` : ''}${before}${ctx.droppedNote}`,
    };
  }

  printLeftOver(reporter, tally, opts, '400');
  return finished(ctx, tally, batches.length);
}

function emptyTally(): PushTally {
  return {
    linesOk: 0,
    linesInvalid: 0,
    unconfirmed: 0,
    worstStatus: 0,
    allAccepted: true,
    unsent: [],
    unconfirmedLines: [],
    splits: 0,
    maxLines: Infinity,
  };
}

/** The outcome of a push whose every batch was answered. */
function finished(ctx: PushContext, tally: PushTally, requests: number): BackendOutcome {
  const splitNote = tally.splits > 0 ? `, ${requests} requests after ${tally.splits} × 413` : '';
  const unconfirmedNote = tally.unconfirmed > 0 ? `, ${tally.unconfirmed} unconfirmed` : '';
  return {
    backend: 'dynatrace',
    ok: tally.allAccepted,
    summary: `${tally.worstStatus}, ${tally.linesOk} ok, ${tally.linesInvalid} invalid${unconfirmedNote}${splitNote}${ctx.droppedNote}`,
  };
}

/** One request; its answer, or why there was none. */
async function sendOne(
  ctx: PushContext,
  batch: DtBatch,
): Promise<{ status: number; body: string } | { failure: string }> {
  try {
    const res = await ctx.http.request({
      method: 'POST',
      url: ctx.cfg.url,
      headers: ctx.headers,
      body: batch.body,
      deadlineAt: ctx.opts.deadlineAt,
    });
    return { status: res.status, body: res.body };
  } catch (err) {
    return { failure: err instanceof HttpFailure || err instanceof Error ? err.message : String(err) };
  }
}

/**
 * A 2xx or a 400: counts what the ValidationResponse confirms, and only that. A 2xx whose body
 * is not one (a proxy's HTML page, a binary body), or that accounts for fewer lines than were
 * sent, leaves the rest unconfirmed: a warning, and not a success (exit 3 with
 * --fail-on-push-error). A 400 without one lost the whole batch, as before.
 */
function countAnswer(
  ctx: PushContext,
  tally: PushTally,
  where: string,
  batch: DtBatch,
  status: number,
  body: string,
): void {
  const { reporter } = ctx;
  const answer = parseIngestAnswer(body);
  tally.worstStatus = Math.max(tally.worstStatus, status);
  const sent = batch.lines.length;
  const documented = answer.linesOk !== undefined;
  const ok = Math.min(sent, answer.linesOk ?? 0);
  const invalid = Math.min(sent - ok, answer.linesInvalid ?? (status === 400 ? sent - ok : 0));
  const unconfirmed = status === 400 ? 0 : sent - ok - invalid;
  tally.linesOk += ok;
  tally.linesInvalid += invalid;
  for (const w of answer.warnings.slice(0, 5))
    reporter.warnOnce(`dynatrace:warning:${w}`, `dynatrace: server warning: ${reporter.excerpt(w, MAX_MESSAGE_CHARS)}`);
  reporter.verbose(
    `${where} -> ${status}: ${ok} ok, ${invalid} invalid${unconfirmed > 0 ? `, ${unconfirmed} unconfirmed` : ''}`,
  );
  if (unconfirmed > 0) {
    tally.allAccepted = false;
    tally.unconfirmed += unconfirmed;
    const why = documented
      ? `the answer accounts for ${ok + invalid} of ${count(sent, 'line')}`
      : `the answer is not a Dynatrace ValidationResponse${body.trim() === '' ? ' (empty)' : `: ${reporter.excerpt(body.replace(/\s+/g, ' ').trim(), 120)}`}`;
    reporter.warn(
      `${where} -> ${status}, but ${unconfirmed} of ${count(sent, 'line')} ${unconfirmed === 1 ? 'is' : 'are'} not confirmed as ingested: ${why} (a proxy in front of Dynatrace?)`,
    );
    // Printed for replay only when nothing of it was confirmed: which lines of a partly confirmed batch went unaccounted for is unknown.
    if (!documented || ok + invalid === 0) tally.unconfirmedLines.push(batch.body);
  }
  if (invalid > 0 || status === 400) {
    tally.allAccepted = false;
    reportInvalid(reporter, where, batch, answer, invalid, tally.unsent);
  }
}

/** A status that refuses the whole request: said with its meaning, the server's message and a hint. */
function reportRefusal(reporter: Reporter, where: string, status: number, body: string): void {
  const answer = parseIngestAnswer(body);
  const meaning = REFUSAL_MEANING[status];
  let detail = '';
  if (answer.message !== undefined) detail = `: ${reporter.excerpt(answer.message, MAX_MESSAGE_CHARS)}`;
  else if (body.trim() !== '' && answer.linesOk === undefined)
    detail = `: ${reporter.excerpt(body.replace(/\s+/g, ' ').trim(), MAX_MESSAGE_CHARS)}`;
  reporter.error(`${where} -> ${status}${meaning ? ` (${meaning})` : ''}${detail}`);
  if (status === 401 || status === 403) {
    reporter.error(
      'dynatrace: hint: create an API token with the scope metrics.ingest (Access tokens) and put it in DT_API_TOKEN or --dt-token-file',
    );
  } else if (status === 404) {
    reporter.error(
      'dynatrace: hint: give the environment URL (https://<env-id>.live.dynatrace.com or https://<host>/e/<env-id>); the path /api/v2/metrics/ingest is added',
    );
  }
}

/** A batch cut in two at its middle line (a line never holds a `\n`: the serializer escapes it). */
function halves(batch: DtBatch): [DtBatch, DtBatch] {
  const half = Math.ceil(batch.lines.length / 2);
  const texts = batch.body.split('\n');
  return [
    { body: texts.slice(0, half).join('\n'), lines: batch.lines.slice(0, half) },
    { body: texts.slice(half).join('\n'), lines: batch.lines.slice(half) },
  ];
}

/** Names the invalid lines (1-based, as the server counts) and keeps their text for printing. */
function reportInvalid(
  reporter: Reporter,
  where: string,
  batch: DtBatch,
  answer: IngestAnswer,
  invalid: number,
  unsent: string[],
): void {
  const texts = batch.body.split('\n');
  const named: string[] = [];
  for (const item of answer.invalidLines.slice(0, MAX_INVALID_NAMED)) {
    const line = batch.lines[item.line - 1];
    const text = texts[item.line - 1];
    if (line === undefined || text === undefined) {
      named.push(`line ${item.line}: ${reporter.excerpt(item.error, MAX_MESSAGE_CHARS)}`);
      continue;
    }
    named.push(`${describeLine(line)}: ${reporter.excerpt(item.error, MAX_MESSAGE_CHARS)}`);
    unsent.push(text);
  }
  // No list and nothing accepted (an error envelope, a proxy's 400): the whole batch is lost.
  if (answer.invalidLines.length === 0 && (answer.linesOk ?? 0) === 0) unsent.push(batch.body);
  const unnamed = invalid - named.length;
  const head = `${where} -> 400: ${invalid} of ${count(batch.lines.length, 'line')} invalid (the valid ones were ingested)`;
  if (named.length === 0) {
    const why = answer.message !== undefined ? `: ${reporter.excerpt(answer.message, MAX_MESSAGE_CHARS)}` : '';
    reporter.error(`${head}${why}${unnamed > 0 ? '; the server listed none of them' : ''}`);
    return;
  }
  // One entry a line; the server's texts cannot add lines of their own.
  const list = named.map((n) => `  ${n.replace(/[\r\n]+/g, ' ')}`);
  if (unnamed > 0) list.push(`  … and ${unnamed} more the server did not list`);
  reporter.block(`error: ${head}:`, list.join('\n'));
}

/** After the final push only (periodic pushes, --flush-interval, are followed by one): the lines not ingested, and those not confirmed. */
function printLeftOver(reporter: Reporter, tally: PushTally, opts: PushOptions, why: string): void {
  if (!opts.final) return;
  printLines(reporter, tally.unsent, `not ingested`, why);
  printLines(reporter, tally.unconfirmedLines, 'not confirmed', 'a 2xx without a ValidationResponse');
}

function printLines(reporter: Reporter, bodies: readonly string[], what: string, why: string): void {
  if (bodies.length === 0) return;
  const text = bodies.join('\n');
  const count = text.split('\n').length;
  reporter.block(`Dynatrace lines ${what} (${count}, ${why}):`, text);
}
