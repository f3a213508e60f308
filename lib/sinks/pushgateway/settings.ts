// `--pushgateway URL` / `PROM_GATEWAY` → the gateway's base URL and the basic-auth
// credentials from its user-info. The JES docs write `host:port` without a scheme, which
// means http://. Messages never contain the user-info nor the query's values.

import { basicAuthHeader } from '../http/redact.js';

export type PushgatewayUrl = { url: URL; username?: string; password?: string } | { error: string };

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export function pushgatewayUrl(input: string): PushgatewayUrl {
  const text = input.trim();
  const shown = hideQueryValues(hideUserInfo(text));
  if (text === '') return { error: 'the Pushgateway URL is empty' };
  let url: URL;
  try {
    url = new URL(HAS_SCHEME.test(text) ? text : `http://${text}`);
  } catch {
    return { error: `the Pushgateway URL "${shown}" is not a valid URL (expected http://host:port or host:port)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { error: `the Pushgateway URL "${shown}" must use http:// or https://, not ${url.protocol}//` };
  }
  if (url.hostname === '') return { error: `the Pushgateway URL "${shown}" has no host` };
  if (url.search !== '' || url.hash !== '') {
    return { error: `the Pushgateway URL "${shown}" must not have a query or a fragment` };
  }
  // A pasted push URL would become /metrics/job/…/metrics/job/…: say so instead of a 404 later.
  if (/\/metrics\/job(\/|@|$)/.test(url.pathname)) {
    return {
      error: `the Pushgateway URL "${shown}" must be the gateway's base URL: the path /metrics/job/… is built from --job and the grouping key`,
    };
  }

  let username: string | undefined;
  let password: string | undefined;
  try {
    if (url.username !== '') username = decodeURIComponent(url.username);
    if (url.password !== '') password = decodeURIComponent(url.password);
  } catch {
    return { error: `the credentials in the Pushgateway URL "${shown}" are not validly percent-encoded` };
  }
  url.username = '';
  url.password = '';
  // A path prefix is kept (a gateway behind a reverse proxy); the trailing slash is not.
  url.pathname = url.pathname.replace(/\/+$/, '');

  const out: { url: URL; username?: string; password?: string } = { url };
  if (username !== undefined) out.username = username;
  if (password !== undefined) out.password = password;
  return out;
}

/** A URL as a message may quote it: its user-info and query values hidden. */
export function shownUrl(text: string): string {
  return hideQueryValues(hideUserInfo(text));
}

/**
 * `user:secret@host` → `***@host`. The whole user-info is hidden (the user name may be a
 * token), up to the last `@`: an unencoded `/` or `#` in a password must not leak either.
 */
function hideUserInfo(text: string): string {
  const schemeEnd = HAS_SCHEME.test(text) ? text.indexOf('://') + 3 : 0;
  const at = text.lastIndexOf('@');
  if (at < schemeEnd) return text;
  return `${text.slice(0, schemeEnd)}***@${text.slice(at + 1)}`;
}

/**
 * `…?token=abc&x#frag` → `…?token=***&x=***`: a query (refused, but quoted in the refusal) may
 * carry a secret, as a Dynatrace URL's may; the names are kept, they say what was wrong.
 */
function hideQueryValues(text: string): string {
  const q = text.indexOf('?');
  const hash = text.indexOf('#', q + 1);
  if (q < 0) return hash < 0 ? text : `${text.slice(0, hash)}#***`;
  const query = text.slice(q + 1, hash < 0 ? undefined : hash);
  const names = query.split('&').map((pair) => `${pair.split('=')[0]}=***`);
  return `${text.slice(0, q)}?${names.join('&')}${hash < 0 ? '' : '#***'}`;
}

/** The user-info of the Pushgateway URL, and the Basic credential made of it. */
export function pushgatewaySecrets(cfg: { readonly username?: string; readonly password?: string }): string[] {
  if (cfg.username === undefined && cfg.password === undefined) return [];
  const basic = basicAuthHeader(cfg.username ?? '', cfg.password ?? '').slice('Basic '.length);
  return [cfg.password, cfg.username, basic].filter((s): s is string => s !== undefined);
}
