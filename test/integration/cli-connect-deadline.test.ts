// Connecting counts against --timeout and --deadline like the rest of a request: an address that
// drops SYNs, or a TLS port that accepts and stays silent, used to hold the exit for undici's
// 10 s connect timeout whatever the flags said.

import t from 'tap';
import { existsSync } from 'node:fs';
import { runCli } from '../support/cli.js';
import { PYTHON, silentPort, synDroppingPort } from '../support/blackhole.js';

// The old behaviour took 10.7–11 s; the bound leaves room for a loaded machine.
const BOUND_MS = 7000;

t.test(
  'a Pushgateway address that drops SYNs: --timeout 1s --deadline 2s ends the run in time',
  { skip: existsSync(PYTHON) ? false : `${PYTHON} missing` },
  async (t) => {
    const hole = await synDroppingPort();
    t.teardown(() => hole.stop());
    const started = Date.now();
    const r = await runCli(
      ['--integration', 'syn', '--pushgateway', `http://127.0.0.1:${hole.port}`, '--timeout', '1s', '--deadline', '2s'],
      {
        input: 'a=1\n',
      },
    );
    const took = Date.now() - started;
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout.toString(), 'a=1\n');
    t.match(r.stderr, /pushgateway: failed \(TimeoutError/);
    t.ok(took < BOUND_MS, `exited after ${took} ms`);
  },
);

t.test(
  'Dynatrace over https to a port that accepts and stays silent: --timeout 1s --deadline 2s ends the run in time',
  async (t) => {
    const hole = await silentPort();
    t.teardown(() => hole.stop());
    const started = Date.now();
    const r = await runCli(
      ['--integration', 'tls', '--dt-url', `https://127.0.0.1:${hole.port}`, '--timeout', '1s', '--deadline', '2s'],
      {
        input: 'a=1\n',
        env: {
          DT_API_TOKEN:
            'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.S3CR3TPART0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQR',
        },
      },
    );
    const took = Date.now() - started;
    t.equal(r.status, 0, r.stderr);
    t.match(r.stderr, /dynatrace: failed/);
    t.ok(took < BOUND_MS, `exited after ${took} ms`);
  },
);
