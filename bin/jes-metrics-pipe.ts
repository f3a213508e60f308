#!/usr/bin/env node
// argv and env in, exit status out; nothing else.

import { run } from '../lib/run.js';
import { refuseInspectorSignal } from '../lib/run/signals.js';
import { decidedExitStatus, exitAfterDrain } from '../lib/run/exit-drain.js';

refuseInspectorSignal();

let internalError = false;
const status = await run(process.argv.slice(2), process.env).catch((err: unknown) => {
  // A bug of ours: say so in one line and keep the job's status honest.
  process.stderr.write(`jes-metrics-pipe: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  internalError = true;
  return 70;
});
// run() has let its output drain; leave now even if a socket or a read lingers.
if (internalError) await exitAfterDrain(status);
// A second signal may have decided the status already (it is waiting for stderr to drain).
process.exit(decidedExitStatus() ?? status);
