// Shared by cli-faults.test.ts and cli-deadline.test.ts: one real Pushgateway and one
// Dynatrace emulator per test file (wiped before each test), the input both files push, the
// CLI invocation, and the assertions on what reached the backends.

import type { Test } from 'tap';
import { runCli, type CliResult } from '../support/cli.js';
import { startPushgateway, type RunningPushgateway } from '../support/pushgateway.js';
import { startDtEmulator, type DtEmulator } from '../support/dt-emulator.js';
import { DT_TOKEN, startFlakyFront, type FlakyFront, type FrontFault } from '../support/cli-reliability.js';

// Log noise, CRLF, a line without newline at the end: the passthrough must not care.
export const INPUT =
  'starting run\nalpha=1\r\nbeta=2.5\n{"name":"gamma","value":7,"labels":{"region":"eu"}}\nno newline at the end';
export const SUCCESS_SUMMARY = /; pushgateway: 200, 3 series; dynatrace: 202, 3 ok, 0 invalid\n/;

export interface Backends {
  pgw: RunningPushgateway;
  dt: DtEmulator;
}

/** Starts both backends for the file `tap` and resets them before each of its tests. */
export function useBackends(tap: Test): Backends {
  const b = {} as Backends;
  tap.before(async () => {
    b.pgw = await startPushgateway();
    b.dt = await startDtEmulator({ token: DT_TOKEN });
  });
  tap.teardown(async () => {
    await b.pgw?.stop();
    await b.dt?.close();
  });
  tap.beforeEach(async () => {
    await b.pgw.wipe();
    b.dt.requests.length = 0;
    b.dt.ingested.length = 0;
    b.dt.setFaults();
  });
  return b;
}

/** Flaky fronts before both real backends; closed in teardown. */
export async function fronts(
  t: Test,
  b: Backends,
  pgFaults: FrontFault[],
  dtFaults: FrontFault[],
): Promise<{ pg: FlakyFront; dtf: FlakyFront }> {
  const pg = await startFlakyFront(b.pgw.url, pgFaults);
  const dtf = await startFlakyFront(b.dt.url, dtFaults);
  t.teardown(async () => {
    await pg.close();
    await dtf.close();
  });
  return { pg, dtf };
}

/** The CLI on INPUT with a 500 ms --timeout and the given backends. */
export function cli(args: string[], pgUrl: string | undefined, dtUrl: string | undefined): Promise<CliResult> {
  const all = ['--integration', 'rel', '--timeout', '500ms', ...args];
  if (pgUrl) all.push('--pushgateway', pgUrl);
  if (dtUrl) all.push('--dt-url', dtUrl);
  return runCli(all, { input: INPUT, env: { DT_API_TOKEN: DT_TOKEN } });
}

/** The series this input gives, as the real gateway stores them. */
export async function assertAtGateway(t: Test, b: Backends): Promise<void> {
  const stored = (await b.pgw.series()).map(
    (s) => `${s.name}${s.labels.region ? `{region=${s.labels.region}}` : ''}=${s.value}`,
  );
  t.same(
    stored,
    ['keptn_rel_alpha=1', 'keptn_rel_beta=2.5', 'keptn_rel_gamma{region=eu}=7'],
    'the series are at the real Pushgateway',
  );
}

export function assertAtDynatrace(t: Test, b: Backends): void {
  const got = b.dt.ingested.map((l) => `${l.key}=${l.value}`).sort();
  t.same(
    got,
    ['keptn_rel_alpha=1', 'keptn_rel_beta=2.5', 'keptn_rel_gamma=7'],
    'the lines reached the Dynatrace emulator',
  );
  t.equal(b.dt.ingested.find((l) => l.key === 'keptn_rel_gamma')?.dimensions.region, 'eu');
}

export function assertPassthrough(t: Test, r: CliResult): void {
  t.equal(r.stdout.toString('utf8'), INPUT, 'stdout is the input, byte for byte');
}
