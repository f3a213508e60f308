// --flush-interval: push the current values every interval while the input runs (one push at a
// time: a slow backend skips a beat rather than piling pushes up).

import type { ConfiguredBackends } from '../../sinks/registry.js';
import type { SeriesStore } from '../../store/series.js';

export interface Flusher {
  /** Stops the timer; resolves when a periodic push still in flight has ended (or at once). */
  stop(): Promise<unknown> | undefined;
}

export function startFlushing(
  backends: Pick<ConfiguredBackends, 'pushAll'>,
  store: Pick<SeriesStore, 'list'>,
  intervalMs: number,
): Flusher {
  let flushing: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (flushing) return;
    flushing = backends.pushAll(store.list(), { final: false }).finally(() => (flushing = undefined));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return flushing;
    },
  };
}
