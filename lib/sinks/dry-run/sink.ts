// --dry-run: nothing is sent; each backend's exact payload (its folder's dry-run.ts) is printed, in a fixed order, to
// stderr or to --dry-run-file. Uses the same request builders as the real backends, so what
// is printed is what would be sent.

import type { Backend, BackendOutcome, PushOptions } from '../backend.js';
import type { Config } from '../../cli/config.js';
import type { Series } from '../../store/series.js';
import type { Reporter } from '../../report/report.js';
import { escapeControls } from '../../report/escape.js';
import { loadPromClient } from '../pushgateway/serialize.js';
import { renderPushgateway } from '../pushgateway/dry-run.js';
import { renderDynatrace } from '../dynatrace/dry-run.js';

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
        const [{ renderOtlp }, { renderRemoteWrite }] = await Promise.all([
          import('../otlp/dry-run.js'),
          import('../remote-write/dry-run.js'),
        ]);
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
