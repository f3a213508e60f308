// bufferReclaimer: a minor collection every `everyBytes` of input, none below it, and V8's gc()
// not left exposed to the program.

import t from 'tap';
import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';
import { bufferReclaimer, RECLAIM_EVERY_BYTES } from '../../lib/input/reclaim.js';

/** The minor collections during `fn` (the entries come after it, so a short wait). */
async function minorGcs(fn: () => void): Promise<number> {
  let n = 0;
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if ((e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
        n++;
  });
  obs.observe({ entryTypes: ['gc'] });
  fn();
  await new Promise((resolve) => setTimeout(resolve, 100));
  obs.disconnect();
  return n;
}

t.test('a minor collection each time the count reaches the bound', async (t) => {
  t.equal(RECLAIM_EVERY_BYTES, 8 * 1024 * 1024);
  const reclaim = bufferReclaimer(1000);
  const collected = await minorGcs(() => {
    for (let i = 0; i < 5; i++) reclaim(1000);
  });
  t.ok(collected >= 5, `${collected} minor collections for 5 bounds reached`);
});

t.test('gc() is not left on the global object, and --expose-gc is off again', async (t) => {
  bufferReclaimer(1)(1);
  t.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  const { runInNewContext } = await import('node:vm');
  t.equal(runInNewContext('typeof gc'), 'undefined', 'a new context gets no gc either');
});
