// --dry-run: nothing is sent; each backend's exact payload is printed, in a fixed order, to
// stderr or to --dry-run-file. Uses the same request builders as the real backends, so what
// is printed is what would be sent.

import type { Backend, BackendOutcome, PushOptions } from '../backend.js';
import type { Config } from '../../cli/config.js';
import type { Series } from '../../store/series.js';
import type { Reporter } from '../../report/report.js';
import { escapeControls } from '../../report/escape.js';
import { loadPromClient } from '../pushgateway/serialize.js';

/** `writeStderr` takes the payloads when no --dry-run-file is named (the run's stderr). */
export function createDryRunBackend(config: Config, reporter: Reporter, writeStderr: (text: string) => void): Backend {
  // With no backend configured, show both: that is what a user trying the tool wants to see.
  const none = !config.pushgateway && !config.dynatrace && !config.otlp && config.remoteWrite.length === 0;
  return {
    name: 'dry-run',
    // The Pushgateway payload is prom-client's text.
    prepare: async () => {
      if (config.pushgateway || none) await loadPromClient();
    },
    async push(series: readonly Series[], opts: PushOptions): Promise<BackendOutcome> {
      const parts: string[] = [];
      if (config.pushgateway || none)
        parts.push(await renderPushgateway(series, config, reporter, opts.merge === true));
      if (config.dynatrace || none) parts.push(await renderDynatrace(series, config, reporter));
      // Only when configured: the encoders are loaded for runs that use them.
      if (config.otlp || config.remoteWrite.length > 0) {
        const { renderOtlp, renderRemoteWrite } = await import('./protobuf.js');
        if (config.otlp) parts.push(await renderOtlp(series, config.otlp, config.labels, reporter));
        for (const [i, rw] of config.remoteWrite.entries())
          parts.push(await renderRemoteWrite(series, rw, i, config.remoteWrite.length, reporter));
      }
      const text = parts.join('');
      if (config.dryRunFile !== undefined) {
        // Without blocking (lib/files.ts): a FIFO nobody reads is an error after a bound, not a hang.
        const { fileProblem, writeBoundedText } = await import('../../files.js');
        try {
          await writeBoundedText(config.dryRunFile, text, { append: false });
        } catch (err) {
          reporter.error(`cannot write --dry-run-file ${config.dryRunFile}: ${fileProblem(err)}`);
          return { backend: 'dry-run', ok: false, summary: 'not written' };
        }
        return { backend: 'dry-run', ok: true, summary: `${series.length} series written to ${config.dryRunFile}` };
      }
      // A terminal must not run escape sequences from label values; the file keeps the exact bytes.
      writeStderr(text.split('\n').map(escapeControls).join('\n'));
      return { backend: 'dry-run', ok: true, summary: `${series.length} series printed` };
    },
  };
}

async function renderPushgateway(
  series: readonly Series[],
  config: Config,
  reporter: Reporter,
  merge: boolean,
): Promise<string> {
  const { buildPushgatewayRequest } = await import('../pushgateway/sink.js');
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

async function renderDynatrace(series: readonly Series[], config: Config, reporter: Reporter): Promise<string> {
  const { buildDynatraceBatches } = await import('../dynatrace/serialize.js');
  const { warnRenamed } = await import('../dynatrace/sink.js');
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
