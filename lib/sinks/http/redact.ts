// Text about a request that is safe to print: no user-info, no query values, no credentials.

import type { Reporter } from '../../report/report.js';

/** The URL without user-info, with every query value masked and without the fragment. */
export function redactUrl(url: URL): string {
  const shown = new URL(url.href);
  shown.username = '';
  shown.password = '';
  shown.hash = '';
  const keys = [...shown.searchParams.keys()];
  if (keys.length === 0) return shown.href;
  // Built by hand: URLSearchParams would percent-encode the mask.
  const query = keys.map((k) => `${encodeURIComponent(k)}=***`).join('&');
  shown.search = '';
  return `${shown.href}?${query}`;
}

/** `Basic base64(user:password)` (RFC 7617), UTF-8. */
export function basicAuthHeader(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** A short, secret-free description of why a request got no answer: `ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:9)`. */
export function describeFailure(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const causeCode = (err.cause as { code?: unknown } | undefined)?.code;
    let label = err.name;
    if (typeof code === 'string') label = code;
    else if (typeof causeCode === 'string') label = causeCode;
    const message = err.message || (err.cause instanceof Error ? err.cause.message : '');
    return message && message !== label ? `${label} (${message})` : label;
  }
  return String(err);
}

/** A backend's own `--<backend>-header` pairs as request headers (names lowercased, as the client merges them). */
export function headerRecord(pairs: ReadonlyArray<readonly [string, string]> | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of pairs ?? []) headers[k.toLowerCase()] = v;
  return headers;
}

/** The headers --dry-run shows as they are; every other value (authorization, api keys) is masked. */
const SHOWN_HEADERS = new Set(['content-type', 'content-encoding', 'x-prometheus-remote-write-version']);

/** A request's headers as --dry-run prints them, each masked value registered as a secret. */
export function headerLines(prefix: string, headers: Record<string, string>, reporter: Reporter): string {
  let out = '';
  for (const name of Object.keys(headers).sort()) {
    const value = headers[name]!;
    if (!SHOWN_HEADERS.has(name)) reporter.addSecret(value.replace(/^(Basic|Bearer) /, ''));
    out += `# ${prefix}: ${name}: ${SHOWN_HEADERS.has(name) ? value : '***'}\n`;
  }
  return out;
}

/** A URL's password and user, raw and decoded, should a message ever quote the URL. */
export function urlCredentials(text: string | undefined): string[] {
  if (!text) return [];
  try {
    const url = new URL(text);
    return [url.password, url.username].flatMap((part) => [part, decodeURIComponent(part)]);
  } catch {
    return []; // not a URL: the HTTP layer says so when it is used
  }
}
