// --dry-run's form of a Pushgateway push: the request line and the exact body, built by the
// backend's own request builder, with the notes a real push gives.

import type { Config } from '../../cli/config.js';
import type { Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';

export async function renderPushgateway(
  series: readonly Series[],
  config: Config,
  reporter: Reporter,
  merge: boolean,
): Promise<string> {
  const { buildPushgatewayRequest } = await import('./sink.js');
  const pgw = config.pushgateway;
  const key = config.pushgatewayKey;
  const req = await buildPushgatewayRequest(series, {
    job: key.job,
    method: merge ? 'POST' : key.method,
    grouping: key.grouping,
    integration: config.integration,
    keptn: config.keptn,
    ci: config.ciGrouping,
  });
  // The same notes a real push gives (a label dropped for the grouping key, a changed name).
  for (const note of req.notes) reporter.warnOnce(`pushgateway:${note}`, `pushgateway: ${note}`);
  const where = pgw ? `${pgw.url.origin}${pgw.url.pathname.replace(/\/$/, '')}${req.path}` : req.path;
  // As the real push: an empty PUT would delete the previous run's series, so none is sent.
  if (req.series === 0) return `# pushgateway: nothing to push (0 series)\n`;
  return `# pushgateway: ${req.method} ${where}\n${req.body}`;
}
