// The exit status of a run, from what happened (docs/reference/exit-status.md documents the table).

import { STDOUT_FAILED_STATUS } from '../../input/stdout-failure.js';

/** 128 + the signal's number, as a shell reports a process ended by it. */
export const SIGNAL_STATUS: Readonly<Record<string, number>> = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGTERM: 143 };

export interface RunOutcome {
  /** Wrap mode: the tool's status (128+N when killed by signal N). */
  toolStatus?: number;
  /** Filter mode: the signal that ended the input. */
  signal?: string;
  /** stdout failed and lost output (ENOSPC, EIO), not a reader that went away. */
  stdoutLost?: boolean;
  /** A flag, an option or a backend's settings were wrong (reported at the start). */
  configError: boolean;
  /** The quality gate's status (--slo): 0, or 4 for a failed gate. */
  gateStatus?: number;
  /** A backend did not accept everything. */
  pushFailed: boolean;
  failOnPushError: boolean;
}

export function exitStatus(o: RunOutcome): number {
  if (o.toolStatus !== undefined && o.toolStatus !== 0) return o.toolStatus;
  if (o.signal !== undefined && o.toolStatus === undefined) return SIGNAL_STATUS[o.signal] ?? 1;
  if (o.stdoutLost) return STDOUT_FAILED_STATUS;
  if (o.configError) return 2;
  if (o.gateStatus !== undefined && o.gateStatus !== 0) return o.gateStatus;
  if (o.pushFailed && o.failOnPushError) return 3;
  return 0;
}
