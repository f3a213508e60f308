// Where to send Dynatrace lines and with which token: `--dt-url`/`DT_TENANT` and
// `DT_API_TOKEN`/`--dt-token-file` → the ingest endpoint and the token.
// Messages never contain the URL's user-info or query (they may hold secrets) nor the token.

import { readText as readTextFile, type ReadText } from '../../files.js';

const API_SUFFIX = '/api/v2/metrics/ingest';
const ONEAGENT_SUFFIX = '/metrics/ingest';

/** The URL as it may be shown: scheme, host and path only. */
function shown(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * The ingest endpoint for what a user gives as tenant:
 * - SaaS `https://abc12345.live.dynatrace.com[/]`, Managed `https://host/e/<env-id>[/]`,
 *   ActiveGate `https://ag:9999/e/<env-id>`, any of them with `/api/v2` or a full
 *   `…/api/v2/metrics/ingest` → `<base>/api/v2/metrics/ingest`.
 * - OneAgent local `http://localhost:14499/metrics/ingest` → as is, `oneAgent: true` (no token).
 * - A bare host (`abc12345.live.dynatrace.com`, how DT_TENANT is often set) gets `https://`;
 *   a bare localhost gets `http://`.
 */
export function dynatraceIngestUrl(input: string): { url: URL; oneAgent: boolean } | { error: string } {
  const text = input.trim();
  if (text === '') return { error: 'the Dynatrace URL is empty' };
  let url: URL;
  try {
    const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text);
    const local = /^(localhost|127\.0\.0\.1|\[::1\])(:|\/|$)/i.test(text);
    url = new URL(hasScheme ? text : `${local ? 'http' : 'https'}://${text}`);
  } catch {
    return { error: 'the Dynatrace URL is not a valid URL (expected e.g. https://<env-id>.live.dynatrace.com)' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { error: `the Dynatrace URL must start with https:// or http://, not ${url.protocol}//` };
  }
  if (url.hostname === '') return { error: 'the Dynatrace URL has no host' };
  if (url.username !== '' || url.password !== '') {
    return {
      error: `the Dynatrace URL ${shown(url)} must not contain user-info; put the token in DT_API_TOKEN or --dt-token-file`,
    };
  }
  if (url.search !== '') {
    return {
      error: `the Dynatrace URL ${shown(url)} must not contain a query string; put the token in DT_API_TOKEN or --dt-token-file`,
    };
  }
  url.hash = '';

  const path = url.pathname.replace(/\/+$/, '');
  if (/(^|\/)ui(\/|$)/.test(path)) {
    return {
      error: `the Dynatrace URL ${shown(url)} looks like a web UI address; use the environment URL, e.g. https://<env-id>.live.dynatrace.com or https://<host>/e/<env-id>`,
    };
  }
  let ingestPath: string;
  let oneAgent = false;
  if (path.endsWith(API_SUFFIX)) ingestPath = path;
  else if (path.endsWith('/api/v2/metrics')) ingestPath = `${path}/ingest`;
  else if (path.endsWith('/api/v2')) ingestPath = `${path}/metrics/ingest`;
  else if (path.endsWith(ONEAGENT_SUFFIX)) {
    ingestPath = path;
    oneAgent = true;
  } else ingestPath = `${path}${API_SUFFIX}`; // the root, /e/<id>, or a reverse-proxy prefix
  url.pathname = ingestPath;
  return { url, oneAgent };
}

/** A OneAgent local endpoint (`…/metrics/ingest` without `/api/v2`): it takes no token. */
export function isOneAgentEndpoint(url: URL): boolean {
  const path = url.pathname.replace(/\/+$/, '');
  return path.endsWith(ONEAGENT_SUFFIX) && !path.endsWith(API_SUFFIX);
}

export interface TokenResult {
  token?: string;
  error?: string;
  /** Said once, not an error (a token given for the OneAgent endpoint is not sent). */
  warning?: string;
}

/** A token is about 100 bytes; a file far bigger is not a token file (`/dev/zero`, a log). */
export const TOKEN_FILE_MAX_BYTES = 16 * 1024;
/** How long a pipe (`--dt-token-file <(vault …)`) is waited for before it counts as silent. */
export const TOKEN_FILE_WAIT_MS = 1000;

/** Why a token file could not be read, from the error's code. */
function tokenFileProblem(tokenFile: string, code: string): string {
  if (code === 'EFBIG')
    return `the Dynatrace token file ${tokenFile} is larger than ${TOKEN_FILE_MAX_BYTES} bytes: not a token file`;
  if (code === 'EAGAIN')
    return `the Dynatrace token file ${tokenFile} gave nothing to read within ${TOKEN_FILE_WAIT_MS / 1000} s (a FIFO or pipe whose writer is silent?)`;
  return `cannot read the Dynatrace token file ${tokenFile} (${code})`;
}

/**
 * The API token: `--dt-token-file` (read bounded, then trimmed) wins over `DT_API_TOKEN`;
 * never a command-line value (it would show in `ps` and in the job's spec). A non-OneAgent
 * endpoint without a token is a configuration error; the OneAgent endpoint takes none.
 */
export function readDynatraceToken(
  env: Readonly<Record<string, string | undefined>>,
  tokenFile: string | undefined,
  oneAgent = false,
  readText: ReadText = readTextFile,
): TokenResult {
  let token: string | undefined;
  let source: string;
  if (tokenFile !== undefined) {
    source = `--dt-token-file ${tokenFile}`;
    try {
      token = readText(tokenFile, { maxBytes: TOKEN_FILE_MAX_BYTES, waitMs: TOKEN_FILE_WAIT_MS }).trim();
    } catch (e) {
      return { error: tokenFileProblem(tokenFile, (e as NodeJS.ErrnoException).code ?? 'read error') };
    }
    // A FIFO without a writer reads as empty at once (it is opened non-blocking).
    if (token === '')
      return { error: `the Dynatrace token file ${tokenFile} is empty (or a FIFO nobody has opened for writing)` };
  } else {
    source = 'DT_API_TOKEN';
    const fromEnv = env.DT_API_TOKEN?.trim();
    token = fromEnv === '' ? undefined : fromEnv;
  }

  if (oneAgent) {
    return token === undefined
      ? {}
      : { warning: `the OneAgent local endpoint needs no token; the token from ${source} is not sent` };
  }
  if (token === undefined) {
    return { error: 'the Dynatrace API token is missing: set DT_API_TOKEN or --dt-token-file (scope metrics.ingest)' };
  }
  // A header cannot carry these, and a pasted file with two lines is a mistake.
  if (/[\s\u0000-\u001f\u007f]/.test(token))
    return { error: `the Dynatrace API token from ${source} contains whitespace or control characters` };
  return { token };
}

/** The token, and its secret part: a token is `dt0c01.<public>.<secret>`, and the secret part is masked wherever it shows up alone. */
export function dynatraceSecrets(cfg: { readonly token?: string }): string[] {
  const secretPart = cfg.token?.split('.')[2];
  return [cfg.token, secretPart !== undefined && secretPart.length >= 8 ? secretPart : undefined].filter(
    (s): s is string => s !== undefined,
  );
}
