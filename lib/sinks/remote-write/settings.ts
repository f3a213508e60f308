// `--remote-write URL` (repeatable) → the remote-write backends' settings: the URL's user-info
// as basic auth, else a bearer token from REMOTE_WRITE_TOKEN or --remote-write-token-file
// (never from argv, where every user of the machine can read it). Pure apart from `readText`.

import { fileProblem, TOKEN_FILE_LIMITS, type ReadText } from '../../files.js';
import { basicAuthHeader } from '../http/redact.js';

export interface RemoteWriteConfig {
  /** The receiver's write endpoint as given (e.g. …/api/v1/write), user-info removed. */
  url: URL;
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer …` when the URL has no user-info. */
  token?: string;
  /** `--remote-write-header 'K: V'`, for these receivers only. */
  headers?: ReadonlyArray<readonly [string, string]>;
}

export type Env = Readonly<Record<string, string | undefined>>;

export interface RemoteWriteConfigResult {
  configs: RemoteWriteConfig[];
  errors: string[];
  /** A token given in a form we do not use (e.g. both env and file). */
  warnings: string[];
}

export function remoteWriteConfigs(
  flags: readonly string[],
  tokenFile: string | undefined,
  env: Env,
  readText: ReadText,
  headers: ReadonlyArray<readonly [string, string]> = [],
): RemoteWriteConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const configs: RemoteWriteConfig[] = [];
  if (flags.length === 0) {
    if (tokenFile !== undefined) errors.push('--remote-write-token-file given without --remote-write');
    return { configs, errors, warnings };
  }
  let token: string | undefined;
  if (tokenFile !== undefined) {
    try {
      token = readText(tokenFile, TOKEN_FILE_LIMITS).trim();
    } catch (err) {
      errors.push(`remote-write: cannot read --remote-write-token-file ${tokenFile}: ${fileProblem(err)}`);
      return { configs, errors, warnings };
    }
    if (token === '') errors.push(`remote-write: --remote-write-token-file ${tokenFile} is empty`);
    if (env.REMOTE_WRITE_TOKEN?.trim())
      warnings.push('remote-write: both REMOTE_WRITE_TOKEN and --remote-write-token-file are set; the file wins');
  } else if (env.REMOTE_WRITE_TOKEN?.trim()) token = env.REMOTE_WRITE_TOKEN.trim();

  for (const text of flags) {
    const shown = text.replace(/\/\/[^/@]*@/, '//***@');
    let url: URL;
    try {
      url = new URL(text.trim());
    } catch {
      errors.push(`remote-write: "${shown}" is not a URL (expected e.g. http://host:9090/api/v1/write)`);
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      errors.push(`remote-write: "${shown}" must use http:// or https://, not ${url.protocol}//`);
      continue;
    }
    const config: RemoteWriteConfig = { url, ...(headers.length > 0 ? { headers } : {}) };
    try {
      if (url.username !== '' || url.password !== '') {
        config.username = decodeURIComponent(url.username);
        config.password = decodeURIComponent(url.password);
      }
    } catch {
      errors.push(`remote-write: the credentials in "${shown}" are not validly percent-encoded`);
      continue;
    }
    url.username = '';
    url.password = '';
    if (config.username === undefined && token !== undefined && token !== '') config.token = token;
    configs.push(config);
  }
  return { configs, errors, warnings };
}

/** The user-info of a remote-write URL and the Basic credential made of it, or its bearer token. */
export function remoteWriteSecrets(cfg: RemoteWriteConfig): string[] {
  const basic =
    cfg.username !== undefined || cfg.password !== undefined
      ? basicAuthHeader(cfg.username ?? '', cfg.password ?? '').slice('Basic '.length)
      : undefined;
  return [cfg.password, cfg.username, basic, cfg.token].filter((s): s is string => s !== undefined);
}
