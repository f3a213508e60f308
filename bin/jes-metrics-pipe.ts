#!/usr/bin/env node
// argv and env in, exit status out; nothing else.

import { run } from '../lib/run.js';
import { refuseInspectorSignal } from '../lib/run/signals.js';
import { decidedExitStatus, exitAfterDrain } from '../lib/run/exit-drain.js';

refuseInspectorSignal();

// No top-level await: the npm package's build of this (dist/main.cjs) is a CommonJS file, which starts faster.
run(process.argv.slice(2), process.env).then(
  (status) => process.exit(decidedExitStatus() ?? status),
  async (err: unknown) => {
    // A bug of ours: say so in one line and keep the job's status honest.
    process.stderr.write(`jes-metrics-pipe: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    // run() did not get to let its output drain: exitAfterDrain does, and leaves even if a socket or a read lingers.
    await exitAfterDrain(70);
  },
);
