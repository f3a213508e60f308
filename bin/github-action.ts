#!/usr/bin/env node
// The GitHub Action's entry (action.yml runs its bundle, action/dist/index.cjs, built by
// `node scripts/bundle.js --action`): the inputs in the environment, the step's exit status out.
// As bin/jes-metrics-pipe.ts, it hands run() the process's streams and the process as the signal source.

import { run } from '../lib/cli/run.js';
import { runAction } from '../lib/cli/github-action.js';
import { decidedExitStatus, exitAfterDrain } from '../lib/cli/run/exit-drain.js';

// A listener keeps SIGUSR1 from opening Node's inspector (bin/jes-metrics-pipe.ts says why).
process.on('SIGUSR1', () => undefined);

const stdout = (text: string): Promise<void> =>
  new Promise((resolve) => {
    process.stdout.once('error', () => resolve());
    process.stdout.write(text, () => resolve());
  });

runAction(
  process.env,
  (argv, env, onResult) =>
    run({
      argv,
      env,
      onResult,
      stdin: { fd: 0, stream: () => process.stdin },
      stdout: process.stdout,
      stderr: process.stderr,
      signals: process,
    }),
  stdout,
  (text) => process.stderr.write(text),
).then(
  (status) => process.exit(decidedExitStatus() ?? status),
  async (err: unknown) => {
    process.stderr.write(
      `jes-metrics-pipe: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    await exitAfterDrain(70, process.stderr, (status) => process.exit(status));
  },
);
