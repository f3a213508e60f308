// Every secret a run knows, worked out once from the configuration and the environment and
// registered with the reporter, which masks them in every message. One place, so a new
// credential (a token file, a header) cannot be forgotten by one of the places that print.

import type { Config, Env } from '../config.js';
import { dynatraceSecrets } from '../../sinks/dynatrace/settings.js';
import { otlpSecrets } from '../../sinks/otlp/settings.js';
import { pushgatewaySecrets } from '../../sinks/pushgateway/settings.js';
import { remoteWriteSecrets } from '../../sinks/remote-write/settings.js';
import { PROXY_VARIABLES } from '../../sinks/http/proxy-env.js';
import { urlCredentials } from '../../sinks/http/redact.js';
import type { Reporter } from '../../report/report.js';

export function registerSecrets(reporter: Reporter, config: Config, env: Env): void {
  const identities = new Set(identitiesOf(config, env));
  for (const secret of secretsOf(config, env))
    reporter.addSecret(secret, identities.has(secret) ? 'identity' : 'credential');
}

/** The user names among the secrets: masked in messages, but not credentials in a label value. */
export function identitiesOf(config: Config, env: Env): string[] {
  const users: (string | undefined)[] = [config.pushgateway?.username, ...config.remoteWrite.map((rw) => rw.username)];
  const urlUser = (text: string | undefined): string[] => {
    try {
      const u = text ? new URL(text).username : '';
      return u ? [u, decodeURIComponent(u)] : [];
    } catch {
      return [];
    }
  };
  if (config.otlp) users.push(...urlUser(config.otlp.url.href));
  users.push(...urlUser(config.gate?.historyUrl?.href));
  for (const name of PROXY_VARIABLES) users.push(...urlUser(env[name]));
  const passwords = new Set<string | undefined>([
    config.pushgateway?.password,
    ...config.remoteWrite.map((rw) => rw.password),
  ]);
  // A user name that is also a password stays a credential.
  return users.filter((u): u is string => u !== undefined && u !== '' && !passwords.has(u));
}

export function secretsOf(config: Config, env: Env): string[] {
  const secrets: (string | undefined)[] = [env.DT_API_TOKEN?.trim()];
  if (config.dynatrace) secrets.push(...dynatraceSecrets(config.dynatrace));
  if (config.pushgateway) secrets.push(...pushgatewaySecrets(config.pushgateway));
  if (config.otlp) secrets.push(...otlpSecrets(config.otlp));
  secrets.push(env.REMOTE_WRITE_TOKEN?.trim());
  for (const rw of config.remoteWrite) secrets.push(...remoteWriteSecrets(rw));
  // --header 'Authorization: Bearer …' and the like: the credential after the scheme.
  const headers = [
    ...config.http.headers,
    ...(config.pushgateway?.headers ?? []),
    ...(config.dynatrace?.headers ?? []),
  ];
  for (const rw of config.remoteWrite) headers.push(...(rw.headers ?? []));
  for (const [name, value] of headers) {
    if (/^(authorization|proxy-authorization|x-api-key|api-key)$/i.test(name))
      secrets.push(value, value.replace(/^\S+\s+/, ''));
  }
  for (const name of PROXY_VARIABLES) secrets.push(...urlCredentials(env[name]));
  // --slo-history's user-info (the gate strips it from the URL before the HTTP client sees it).
  secrets.push(...urlCredentials(config.gate?.historyUrl?.href));
  return secrets.filter((s): s is string => s !== undefined && s !== '');
}

/**
 * Masks every registered secret that reached a label value or a grouping-key part of the
 * configuration (`--label k=$TOKEN`, a CI variable holding one); returns the names masked, for
 * one warning. --ci-label naming a credential variable is refused earlier (lib/cli/ci-context.ts).
 */
export function maskConfigLabels(config: Config, reporter: Reporter): string[] {
  const masked = new Set<string>();
  const pairs = (list: ReadonlyArray<readonly [string, string]>): Array<readonly [string, string]> =>
    list.map(([k, v]) => {
      const m = reporter.maskValue(v);
      if (m !== v) masked.add(k);
      return [k, m] as const;
    });
  config.labels = Object.fromEntries(pairs(Object.entries(config.labels)));
  config.ciGrouping = pairs(config.ciGrouping);
  config.pushgatewayKey = { ...config.pushgatewayKey, grouping: pairs(config.pushgatewayKey.grouping) };
  if (config.pushgateway) config.pushgateway = { ...config.pushgateway, grouping: pairs(config.pushgateway.grouping) };
  const keptn: Config['keptn'] = {};
  for (const [k, v] of Object.entries(config.keptn) as Array<[keyof Config['keptn'], string | undefined]>) {
    if (v === undefined) continue;
    keptn[k] = reporter.maskValue(v);
    if (keptn[k] !== v) masked.add(`keptn_${k}`);
  }
  config.keptn = keptn;
  return [...masked];
}
