// --dry-run's form of an OTLP push: the request line, the headers (credentials masked), and a
// readable, deterministic form of the protobuf body (no timestamps), built by the backend's own
// request builder.

import { headerLines, redactUrl } from '../http/redact.js';
import type { Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';
import type { OtlpConfig } from './settings.js';
import { buildOtlpRequest } from './sink.js';

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
