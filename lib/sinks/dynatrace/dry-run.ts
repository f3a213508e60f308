// --dry-run's form of a Dynatrace push: each batch's request line and exact body, and the lines
// that would not be sent, built by the backend's own serializer.

import type { Config } from '../../cli/config.js';
import type { Reporter } from '../../report/report.js';
import type { Series } from '../../store/series.js';

export async function renderDynatrace(series: readonly Series[], config: Config, reporter: Reporter): Promise<string> {
  const { buildDynatraceBatches } = await import('./serialize.js');
  const { warnRenamed } = await import('./sink.js');
  const { batches, dropped, renamed } = buildDynatraceBatches(series);
  warnRenamed(reporter, renamed);
  const where = config.dynatrace
    ? `${config.dynatrace.url.origin}${config.dynatrace.url.pathname}`
    : '/api/v2/metrics/ingest';
  let out = batches.length === 0 ? '# dynatrace: nothing to send (0 lines)\n' : '';
  batches.forEach((b, i) => {
    out += `# dynatrace: POST ${where} (batch ${i + 1} of ${batches.length}, ${b.lines.length} lines)\n${b.body}`;
    if (!b.body.endsWith('\n')) out += '\n';
  });
  for (const d of dropped) {
    out += `# dynatrace: not sent: ${d.name}: ${d.reason}\n`;
    reporter.warnOnce(`dynatrace:${d.reason}`, `dynatrace: ${d.name} would not be sent: ${d.reason}`);
  }
  return out;
}
