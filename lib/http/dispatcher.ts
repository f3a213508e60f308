// The undici dispatcher a client sends through: proxies from the environment, extra CAs, --insecure.

import { readFileSync } from 'node:fs';
import type { Dispatcher } from 'undici';
import { undici } from './undici.js';
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
      cas.push(readFileSync(extra, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we (by ignoring it).
    }
  }
  cas.push(readFileSync(caFile, 'utf8'));
  return cas;
}

/**
 * Throws (ENOENT, EACCES) when the CA file cannot be read, and ProxyConfigError (naming the
 * variable) for an unusable proxy variable: configuration errors for the caller to report.
 */
export function createDispatcher(opts: DispatcherOptions): Dispatcher {
  const env = opts.env ?? process.env;
  const ca = trustedCas(opts.caFile, env);
  const tls = {
    ...(ca ? { ca } : {}),
    ...(opts.insecure ? { rejectUnauthorized: false } : {}),
    ...(opts.connectTimeoutMs !== undefined ? { timeout: opts.connectTimeoutMs } : {}),
  };
  if (!proxyConfigured(env)) return new undici.Agent({ connect: tls });
  const proxies = proxySettings(env);
  // `connect` reaches direct connections (NO_PROXY); `requestTls` the TLS inside a CONNECT tunnel.
  // The variables are passed explicitly so an `env` other than process.env is honoured.
  return new undici.EnvHttpProxyAgent({
    connect: tls,
    requestTls: tls,
    // '' rather than undefined: undici would otherwise fall back to process.env.
    httpProxy: proxies.http?.url ?? '',
    httpsProxy: proxies.https?.url ?? '',
    noProxy: proxies.noProxy,
  });
}
