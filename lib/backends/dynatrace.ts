// The Dynatrace Metrics API v2 backend: batches → POST …/metrics/ingest, in order, one at a
// time; the answers (202, 400 partial success, 401/403/404/413 refusals, no answer) become
// one outcome, and whatever was not ingested is printed so the numbers are not lost.

import type { DynatraceConfig } from '../config/config.js';
import { HttpFailure, type HttpClient } from '../http/types.js';
import type { Reporter } from '../report.js';
import type { Series } from '../series.js';
import { buildDynatraceBatches, type DtBatch, type DtDropped, type DtLine, type DtRenamed } from '../serialize/dynatrace.js';
import type { Backend, BackendOutcome, PushOptions } from './backend.js';
import { isOneAgentEndpoint } from '../config/dynatrace-url.js';

export const CONTENT_TYPE = 'text/plain; charset=utf-8';
/** Invalid lines named in one message; the server itself lists at most ten per request. */
const MAX_INVALID_NAMED = 10;
const MAX_MESSAGE_CHARS = 300;

/** What a status that refuses the whole request means (reference §2.2). */
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
        if (isObject(item) && typeof item.line === 'number') out.invalidLines.push({ line: item.line, error: String(item.error ?? '') });
      }
    }
  }
  if (isObject(json.warnings)) {
    // The docs name the list `changedMetricKeys`; a real answer used `warningLines`.
    const list = json.warnings.changedMetricKeys ?? json.warnings.warningLines;
    if (Array.isArray(list)) {
      for (const w of list) if (isObject(w)) out.warnings.push(`line ${String(w.line ?? '?')}: ${String(w.warning ?? w.message ?? '')}`);
    }
    if (out.warnings.length === 0 && typeof json.warnings.message === 'string') out.warnings.push(json.warnings.message);
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shortText(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_MESSAGE_CHARS ? `${t.slice(0, MAX_MESSAGE_CHARS)}…` : t;
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
    reporter.warnOnce(`dynatrace:dropped:${reason}`, `dynatrace: ${names.length} series not sent, ${reason}: ${shown} (other backends still get them)`);
  }
}

/** Names that changed on the way to Dynatrace, and labels that became the same dimension: said once each (the dry run says them too). */
export function warnRenamed(reporter: Reporter, renamed: readonly DtRenamed[]): void {
  for (const r of renamed) {
    if (r.kind === 'dimension key clash') {
      reporter.warnOnce(`dynatrace:clash:${r.from}:${r.also}`, `dynatrace: labels '${r.from}' and '${r.also}' both become the dimension '${r.to}': the value of '${r.also}' is sent`);
      continue;
    }
    const to = r.to === null ? 'left out (nothing valid remains)' : `sent as '${r.to}'`;
    reporter.warnOnce(`dynatrace:renamed:${r.kind}:${r.from}`, `dynatrace: ${r.kind} '${r.from}' ${to}`);
  }
}

export function createDynatraceBackend(cfg: DynatraceConfig, deps: { http: HttpClient; reporter: Reporter }): Backend {
  const { http, reporter } = deps;
  // The token (and its secret part) is registered for masking from the config (lib/run/secrets.ts).
  const headers: Record<string, string> = { 'content-type': CONTENT_TYPE };
  // The OneAgent local endpoint takes no token (Telegraf, the OTel exporter and Micrometer send none).
  const oneAgent = isOneAgentEndpoint(cfg.url);
  if (cfg.token !== undefined && !oneAgent) headers.authorization = `Api-Token ${cfg.token}`;
  if (cfg.token !== undefined && oneAgent) reporter.warnOnce('dynatrace:oneagent-token', 'dynatrace: the OneAgent local endpoint needs no token; it is not sent');
  const where = `dynatrace POST ${cfg.url.origin}${cfg.url.pathname}`;

  return {
    name: 'dynatrace',
    async push(series: readonly Series[], opts: PushOptions): Promise<BackendOutcome> {
      const { batches, dropped, renamed } = buildDynatraceBatches(series);
      warnRenamed(reporter, renamed);
      warnDropped(reporter, dropped);
      const droppedNote = dropped.length > 0 ? `, ${dropped.length} not sendable` : '';
      if (batches.length === 0) return { backend: 'dynatrace', ok: true, summary: `nothing to send${droppedNote}` };

      let linesOk = 0;
      let linesInvalid = 0;
      let worstStatus = 0;
      let allAccepted = true;
      const unsent: string[] = [];
      // A 413 may come from a proxy or gateway in front of Dynatrace with a lower limit than the
      // API's 1,000,000 bytes (nginx's default is 1 MiB, and some are set far lower). The request
      // is halved and sent again, and later requests are cut to that size before they go: at most
      // log2(1,000) + 1 refusals in all, since a 413 for one line ends the push.
      let splits = 0;
      let maxLines = Infinity;

      for (let i = 0; i < batches.length; i++) {
        while ((batches[i] as DtBatch).lines.length > maxLines) batches.splice(i, 1, ...halves(batches[i] as DtBatch));
        const batch = batches[i] as DtBatch;
        const label = batches.length > 1 ? ` (request ${i + 1} of ${batches.length})` : '';
        const rest = (): void => {
          for (const b of batches.slice(i)) unsent.push(b.body);
        };
        const bytes = Buffer.byteLength(batch.body, 'utf8');
        reporter.verbose(`${where}${label}: ${batch.lines.length} lines, ${bytes} bytes`);

        let status: number;
        let body: string;
        try {
          const res = await http.request({ method: 'POST', url: cfg.url, headers, body: batch.body, deadlineAt: opts.deadlineAt });
          status = res.status;
          body = res.body;
        } catch (err) {
          const reason = err instanceof HttpFailure || err instanceof Error ? err.message : String(err);
          reporter.error(`${where}${label}: no answer: ${reason}`);
          rest();
          printUnsent(reporter, unsent, opts, 'no answer');
          const before = linesOk > 0 ? `, ${linesOk} ok before` : '';
          return { backend: 'dynatrace', ok: false, summary: `failed: ${shortText(reason)}${before}${droppedNote}` };
        }
        const answer = parseIngestAnswer(body);

        if (status === 200 || status === 202 || status === 400) {
          worstStatus = Math.max(worstStatus, status);
          const sent = batch.lines.length;
          const invalid = answer.linesInvalid ?? (status === 400 ? sent - (answer.linesOk ?? 0) : 0);
          const ok = answer.linesOk ?? sent - invalid;
          linesOk += ok;
          linesInvalid += invalid;
          for (const w of answer.warnings.slice(0, 5)) reporter.warnOnce(`dynatrace:warning:${w}`, `dynatrace: server warning: ${shortText(w)}`);
          reporter.verbose(`${where}${label} -> ${status}: ${ok} ok, ${invalid} invalid`);
          if (invalid > 0 || status === 400) {
            allAccepted = false;
            reportInvalid(reporter, `${where}${label}`, batch, answer, invalid, unsent);
          }
          // The valid lines of a 400 were ingested: resending would duplicate them. Go on.
          continue;
        }

        if (status === 413 && batch.lines.length > 1) {
          splits++;
          maxLines = Math.ceil(batch.lines.length / 2);
          reporter.warnOnce('dynatrace:413', `${where}${label} -> 413 (payload too large) for ${batch.lines.length} lines, ${bytes} bytes: a proxy or gateway with a lower limit? Sending smaller requests`);
          batches.splice(i, 1, ...halves(batch));
          i--;
          continue;
        }

        allAccepted = false;
        const meaning = REFUSAL_MEANING[status];
        const detail = answer.message !== undefined ? `: ${shortText(answer.message)}` : body.trim() !== '' && answer.linesOk === undefined ? `: ${shortText(body)}` : '';
        reporter.error(`${where}${label} -> ${status}${meaning ? ` (${meaning})` : ''}${detail}`);
        if (status === 401 || status === 403) {
          reporter.error('dynatrace: hint: create an API token with the scope metrics.ingest (Access tokens) and put it in DT_API_TOKEN or --dt-token-file');
        } else if (status === 404) {
          reporter.error('dynatrace: hint: give the environment URL (https://<env-id>.live.dynatrace.com or https://<host>/e/<env-id>); the path /api/v2/metrics/ingest is added');
        }
        // Every later request would be refused the same way (same token, URL, limits, or the
        // retries already gave up on a 429/5xx): stop and print what was not sent.
        rest();
        printUnsent(reporter, unsent, opts, String(status));
        const before = linesOk > 0 || linesInvalid > 0 ? `, ${linesOk} ok, ${linesInvalid} invalid before` : ', 0 ok';
        return { backend: 'dynatrace', ok: false, summary: `${status}${meaning ? ` (${meaning})` : ''}${before}${droppedNote}` };
      }

      printUnsent(reporter, unsent, opts, '400');
      const splitNote = splits > 0 ? `, ${batches.length} requests after ${splits} × 413` : '';
      return { backend: 'dynatrace', ok: allAccepted, summary: `${worstStatus}, ${linesOk} ok, ${linesInvalid} invalid${splitNote}${droppedNote}` };
    },
  };
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
function reportInvalid(reporter: Reporter, where: string, batch: DtBatch, answer: IngestAnswer, invalid: number, unsent: string[]): void {
  const texts = batch.body.split('\n');
  const named: string[] = [];
  for (const item of answer.invalidLines.slice(0, MAX_INVALID_NAMED)) {
    const line = batch.lines[item.line - 1];
    const text = texts[item.line - 1];
    if (line === undefined || text === undefined) {
      named.push(`line ${item.line}: ${shortText(item.error)}`);
      continue;
    }
    named.push(`${describeLine(line)}: ${shortText(item.error)}`);
    unsent.push(text);
  }
  // No list and nothing accepted (an error envelope, a proxy's 400): the whole batch is lost.
  if (answer.invalidLines.length === 0 && (answer.linesOk ?? 0) === 0) unsent.push(batch.body);
  const unnamed = invalid - named.length;
  const head = `${where} -> 400: ${invalid} of ${batch.lines.length} lines invalid (the valid ones were ingested)`;
  if (named.length === 0) {
    const why = answer.message !== undefined ? `: ${shortText(answer.message)}` : '';
    reporter.error(`${head}${why}${unnamed > 0 ? '; the server listed none of them' : ''}`);
    return;
  }
  // One entry a line; the server's texts cannot add lines of their own.
  const list = named.map((n) => `  ${n.replace(/[\r\n]+/g, ' ')}`);
  if (unnamed > 0) list.push(`  … and ${unnamed} more the server did not list`);
  reporter.block(`error: ${head}:`, list.join('\n'));
}

function printUnsent(reporter: Reporter, unsent: readonly string[], opts: PushOptions, why: string): void {
  // Periodic pushes (--flush-interval) are followed by a final one; print only then.
  if (!opts.final || unsent.length === 0) return;
  const text = unsent.join('\n');
  const count = text.split('\n').length;
  reporter.block(`Dynatrace lines not ingested (${count}, ${why}):`, text);
}
