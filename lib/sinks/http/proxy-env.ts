// The proxy variables, read as curl reads them: `HTTP_PROXY=proxy.corp.example:3128` (no
// scheme, common in corporate setups) means http://proxy.corp.example:3128; of the lower- and
// upper-case spelling the first non-empty one wins (an empty `no_proxy=` left by a base image
// must not cancel `NO_PROXY=127.0.0.1`); an unusable value is an error that names its variable.

export type ProxyVariable = 'HTTP_PROXY' | 'http_proxy' | 'HTTPS_PROXY' | 'https_proxy';

/**
 * The variables that name a proxy (their URLs may hold credentials: lib/cli/run/secrets.ts masks
 * them). Here, not in dispatcher.ts: a run that pushes nothing must not load undici to know them.
 */
export const PROXY_VARIABLES: readonly ProxyVariable[] = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'];

export interface ProxyChoice {
  /** The variable it came from, for messages. */
  variable: ProxyVariable;
  /** A URL undici accepts (scheme added when it had none). */
  url: string;
}

export interface ProxySettings {
  http?: ProxyChoice;
  https?: ProxyChoice;
  /** The NO_PROXY list ('' when none). */
  noProxy: string;
  noProxyVariable?: 'NO_PROXY' | 'no_proxy';
}

/** A proxy variable that cannot be used; its message names the variable (user-info hidden). */
export class ProxyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyConfigError';
  }
}

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

function firstNonEmpty<K extends string>(
  env: NodeJS.ProcessEnv,
  names: readonly K[],
): { name: K; value: string } | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** `user:secret@host` → `***@host`, for messages. */
function shown(value: string): string {
  return value.replace(
    /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/@]*@/,
    (_m, scheme: string | undefined) => `${scheme ?? ''}***@`,
  );
}

/** One proxy variable's value → the URL to use. Throws ProxyConfigError naming the variable. */
export function proxyUrl(variable: ProxyVariable, value: string): string {
  const withScheme = HAS_SCHEME.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ProxyConfigError(
      `${variable}="${shown(value)}" is not a valid proxy URL (expected http://host:port or host:port)`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProxyConfigError(
      `${variable}="${shown(value)}": a proxy URL must use http:// or https://, not ${url.protocol}//`,
    );
  }
  if (url.hostname === '') throw new ProxyConfigError(`${variable}="${shown(value)}" has no host`);
  return withScheme;
}

/** The proxies the environment asks for. Throws ProxyConfigError. */
export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const settings: ProxySettings = { noProxy: '' };
  // Lower case first, as curl and undici read them.
  const http = firstNonEmpty(env, ['http_proxy', 'HTTP_PROXY'] as const);
  const https = firstNonEmpty(env, ['https_proxy', 'HTTPS_PROXY'] as const);
  if (http) settings.http = { variable: http.name, url: proxyUrl(http.name, http.value) };
  if (https) settings.https = { variable: https.name, url: proxyUrl(https.name, https.value) };
  const noProxy = firstNonEmpty(env, ['no_proxy', 'NO_PROXY'] as const);
  if (noProxy) {
    settings.noProxy = noProxy.value;
    settings.noProxyVariable = noProxy.name;
  }
  return settings;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/**
 * The proxy a request to `url` goes through, if any: the same choice as undici's
 * EnvHttpProxyAgent (https falls back to the http proxy; NO_PROXY `*`, a host, a parent
 * domain, `host:port`), so a message can say which variable was involved.
 */
export function proxyFor(settings: ProxySettings, url: URL): ProxyChoice | undefined {
  const choice = url.protocol === 'https:' ? (settings.https ?? settings.http) : settings.http;
  if (!choice) return undefined;
  const host = url.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number.parseInt(url.port, 10) || DEFAULT_PORTS[url.protocol] || 0;
  const entries = settings.noProxy.split(/[,\s]/).filter(Boolean);
  if (settings.noProxy.trim() === '*') return undefined;
  for (const entry of entries) {
    const m = /^(.+):(\d+)$/.exec(entry);
    const name = (m ? (m[1] as string) : entry).replace(/^\*?\./, '').toLowerCase();
    if (m && Number(m[2]) !== port) continue;
    if (host === name || host.endsWith(`.${name}`)) return undefined;
  }
  return choice;
}
