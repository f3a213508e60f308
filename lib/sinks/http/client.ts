// The HTTP client every backend sends with (undici): per-request timeout, retries with
// exponential backoff and full jitter, Retry-After, an overall deadline, proxies
// from the environment, a CA file, and secrets kept out of every message.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { loadUndici, warmHttpParser } from './undici.js';
import { HttpFailure, type HttpClient, type HttpClientOptions, type HttpRequest, type HttpResponse } from './types.js';
import { createDispatcher, dispatcherSettings, proxyConfigured } from './dispatcher.js';
import { proxyFor, proxySettings } from './proxy-env.js';
import { count } from '../../report/report.js';
import { basicAuthHeader, describeFailure, redactUrl } from './redact.js';
import { backoffMs, isRetryableError, isRetryableStatus, parseRetryAfter } from './retry-policy.js';

export const DEFAULT_RETRY = { baseMs: 500, maxMs: 10_000, maxAttempts: 6 } as const;
/** Most of a response body kept: enough for any error message, bounded against a runaway server. */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024;
/** How long close() waits for the dispatcher to close cleanly before destroying it. */
const CLOSE_GRACE_MS = 500;
/** Without a deadline, a longer Retry-After than this ends the retries instead of stalling the run. */
export const MAX_RETRY_AFTER_MS = 120_000;

/** Why an attempt ended without a response. */
class AttemptTimeout extends Error {
  constructor(
    readonly ms: number,
    readonly byDeadline: boolean,
  ) {
    super(byDeadline ? `deadline reached after ${ms} ms` : `no complete answer within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

type AttemptResult = { response: Omit<HttpResponse, 'attempts'> } | { error: unknown };

/**
 * Throws when --ca-file cannot be read (ENOENT, EACCES), before any request: a configuration error.
 * The proxy variables are read now, once per client. undici is loaded with the first request.
 */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const settings = dispatcherSettings({
    connectTimeoutMs: opts.timeoutMs,
    caFile: opts.caFile,
    insecure: opts.insecure,
    env: opts.env,
  });
  let dispatcher: Promise<Dispatcher> | undefined;
  const dispatcherNow = (): Promise<Dispatcher> => (dispatcher ??= createDispatcher(settings));
  // Read again (dispatcherSettings has validated them) so a failure can name the proxy's variable.
  const proxies = proxyConfigured(opts.env ?? process.env) ? proxySettings(opts.env ?? process.env) : undefined;
  const retry = {
    baseMs: opts.retry?.baseMs ?? DEFAULT_RETRY.baseMs,
    maxMs: opts.retry?.maxMs ?? DEFAULT_RETRY.maxMs,
    maxAttempts: Math.max(1, opts.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts),
  };
  const reporter = opts.reporter;
  let closed = false;

  async function request(req: HttpRequest): Promise<HttpResponse> {
    if (closed) throw new HttpFailure('the HTTP client is closed', 0);
    return requestWithRetries(req, { opts, reporter, proxies, retry, dispatcherNow });
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    // close() lets running requests finish and ends idle keep-alive sockets; destroy() is the
    // fallback, also for a close that takes longer than a moment (a connect still in progress):
    // every request has ended by now, so nothing of ours is waiting on it.
    // No request made, no dispatcher: nothing to close (and undici was never loaded).
    const made = await dispatcher?.catch(() => undefined);
    if (made) await closeDispatcher(made);
  }

  // A failure to set up is met, and reported, by the first request. The HTTP parser is compiled
  // too, so that the first connection after the input's end does not wait for it.
  const prepareNow = (): Promise<void> =>
    dispatcherNow().then(
      () => warmHttpParser(),
      () => undefined,
    );

  return { request, close, prepare: prepareNow };
}

/** What request() shares with its client: the options, the proxies, the retry policy and the dispatcher. */
interface RequestContext {
  opts: HttpClientOptions;
  reporter: HttpClientOptions['reporter'];
  proxies: ReturnType<typeof proxySettings> | undefined;
  retry: { baseMs: number; maxMs: number; maxAttempts: number };
  dispatcherNow: () => Promise<Dispatcher>;
}

/** One request: attempts until an answer that is not retried, the attempts run out, or the deadline. */
async function requestWithRetries(req: HttpRequest, ctx: RequestContext): Promise<HttpResponse> {
  const { opts, reporter, proxies, retry, dispatcherNow } = ctx;
  const shownUrl = redactUrl(req.url);
  const { url, headers } = prepare(req, opts, reporter);
  const proxy = proxies && proxyFor(proxies, url);
  const via = proxy ? ` through the proxy in ${proxy.variable}` : '';
  let attempt = 0;
  // The last real answer (or failure): when the deadline stops the loop, it is what is reported.
  let previous: { result: AttemptResult; outcome: string } | undefined;
  for (;;) {
    attempt++;
    const remaining = req.deadlineAt === undefined ? Infinity : req.deadlineAt - Date.now();
    if (remaining <= 0) {
      if (previous) return lastAnswer(req.method, shownUrl, previous, attempt - 1, reporter);
      throw new HttpFailure(`${req.method} ${shownUrl}: the deadline passed before attempt ${attempt}`, attempt - 1);
    }
    const timeoutMs = Math.min(opts.timeoutMs, remaining);
    const started = process.hrtime.bigint();
    const result = await sendOnce(await dispatcherNow(), req, url, headers, timeoutMs, timeoutMs < opts.timeoutMs);
    // An attempt cut short by the deadline says nothing about the server: the answer before it does.
    if (previous && 'error' in result && result.error instanceof AttemptTimeout && result.error.byDeadline) {
      return lastAnswer(req.method, shownUrl, previous, attempt - 1, reporter);
    }
    const ms = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
    const outcome = 'response' in result ? String(result.response.status) : `${describeFailure(result.error)}${via}`;
    const line = `${req.method} ${shownUrl} -> ${outcome} in ${ms} ms (attempt ${attempt}/${retry.maxAttempts})`;

    const retryable =
      'response' in result
        ? (req.retryStatus ?? isRetryableStatus)(result.response.status)
        : isRetryableError(result.error);
    const finish = (why?: string): HttpResponse => {
      reporter?.verbose(why ? `${line}; ${why}` : line);
      if ('response' in result) return { ...result.response, attempts: attempt };
      throw new HttpFailure(`${req.method} ${shownUrl}: ${outcome}${why ? `; ${why}` : ''}`, attempt);
    };
    if (!retryable) return finish();
    if (attempt >= retry.maxAttempts) return finish(`giving up after ${count(attempt, 'attempt')}`);

    const wait = retryWait(result, attempt, retry, req.deadlineAt);
    if ('stop' in wait) return finish(wait.stop);
    const { waitMs } = wait;
    reporter?.verbose(`${line}; retrying in ${waitMs} ms`);
    previous = { result, outcome };
    await sleep(waitMs);
  }
}

/** How long to wait before the next attempt, or why there is none (a Retry-After too long, the deadline). */
function retryWait(
  result: AttemptResult,
  attempt: number,
  retry: { baseMs: number; maxMs: number },
  deadlineAt: number | undefined,
): { waitMs: number } | { stop: string } {
  let waitMs = backoffMs(attempt, retry);
  if ('response' in result) {
    const asked = parseRetryAfter(result.response.headers['retry-after'], Date.now());
    if (asked !== undefined) {
      if (deadlineAt === undefined && asked > MAX_RETRY_AFTER_MS) {
        return {
          stop: `Retry-After asks for ${Math.ceil(asked / 1000)} s, more than ${MAX_RETRY_AFTER_MS / 1000} s; giving up`,
        };
      }
      waitMs = asked;
    }
  }
  // A wait that ends at or after the deadline leaves no time for the attempt it waits for.
  if (deadlineAt !== undefined && Date.now() + waitMs >= deadlineAt) {
    return { stop: `not retrying after ${count(attempt, 'attempt')}: waiting ${waitMs} ms would pass the deadline` };
  }
  return { waitMs };
}

/** close(), or destroy() when close() fails or takes longer than CLOSE_GRACE_MS. */
async function closeDispatcher(made: Dispatcher): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS)));
  try {
    if ((await Promise.race([made.close(), late])) === 'late') await made.destroy();
  } catch {
    await made.destroy();
  } finally {
    clearTimeout(timer);
  }
}

/** The answer of the last attempt that got one, when the deadline ended the retries: `500 after 10 attempts`. */
function lastAnswer(
  method: string,
  shownUrl: string,
  previous: { result: AttemptResult; outcome: string },
  attempts: number,
  reporter: HttpClientOptions['reporter'],
): HttpResponse {
  const why = `${previous.outcome} after ${count(attempts, 'attempt')}; the deadline passed before another`;
  reporter?.verbose(`${method} ${shownUrl}: ${why}`);
  if ('response' in previous.result) return { ...previous.result.response, attempts };
  throw new HttpFailure(`${method} ${shownUrl}: ${why}`, attempts);
}

/** The URL to send (user-info removed) and the merged headers (later sources win, names case-insensitive). */
function prepare(
  req: HttpRequest,
  opts: HttpClientOptions,
  reporter: HttpClientOptions['reporter'],
): { url: URL; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'user-agent': opts.userAgent };
  for (const [k, v] of opts.headers ?? []) headers[k.toLowerCase()] = v;
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
  const url = new URL(req.url.href);
  if (url.username || url.password) {
    // Credentials in the URL become Basic auth unless the caller set Authorization itself.
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    reporter?.addSecret(password);
    if (headers.authorization === undefined) headers.authorization = basicAuthHeader(user, password);
    url.username = '';
    url.password = '';
  }
  if (headers.authorization) reporter?.addSecret(headers.authorization.replace(/^\S+\s+/, ''));
  return { url, headers };
}

/** One attempt: the whole exchange (connect, headers, body) within `timeoutMs`. Never throws. */
async function sendOnce(
  dispatcher: Dispatcher,
  req: HttpRequest,
  url: URL,
  headers: Record<string, string>,
  timeoutMs: number,
  byDeadline: boolean,
): Promise<AttemptResult> {
  const controller = new AbortController();
  const timeout = new AttemptTimeout(timeoutMs, byDeadline);
  let timer: NodeJS.Timeout | undefined;
  // The attempt ends at timeoutMs whatever undici is doing: an abort does not reach a request
  // still waiting for its connection (a SYN-dropping address, a TLS port that never answers),
  // which undici gives up on only when its connect timeout fires, on a coarse timer.
  const timedOut = new Promise<AttemptResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(timeout);
      resolve({ error: timeout });
    }, timeoutMs);
  });
  const exchange = (async (): Promise<AttemptResult> => {
    try {
      const undici = await loadUndici();
      const res = await undici.request(dispatcher, url, {
        method: req.method,
        headers,
        body: typeof req.body === 'string' ? Buffer.from(req.body, 'utf8') : req.body,
        signal: controller.signal,
      });
      const bytes = await readBounded(res.body, req.maxBodyBytes ?? MAX_RESPONSE_BODY_BYTES);
      return { response: { status: res.statusCode, headers: res.headers, body: bytes.toString('utf8'), bytes } };
    } catch (err) {
      return { error: controller.signal.aborted ? timeout : err };
    }
  })();
  try {
    return await Promise.race([exchange, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** The body, at most `limit` bytes of it; the rest is not waited for. */
async function readBounded(body: Dispatcher.ResponseData['body'], limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let kept = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const room = limit - kept;
    chunks.push(room < chunk.length ? chunk.subarray(0, room) : chunk);
    kept += Math.min(room, chunk.length);
    if (kept >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks);
}
