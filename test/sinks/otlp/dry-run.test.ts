// --dry-run's OTLP form: the request line, the headers with credentials masked, the readable body.

import t from 'tap';
import { renderOtlp } from '../../../lib/sinks/otlp/dry-run.js';
import { capture, configOf, DRY_SERIES } from '../../support/dry-run-config.js';

t.test('the request line, masked headers and the body', async (t) => {
  const config = configOf(['--otlp', 'http://collector:4318/v1/metrics'], {
    OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Api-Token%20s3cr3t-t0ken-value',
  });
  const { reporter } = capture();
  const text = await renderOtlp(DRY_SERIES, config.otlp!, config.labels, reporter);
  t.match(text, /^# otlp: POST http:\/\/collector:4318\/v1\/metrics \(2 metrics, 2 data points, protobuf(, gzip)?\)\n/);
  t.match(text, /^# otlp: authorization: \*\*\*$/m, 'the credential is masked');
  t.match(text, /^# otlp: content-type: application\/x-protobuf$/m);
  t.notMatch(text, /s3cr3t-t0ken-value/);
  t.match(text, /keptn_k6_rps/);
  t.match(text, /keptn_k6_errors_total/);
  t.equal(await renderOtlp(DRY_SERIES, config.otlp!, config.labels, reporter), text, 'deterministic: no timestamps');
  t.equal(await renderOtlp([], config.otlp!, config.labels, reporter), '# otlp: nothing to push (0 series)\n');
});
