// --flush-interval: the current values pushed every interval, one push at a time, stopped by stop().

import t from 'tap';
import { startFlushing } from '../../../lib/cli/run/flush.js';
import { SeriesStore, type Series } from '../../../lib/store/series.js';
import type { PushAllOptions } from '../../../lib/sinks/registry.js';
import type { BackendOutcome } from '../../../lib/sinks/backend.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Records each push; each one ends only when release() is called (a slow backend). */
function slowBackends() {
  const calls: Array<{ series: readonly Series[]; opts: PushAllOptions }> = [];
  const pending: Array<() => void> = [];
  return {
    calls,
    release: () => pending.splice(0).forEach((f) => f()),
    pushAll(series: readonly Series[], opts: PushAllOptions): Promise<BackendOutcome[]> {
      calls.push({ series, opts });
      return new Promise((resolve) => pending.push(() => resolve([])));
    },
  };
}

t.test('pushes the store as it is now, not final, every interval', async (t) => {
  const store = new SeriesStore(10);
  store.add({ name: 'a', labels: {}, value: 1, type: 'gauge' });
  const backends = slowBackends();
  const flusher = startFlushing(backends, store, 20);
  for (let i = 0; i < 500 && backends.calls.length === 0; i++) await sleep(10);
  t.equal(backends.calls.length, 1);
  t.same(backends.calls[0]!.opts, { final: false });
  t.match(backends.calls[0]!.series, [{ name: 'a', value: 1 }]);
  store.add({ name: 'a', labels: {}, value: 2, type: 'gauge' });
  backends.release();
  for (let i = 0; i < 500 && backends.calls.length < 2; i++) await sleep(10);
  t.match(backends.calls[1]!.series, [{ name: 'a', value: 2 }], 'the next push has the new value');
  backends.release();
  await flusher.stop();
});

t.test('a slow push skips beats instead of piling up; stop() waits for it', async (t) => {
  const backends = slowBackends();
  const flusher = startFlushing(backends, new SeriesStore(10), 10);
  for (let i = 0; i < 500 && backends.calls.length === 0; i++) await sleep(10);
  await sleep(100); // ten intervals with the first push still running
  t.equal(backends.calls.length, 1, 'one push at a time');
  const inFlight = flusher.stop();
  t.ok(inFlight instanceof Promise, 'stop() hands back the push in flight');
  let ended = false;
  void inFlight?.then(() => (ended = true));
  await sleep(20);
  t.equal(ended, false);
  backends.release();
  await inFlight;
  await sleep(50);
  t.equal(backends.calls.length, 1, 'no push after stop()');
});

t.test('stop() with no push in flight: undefined, and no push later', async (t) => {
  const backends = slowBackends();
  const flusher = startFlushing(backends, new SeriesStore(10), 60_000);
  t.equal(flusher.stop(), undefined);
  await sleep(30);
  t.equal(backends.calls.length, 0);
});
