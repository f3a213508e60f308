// Runs the extraction in-process on a text, as the run does (lines, then document rules, then
// finish): for tests of rules on recorded output without a child process.

import { readFileSync } from 'node:fs';
import { parseConfig } from '../../lib/cli/args.js';
import { Extractor } from '../../lib/extract/extractor.js';
import { Reporter } from '../../lib/report/report.js';
import { SeriesStore, type Series } from '../../lib/store/series.js';
import { loadRuleText } from '../../lib/extract/rules/load.js';

export interface Extracted {
  series: Series[];
  /** Everything said on stderr, one message a line. */
  messages: string[];
  /** name{label=value,…} → value, context labels (ci_platform) left out, for short assertions. */
  values: Record<string, number>;
}

export function recorded(name: string): string {
  return readFileSync(new URL(`../fixtures/recorded/${name}/input`, import.meta.url), 'utf8');
}

export async function extract(input: string, opts: { rules?: string; args?: string[] } = {}): Promise<Extracted> {
  const parsed = parseConfig(['--integration', 't', ...(opts.args ?? [])], {});
  if (parsed.usageErrors.length > 0) throw new Error(parsed.usageErrors.join('\n'));
  const { config } = parsed;
  if (opts.rules !== undefined) {
    const loaded = await loadRuleText('rules.yaml', opts.rules);
    if ('errors' in loaded) throw new Error(loaded.errors.join('\n'));
    config.ruleSets = [loaded.set];
  }
  if (config.presets.length > 0) {
    const { loadPresets } = await import('../../lib/extract/presets/catalog.js');
    const loaded = await loadPresets(config.presets);
    if (loaded.errors.length > 0) throw new Error(loaded.errors.join('\n'));
    config.ruleSets = [...loaded.sets, ...(config.ruleSets ?? [])];
  }
  const messages: string[] = [];
  const reporter = new Reporter({ write: (t) => messages.push(...t.replace(/\n$/, '').split('\n')), budget: 1 << 30 });
  const store = new SeriesStore(config.maxSeries);
  const extractor = new Extractor(config, store, reporter);
  await feed(extractor, input);
  const series = store.list();
  const values: Record<string, number> = {};
  for (const s of series) {
    const labels = Object.entries(s.labels).filter(([k]) => k !== 'ci_platform');
    const name = s.name.replace(/^keptn_t_/, '');
    values[labels.length > 0 ? `${name}{${labels.map(([k, v]) => `${k}=${v}`).join(',')}}` : name] = s.value;
  }
  return { series, messages, values };
}

/** The input through an Extractor as a run does it: its lines, the documents, then the end. */
export async function feed(extractor: Extractor, input: string): Promise<void> {
  const lines = input.split('\n');
  if (lines.at(-1) === '') lines.pop();
  // --preset auto's tail is kept as the run's line splitter keeps it (lib/input/lines.ts).
  const tail = extractor.lineTail('line');
  lines.forEach((line, i) => {
    const text = line.replace(/\r$/, '');
    if (tail?.active === true) tail.keep(Buffer.from(text), 0, Buffer.byteLength(text), i + 1);
    extractor.line(text, () => `line ${i + 1}`);
  });
  extractor.drain();
  if (extractor.wantsDocument) await extractor.documents(input);
  extractor.finish();
}
