// When to try a request again and how long to wait first: pure functions, no clock of their own.

/** 408 (request timeout), 429 (rate limited) and every 5xx are worth another try; other statuses are final. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Errors that another attempt cannot cure: a certificate the client does not trust, a bad argument.
 * Everything else that stops a request (refused, reset, hang up, DNS, timeout) is retried.
 */
export function isRetryableError(err: unknown): boolean {
  const code = errorCode(err);
  if (code === undefined) return true;
  if (code === 'UND_ERR_INVALID_ARG' || code === 'ERR_INVALID_URL' || code === 'ERR_INVALID_ARG_TYPE') return false;
  if (
    code.startsWith('ERR_TLS_') ||
    code.includes('CERT') ||
    code.includes('SELF_SIGNED') ||
    code.startsWith('UNABLE_TO_')
  )
    return false;
  return true;
}

export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff and Jitter"):
 * a uniformly random wait in [0, min(max, base·2^(retry−1))], so clients that failed together do
 * not retry together. `retry` counts from 1; `random` is injectable for tables.
 */
export function backoffMs(retry: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The wait a `Retry-After` header asks for, in ms (RFC 9110 §10.2.3): delta-seconds or an
 * HTTP-date (relative to `nowMs`; a date in the past means 0). Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only the date forms; Date.parse would otherwise accept things like "1.5" as a year.
  if (!/[A-Za-z]/.test(text)) return undefined;
  // HTTP-dates are always GMT; the obsolete asctime form just does not say so.
  const at = Date.parse(/\b(GMT|UTC)\b/i.test(text) ? text : `${text} GMT`);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
