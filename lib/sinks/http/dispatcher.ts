// The undici dispatcher a client sends through: proxies from the environment, extra CAs, --insecure.

import { readText } from '../../files.js';
import type { Dispatcher } from 'undici';
import { loadUndici, loadUndiciProxy } from './undici.js';
import { PROXY_VARIABLES, proxySettings } from './proxy-env.js';

export interface DispatcherOptions {
  /**
   * The longest a TCP connect plus TLS handshake may take (--timeout). undici's own default is
   * 10 s, and closing the dispatcher waits for a connect in progress: an address that drops SYNs
   * or a TLS port that never answers held the exit that long whatever --deadline said.
   */
  connectTimeoutMs?: number;
  caFile?: string;
  insecure?: boolean;
  /** The environment to read proxy and CA variables from (process.env by default; tests pass their own). */
  env?: ProcessEnvLike;
}

type ProcessEnvLike = Readonly<Record<string, string | undefined>>;

/** True when the environment names a proxy, so requests must go through EnvHttpProxyAgent. */
export function proxyConfigured(env: ProcessEnvLike): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]));
}

/**
 * The trusted CAs when --ca-file is given, else undefined (Node's defaults apply). Passing `ca`
 * replaces Node's whole store, NODE_EXTRA_CA_CERTS included (tls.rootCertificates is only the
 * bundled Mozilla list on Node 20), so that file is read here too and both keep working.
 */
export function trustedCas(caFile: string | undefined, env: ProcessEnvLike): string[] | undefined {
  if (!caFile) return undefined;
  // node:tls only now: a run without --ca-file never loads it (undici loads it for https only).
  const cas = [...process.getBuiltinModule('node:tls').rootCertificates];
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) {
    try {
      cas.push(readText(extra));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we (by ignoring it).
    }
  }
  // Opened non-blocking and bounded (lib/files.ts): a FIFO or /dev/zero is an error, not a hang.
  cas.push(readText(caFile));
  return cas;
}

/** What a dispatcher is made from, worked out before undici is loaded. */
export interface DispatcherSettings {
  tls: { ca?: string[]; rejectUnauthorized?: false; timeout?: number };
  /** Set when the environment names a proxy: requests go through EnvHttpProxyAgent. */
  proxies?: { httpProxy: string; httpsProxy: string; noProxy: string | undefined };
}

/**
 * Throws (ENOENT, EACCES) when the CA file cannot be read, and ProxyConfigError (naming the
 * variable) for an unusable proxy variable: configuration errors for the caller to report,
 * found before undici is loaded and before any request.
 */
export function dispatcherSettings(opts: DispatcherOptions): DispatcherSettings {
  const env = opts.env ?? process.env;
  const ca = trustedCas(opts.caFile, env);
  const tls = {
    ...(ca ? { ca } : {}),
    ...(opts.insecure ? { rejectUnauthorized: false as const } : {}),
    ...(opts.connectTimeoutMs !== undefined ? { timeout: opts.connectTimeoutMs } : {}),
  };
  if (!proxyConfigured(env)) return { tls };
  const proxies = proxySettings(env);
  // '' rather than undefined: undici would otherwise fall back to process.env.
  return {
    tls,
    proxies: { httpProxy: proxies.http?.url ?? '', httpsProxy: proxies.https?.url ?? '', noProxy: proxies.noProxy },
  };
}

/** The dispatcher for these settings; loads undici (and its proxy agent only when a proxy is named). */
export async function createDispatcher(settings: DispatcherSettings): Promise<Dispatcher> {
  const { tls, proxies } = settings;
  if (!proxies) return new (await loadUndici()).Agent({ connect: tls });
  const { EnvHttpProxyAgent } = await loadUndiciProxy();
  // `connect` reaches direct connections (NO_PROXY); `requestTls` the TLS inside a CONNECT tunnel.
  // The variables are passed explicitly so an `env` other than process.env is honoured.
  return new EnvHttpProxyAgent({ connect: tls, requestTls: tls, ...proxies });
}
