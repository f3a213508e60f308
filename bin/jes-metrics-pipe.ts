#!/usr/bin/env node
// The entry: the only place that touches the process. It hands run() the argv, the environment,
// the standard streams and the process as the signal source, and turns run()'s status into the
// exit status.

import { run } from '../lib/cli/run.js';
import { decidedExitStatus, exitAfterDrain } from '../lib/cli/run/exit-drain.js';

// A listener keeps SIGUSR1 from opening Node's inspector on 127.0.0.1:9229, where any local
// process could read the tokens in our memory
// (https://nodejs.org/en/learn/getting-started/debugging: "activated by SIGUSR1").
process.on('SIGUSR1', () => undefined);

// No top-level await: the npm package's build of this (dist/main.cjs) is a CommonJS file, which starts faster.
run({
  argv: process.argv.slice(2),
  env: process.env,
  // Getters: Node creates process.stdin/stdout/stderr on first use, and a run that needs one
  // does not pay for the others (stdin is read through fd 0 unless it is a terminal).
  stdin: { fd: 0, stream: () => process.stdin },
  get stdout() {
    return process.stdout;
  },
  get stderr() {
    return process.stderr;
  },
  signals: process,
}).then(
  (status) => process.exit(decidedExitStatus() ?? status),
  async (err: unknown) => {
    // A bug of ours: say so in one line and keep the job's status honest.
    process.stderr.write(
      `jes-metrics-pipe: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    // run() did not get to let its output drain: exitAfterDrain does, and leaves even if a socket or a read lingers.
    await exitAfterDrain(70, process.stderr, (status) => process.exit(status));
  },
);
