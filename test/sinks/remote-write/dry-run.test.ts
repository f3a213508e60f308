// --dry-run's remote-write form: per receiver, the request line, masked headers and the readable body.

import t from 'tap';
import { renderRemoteWrite } from '../../../lib/sinks/remote-write/dry-run.js';
import { capture, configOf, DRY_SERIES } from '../../support/dry-run-config.js';

t.test('named and numbered by receiver; the password masked; deterministic', async (t) => {
  const config = configOf([
    '--remote-write',
    'http://user:pw-s3cr3t-value@prom:9090/api/v1/write',
    '--remote-write',
    'http://vm:8428/api/v1/write',
  ]);
  const { reporter } = capture();
  const first = await renderRemoteWrite(DRY_SERIES, config.remoteWrite[0]!, 0, 2, reporter);
  t.match(
    first,
    /^# remote-write 1: POST http:\/\/prom:9090\/api\/v1\/write \(2 series, remote write 1\.0, snappy\)\n/,
  );
  t.match(first, /^# remote-write 1: authorization: \*\*\*$/m);
  t.notMatch(first, /pw-s3cr3t-value/);
  t.match(first, /keptn_k6_rps/);
  t.equal(await renderRemoteWrite(DRY_SERIES, config.remoteWrite[0]!, 0, 2, reporter), first);
  const second = await renderRemoteWrite([], config.remoteWrite[1]!, 1, 2, reporter);
  t.equal(second, '# remote-write 2: nothing to push (0 series)\n');
});
