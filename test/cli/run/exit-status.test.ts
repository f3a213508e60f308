// The exit status table (docs/reference/exit-status.md), case by case.
import t from 'tap';
import { exitStatus, type RunOutcome } from '../../../lib/cli/run/exit-status.js';

const clean: RunOutcome = { configError: false, pushFailed: false, failOnPushError: false };

const cases: ReadonlyArray<readonly [string, Partial<RunOutcome>, number]> = [
  ['everything fine', {}, 0],
  ['a failed push is a warning by default', { pushFailed: true }, 0],
  ['a failed push with --fail-on-push-error', { pushFailed: true, failOnPushError: true }, 3],
  ['a configuration error', { configError: true }, 2],
  ['a configuration error wins over a failed push', { configError: true, pushFailed: true, failOnPushError: true }, 2],
  ['filter mode, SIGTERM', { signal: 'SIGTERM' }, 143],
  ['filter mode, SIGINT', { signal: 'SIGINT' }, 130],
  ['filter mode, SIGHUP', { signal: 'SIGHUP' }, 129],
  ['filter mode, a signal wins over a configuration error', { signal: 'SIGTERM', configError: true }, 143],
  ['stdout failed (a full disk)', { stdoutLost: true }, 74],
  ['stdout failed wins over a configuration error', { stdoutLost: true, configError: true }, 74],
  ['filter mode, a signal wins over a failed stdout', { stdoutLost: true, signal: 'SIGTERM' }, 143],
  ['a failed quality gate', { gateStatus: 4 }, 4],
  ['a failed quality gate wins over a failed push', { gateStatus: 4, pushFailed: true, failOnPushError: true }, 4],
  ['a configuration error wins over the gate', { gateStatus: 4, configError: true }, 2],
  ['wrap mode, a failed tool wins over the gate', { toolStatus: 1, gateStatus: 4 }, 1],
  ['wrap mode, the tool failed', { toolStatus: 1 }, 1],
  ['wrap mode, the tool was killed by SIGKILL', { toolStatus: 137 }, 137],
  ['wrap mode, the tool failed and so did the push', { toolStatus: 4, pushFailed: true, failOnPushError: true }, 4],
  [
    'wrap mode, the tool succeeded, the push failed with --fail-on-push-error',
    { toolStatus: 0, pushFailed: true, failOnPushError: true },
    3,
  ],
  [
    'wrap mode, the tool exited 0 after a forwarded SIGTERM: its status stands',
    { toolStatus: 0, signal: 'SIGTERM' },
    0,
  ],
  ['wrap mode, the tool exited 0 and the flags were wrong', { toolStatus: 0, configError: true }, 2],
];

for (const [name, outcome, status] of cases) {
  t.equal(exitStatus({ ...clean, ...outcome }), status, name);
}
