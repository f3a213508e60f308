// A 2xx is not always success: only what a ValidationResponse confirms is
// counted as ok; a 2xx whose body is not one, or that accounts for fewer lines than were
// sent, is a warning and not a success.
import t from 'tap';
import type { Series } from '../../lib/store/series.js';
import { runCli } from '../support/cli.js';
import { startFaultServer } from '../support/fault-server.js';
import { DT_TOKEN } from '../support/cli-reliability.js';
import { push, startDtHarness } from '../support/dt-harness.js';

const gauge = (name: string, value: number): Series => ({ name, value, labels: {}, type: 'gauge' });
const two = [gauge('keptn_t_a', 1), gauge('keptn_t_b', 2)];

const UNCONFIRMED: Array<[string, { status: number; body: string }, RegExp]> = [
  [
    '200 with a binary body',
    { status: 200, body: '\u0000\u0001\u00ff\u00fe binary' },
    /not a Dynatrace ValidationResponse/,
  ],
  [
    '202 with an HTML page',
    { status: 202, body: '<html><body>Accepted by the corporate proxy</body></html>' },
    /not a Dynatrace ValidationResponse: <html><body>Accepted by the corporate proxy/,
  ],
  ['202 with an empty body', { status: 202, body: '' }, /not a Dynatrace ValidationResponse \(empty\)/],
  [
    '202 {"linesOk":0,"linesInvalid":0} for 2 lines',
    { status: 202, body: '{"linesOk":0,"linesInvalid":0}' },
    /the answer accounts for 0 of 2 lines/,
  ],
];

for (const [name, fault, why] of UNCONFIRMED) {
  t.test(`${name}: 0 ok, 2 unconfirmed, a warning, not a success`, async (t) => {
    const h = await startDtHarness(t);
    h.dt.setFaults(fault);
    const outcome = await h.backend.push(two, push);
    t.same(outcome, { backend: 'dynatrace', ok: false, summary: `${fault.status}, 0 ok, 0 invalid, 2 unconfirmed` });
    t.match(h.text(), /warning: dynatrace POST \S+ -> \d+, but 2 of 2 lines are not confirmed as ingested: /);
    t.match(h.text(), why);
    t.match(
      h.text(),
      /Dynatrace lines not confirmed \(2, a 2xx without a ValidationResponse\):\nkeptn_t_a\S* gauge,1\nkeptn_t_b\S* gauge,2\n/,
      'printed for replay',
    );
    t.notMatch(h.text(), /[\u0000\u0001]/, 'the binary body is escaped');
  });
}

t.test('202 that confirms 1 of 2 lines: 1 ok, 1 unconfirmed', async (t) => {
  const h = await startDtHarness(t);
  h.dt.setFaults({ status: 202, body: '{"linesOk":1,"linesInvalid":0,"error":null}' });
  const outcome = await h.backend.push(two, push);
  t.same(outcome, { backend: 'dynatrace', ok: false, summary: '202, 1 ok, 0 invalid, 1 unconfirmed' });
  t.match(h.text(), /the answer accounts for 1 of 2 lines/);
});

t.test("the emulator's real 202 is still a plain success", async (t) => {
  const h = await startDtHarness(t);
  const outcome = await h.backend.push(two, push);
  t.same(outcome, { backend: 'dynatrace', ok: true, summary: '202, 2 ok, 0 invalid' });
  t.equal(h.text(), '');
});

t.test('the CLI: an unconfirmed 202 gives exit 3 with --fail-on-push-error, 0 without', async (t) => {
  const server = await startFaultServer([], { status: 202, body: '<html>ok</html>' });
  t.teardown(() => server.close());
  const args = ['--integration', 'u', '--dt-url', server.url];
  const env = { DT_API_TOKEN: DT_TOKEN };
  const strict = await runCli([...args, '--fail-on-push-error'], { input: 'a=1\nb=2\n', env });
  t.equal(strict.status, 3, strict.stderr);
  t.match(strict.stderr, /; dynatrace: 202, 0 ok, 0 invalid, 2 unconfirmed\n$/);
  const lenient = await runCli(args, { input: 'a=1\nb=2\n', env });
  t.equal(lenient.status, 0, lenient.stderr);
});
