// --preset auto reads the last 64 KB of lines at the end: a preset recognised only by a mark in
// that tail must still have its JSON rules (and their defaults) read the input's document, which
// is read at the end too (lib/extract/extractor.ts, #readAutoTail before documents()).
import t from 'tap';
import { parseConfig } from '../../lib/cli/args.js';
import { Extractor } from '../../lib/extract/extractor.js';
import { Reporter } from '../../lib/report/report.js';
import { SeriesStore } from '../../lib/store/series.js';
import { loadRuleText } from '../../lib/extract/rules/load.js';
import { feed } from '../support/extract.js';

const RULES = `version: 1
marks:
  - line: '^DONE total=\\d+$'
rules:
  - json: '$.size'
    name: size
  - json: '$.missing'
    name: missing
    default: 0
`;

t.test('a preset recognised only by its tail: its JSON rules read the document, defaults included', async (t) => {
  const parsed = parseConfig(['--integration', 't', '--preset', 'auto'], {});
  const { config } = parsed;
  const loaded = await loadRuleText('preset tail', RULES);
  if ('errors' in loaded) throw new Error(loaded.errors.join());
  config.ruleSets = [{ ...loaded.set, auto: true }];
  const messages: string[] = [];
  const reporter = new Reporter({ write: (m) => messages.push(m), budget: 1 << 30 });
  const store = new SeriesStore(config.maxSeries);
  const extractor = new Extractor(config, store, reporter);
  // A pretty-printed document over 64 KB (past the head the presets read first), then the mark.
  const items = Array.from({ length: 4000 }, (_, i) => `    {"id": ${i}, "name": "item number ${i}"}`).join(',\n');
  const input = `{\n  "size": 42,\n  "items": [\n${items}\n  ]\n}\nDONE total=4000\n`;
  t.ok(input.length > 128 * 1024, 'the mark is in the tail only');
  await feed(extractor, input);
  const values = Object.fromEntries(store.list().map((s) => [s.name, s.value]));
  t.equal(values.keptn_t_size, 42, 'the JSON rule read the document');
  t.equal(values.keptn_t_missing, 0, 'and its default is sent');
  t.match(messages.join(''), /--preset auto: chose tail/);
});
