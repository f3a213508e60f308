// The real receivers of the OTLP and remote-write tests, started once per test file and stopped
// by its teardown: VictoriaMetrics (OTLP and remote write; skipped when its binary is missing)
// and Prometheus with its remote-write receiver.
import { startPrometheus, type RunningPrometheus } from './prometheus.js';
import { startVictoriaMetrics, type RunningVictoriaMetrics } from './victoriametrics.js';

type Hooks = { before(fn: () => Promise<void>): void; teardown(fn: () => Promise<void>): void };

export interface Receivers {
  /** Undefined when VictoriaMetrics is not installed (the tests that need it skip). */
  vm?: RunningVictoriaMetrics;
  /** Set once the file's `before` ran. */
  prom: RunningPrometheus;
}

export function useReceivers(t: Hooks, withVictoriaMetrics: boolean): Receivers {
  const receivers = {} as Receivers;
  t.before(async () => {
    if (withVictoriaMetrics) receivers.vm = await startVictoriaMetrics();
    receivers.prom = await startPrometheus({ remoteWriteReceiver: true });
  });
  t.teardown(async () => {
    await receivers.vm?.stop();
    await receivers.prom?.stop();
  });
  return receivers;
}
