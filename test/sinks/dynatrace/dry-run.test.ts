// --dry-run's Dynatrace form: each batch's request line and body, and the lines that would not be sent.

import t from 'tap';
import { renderDynatrace } from '../../../lib/sinks/dynatrace/dry-run.js';
import { capture, configOf, DRY_SERIES } from '../../support/dry-run-config.js';

t.test('one batch: the URL, the count and the lines', async (t) => {
  const config = configOf(['--dynatrace', 'https://abc123.live.dynatrace.com'], { DT_API_TOKEN: 'dt0c01.X.Y' });
  const { reporter } = capture();
  const text = await renderDynatrace(DRY_SERIES, config, reporter);
  t.match(
    text,
    /^# dynatrace: POST https:\/\/abc123\.live\.dynatrace\.com\/api\/v2\/metrics\/ingest \(batch 1 of 1, 2 lines\)\n/,
  );
  t.match(text, /^keptn_k6_rps,[^\n]* gauge,12\n/m);
  t.ok(text.endsWith('\n'));
});

t.test('no tenant: the API path; nothing: said; a value Dynatrace refuses: not sent, and warned', async (t) => {
  const config = configOf([]);
  const { reporter, stderr } = capture();
  t.match(await renderDynatrace(DRY_SERIES, config, reporter), /^# dynatrace: POST \/api\/v2\/metrics\/ingest /);
  t.equal(await renderDynatrace([], config, reporter), '# dynatrace: nothing to send (0 lines)\n');
  const nan = await renderDynatrace([{ name: 'keptn_k6_x', labels: {}, value: NaN, type: 'gauge' }], config, reporter);
  t.match(nan, /# dynatrace: not sent: keptn_k6_x: /);
  t.match(stderr(), /dynatrace: keptn_k6_x would not be sent: /);
});
