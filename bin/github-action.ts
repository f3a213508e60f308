#!/usr/bin/env node
// The GitHub Action's entry (action.yml runs its bundle, action/dist/index.cjs, built by
// `node scripts/bundle.js --action`): the inputs in the environment, the step's exit status out.

import { run } from '../lib/run.js';
import { runAction } from '../lib/run/github-action.js';
import { refuseInspectorSignal } from '../lib/run/signals.js';
import { decidedExitStatus, exitAfterDrain } from '../lib/run/exit-drain.js';

refuseInspectorSignal();

const stdout = (text: string): Promise<void> =>
  new Promise((resolve) => {
    process.stdout.once('error', () => resolve());
    process.stdout.write(text, () => resolve());
  });

runAction(process.env, run, stdout).then(
  (status) => process.exit(decidedExitStatus() ?? status),
  async (err: unknown) => {
    process.stderr.write(`jes-metrics-pipe: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    await exitAfterDrain(70);
  },
);
