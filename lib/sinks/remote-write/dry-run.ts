// --dry-run's form of a remote-write push: the request line, the headers (credentials masked), and
// a readable, deterministic form of the protobuf body (no timestamps), built by the backend's own
// request builder.

import { headerLines, redactUrl } from '../http/redact.js';
import type { Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';
import type { RemoteWriteConfig } from './settings.js';
import { buildRemoteWriteRequest, remoteWriteName } from './sink.js';

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
