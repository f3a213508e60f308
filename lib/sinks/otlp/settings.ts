// `--otlp URL` and the OpenTelemetry SDK's environment (opentelemetry-specification,
// protocol/exporter.md and configuration/sdk-environment-variables.md) → the OTLP/HTTP
// backend's settings. Pure: the environment comes in as an argument.
//
//   endpoint  --otlp URL, else OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as it is, else
//             OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics; OTEL_METRICS_EXPORTER=none turns it off
//   headers   OTEL_EXPORTER_OTLP_HEADERS, then OTEL_EXPORTER_OTLP_METRICS_HEADERS (wins per key)
//   resource  service.name (OTEL_SERVICE_NAME, else OTEL_RESOURCE_ATTRIBUTES's, else ours)

import type { Temporality } from './serialize.js';
import { urlCredentials } from '../http/redact.js';

export interface OtlpConfig {
  /** The full metrics endpoint, user-info removed. */
  url: URL;
  /** Lower-case names; the values may be credentials (registered as secrets). */
  headers: Array<readonly [string, string]>;
  temporality: Temporality;
  /** From OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES, in order; service.name first. */
  resource: Array<readonly [string, string]>;
  gzip: boolean;
  /** Where the endpoint came from, for messages. */
  source: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULT_SERVICE_NAME = 'jes-metrics-pipe';

export interface OtlpConfigResult {
  config?: OtlpConfig;
  errors: string[];
  warnings: string[];
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** The endpoint text and where it came from: --otlp, the metrics endpoint, or the base endpoint + /v1/metrics. */
function otlpEndpoint(fromFlag: string | undefined, env: Env): [string, string] | undefined {
  const signal = nonEmpty(env.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT);
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (fromFlag !== undefined) return [fromFlag, '--otlp'];
  if (signal !== undefined) return [signal, 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'];
  if (base !== undefined) return [`${base.replace(/\/+$/, '')}/v1/metrics`, 'OTEL_EXPORTER_OTLP_ENDPOINT'];
  return undefined;
}

/** The environment's headers, then --otlp-header's; the ones the HTTP layer sets are dropped. */
function otlpHeaders(
  env: Env,
  flagHeaders: ReadonlyArray<readonly [string, string]>,
  errors: string[],
  warnings: string[],
): Map<string, string> {
  const headers = new Map<string, string>();
  for (const name of ['OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS']) {
    const parsed = parseKeyValueList(env[name] ?? '');
    if (parsed.bad.length > 0)
      errors.push(
        `otlp: ${name}: ${parsed.bad.length} entries are not key=value (not shown: they may hold a credential)`,
      );
    for (const [k, v] of parsed.pairs) headers.set(k.toLowerCase(), v);
  }
  // --otlp-header wins over the environment's.
  for (const [k, v] of flagHeaders) headers.set(k.toLowerCase(), v);
  for (const name of ['content-type', 'content-encoding', 'content-length']) {
    if (headers.delete(name))
      warnings.push(`otlp: the ${name} header is set by jes-metrics-pipe; the one given is ignored`);
  }
  return headers;
}

/** service.name (OTEL_SERVICE_NAME first) and OTEL_RESOURCE_ATTRIBUTES. */
function otlpResource(env: Env, warnings: string[]): Map<string, string> {
  const resource = new Map<string, string>();
  const attrs = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES ?? '');
  if (attrs.bad.length > 0)
    warnings.push(
      `otlp: OTEL_RESOURCE_ATTRIBUTES: not key=value, left out: ${attrs.bad.map((b) => JSON.stringify(b)).join(', ')}`,
    );
  const service =
    nonEmpty(env.OTEL_SERVICE_NAME) ?? attrs.pairs.find(([k]) => k === 'service.name')?.[1] ?? DEFAULT_SERVICE_NAME;
  resource.set('service.name', service);
  for (const [k, v] of attrs.pairs) if (k !== 'service.name') resource.set(k, v);
  return resource;
}

/** gzip (the default) or none. */
function otlpCompression(env: Env, warnings: string[]): string {
  const compression = (
    nonEmpty(env.OTEL_EXPORTER_OTLP_METRICS_COMPRESSION) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_COMPRESSION) ??
    'gzip'
  ).toLowerCase();
  if (compression !== 'gzip' && compression !== 'none')
    warnings.push(`otlp: OTEL_EXPORTER_OTLP_COMPRESSION=${compression}: gzip or none; sending gzip`);
  return compression;
}

// The OpenTelemetry SDK environment has six variables with their own precedence
// rules (https://opentelemetry.io/docs/specs/otel/protocol/exporter/), read here in one place.
/** Undefined config and no errors: OTLP is not configured. */
export function otlpConfig(
  flag: string | undefined,
  env: Env,
  flagHeaders: ReadonlyArray<readonly [string, string]> = [],
): OtlpConfigResult {
  const errors: string[] = [];
  const warnings: string[] = [];
  const fromFlag = nonEmpty(flag);
  if (fromFlag === undefined && (env.OTEL_METRICS_EXPORTER ?? '').trim().toLowerCase() === 'none')
    return { errors, warnings };
  const endpoint = otlpEndpoint(fromFlag, env);
  if (endpoint === undefined) return { errors, warnings };
  const [text, source] = endpoint;

  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      errors: [`otlp: ${source} "${hideUserInfo(text)}" is not a URL (expected http(s)://host:port/v1/metrics)`],
      warnings,
    };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { errors: [`otlp: ${source} must use http:// or https://, not ${url.protocol}//`], warnings };
  }

  const protocol = nonEmpty(env.OTEL_EXPORTER_OTLP_METRICS_PROTOCOL) ?? nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  // An endpoint set for gRPC (often :4317, shared with a tracing SDK) does not speak HTTP.
  if (protocol === 'grpc' && fromFlag === undefined) {
    warnings.push(
      `otlp: OTEL_EXPORTER_OTLP_PROTOCOL=grpc: only http/protobuf is spoken, so ${source} is not used; give --otlp or OTEL_EXPORTER_OTLP_METRICS_ENDPOINT with the receiver's HTTP endpoint (…:4318/v1/metrics) and OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/protobuf`,
    );
    return { errors, warnings };
  }
  if (protocol !== undefined && protocol !== 'http/protobuf')
    warnings.push(`otlp: OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: only http/protobuf is spoken; sending that`);

  const headers = otlpHeaders(env, flagHeaders, errors, warnings);

  const temporality = temporalityPreference(env.OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, warnings);

  const resource = otlpResource(env, warnings);

  const compression = otlpCompression(env, warnings);

  // Credentials in the URL become Basic auth in the HTTP layer; the URL is kept as given.
  if (errors.length > 0) return { errors, warnings };
  return {
    config: {
      url,
      headers: [...headers.entries()],
      temporality,
      resource: [...resource.entries()],
      gzip: compression !== 'none',
      source,
    },
    errors,
    warnings,
  };
}

/**
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE (case-insensitive): cumulative (default);
 * delta and lowmemory both make a monotonic Sum (a Counter's) delta.
 */
export function temporalityPreference(value: string | undefined, warnings: string[] = []): Temporality {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '' || v === 'cumulative') return 'cumulative';
  if (v === 'delta' || v === 'lowmemory') return 'delta';
  warnings.push(
    `otlp: OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=${value}: cumulative, delta or lowmemory; using cumulative`,
  );
  return 'cumulative';
}

/**
 * The W3C Baggage-like list of OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES:
 * `k=v,k2=v2`, whitespace around each part trimmed, values percent-decoded.
 */
export function parseKeyValueList(text: string): { pairs: Array<[string, string]>; bad: string[] } {
  const pairs: Array<[string, string]> = [];
  const bad: string[] = [];
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const i = part.indexOf('=');
    const key = i > 0 ? part.slice(0, i).trim() : '';
    if (key === '') {
      bad.push(part.trim());
      continue;
    }
    let value = part.slice(i + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      // Left as written: a lone % is more likely meant literally than a mistake.
    }
    pairs.push([key, value]);
  }
  return { pairs, bad };
}

function hideUserInfo(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//***@');
}

/** OTEL_EXPORTER_OTLP_HEADERS values (an Api-Token, an api-key) and the credential after a scheme; the URL's user-info. */
export function otlpSecrets(cfg: OtlpConfig): string[] {
  return [
    ...cfg.headers.flatMap(([, value]) => [value, value.replace(/^\S+\s+/, '')]),
    ...urlCredentials(cfg.url.href),
  ];
}
