// --dry-run for the two protobuf outputs (OTLP, remote write): the request line, the headers
// (credentials masked), and a readable, deterministic form of the body (no timestamps). Built
// by the backends' own request builders, so what is printed is what would be sent.

import { redactUrl } from '../http/redact.js';
import type { Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';
import type { OtlpConfig } from '../otlp/settings.js';
import { buildOtlpRequest } from '../otlp/sink.js';
import type { RemoteWriteConfig } from '../remote-write/settings.js';
import { buildRemoteWriteRequest, remoteWriteName } from '../remote-write/sink.js';

/** The headers that are no secret; every other value (authorization, api keys) is masked. */
const SHOWN_HEADERS = new Set(['content-type', 'content-encoding', 'x-prometheus-remote-write-version']);

function headerLines(prefix: string, headers: Record<string, string>, reporter: Reporter): string {
  let out = '';
  for (const name of Object.keys(headers).sort()) {
    const value = headers[name]!;
    if (!SHOWN_HEADERS.has(name)) reporter.addSecret(value.replace(/^(Basic|Bearer) /, ''));
    out += `# ${prefix}: ${name}: ${SHOWN_HEADERS.has(name) ? value : '***'}\n`;
  }
  return out;
}

export async function renderOtlp(
  series: readonly Series[],
  cfg: OtlpConfig,
  labels: Readonly<Record<string, string>>,
  reporter: Reporter,
): Promise<string> {
  for (const [, v] of cfg.headers) reporter.addSecret(v);
  const req = await buildOtlpRequest(series, cfg, { labels }, 0);
  if (req.points === 0) return '# otlp: nothing to push (0 series)\n';
  const head = `# otlp: POST ${redactUrl(cfg.url)} (${req.metrics} metrics, ${req.points} data points, protobuf${cfg.gzip ? ', gzip' : ''})\n`;
  return `${head}${headerLines('otlp', req.headers, reporter)}${req.text}`;
}

export async function renderRemoteWrite(
  series: readonly Series[],
  cfg: RemoteWriteConfig,
  index: number,
  count: number,
  reporter: Reporter,
): Promise<string> {
  const name = remoteWriteName(index, count);
  reporter.addSecret(cfg.password);
  reporter.addSecret(cfg.token);
  const req = await buildRemoteWriteRequest(series, cfg, 0);
  for (const note of req.notes) reporter.warnOnce(`remote-write:${note}`, `remote-write: ${note}`);
  if (req.series === 0) return `# ${name}: nothing to push (0 series)\n`;
  const head = `# ${name}: POST ${redactUrl(cfg.url)} (${req.series} series, remote write 1.0, snappy)\n`;
  return `${head}${headerLines(name, req.headers, reporter)}${req.text}`;
}
