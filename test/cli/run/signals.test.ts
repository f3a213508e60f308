// SignalWatch: the first ending signal ends the input, a second one or SIGQUIT leaves; the
// listeners go with stop(). The source is an EventEmitter, as the process is one.

import t from 'tap';
import { EventEmitter } from 'node:events';
import { ENDING_SIGNALS, SignalWatch, type SignalSource } from '../../../lib/cli/run/signals.js';

class Source extends EventEmitter implements SignalSource {
  exit(): void {}
}

function watch() {
  const source = new Source();
  const calls: string[] = [];
  const w = new SignalWatch(source, {
    first: (sig) => calls.push(`first ${sig}`),
    leave: (sig) => calls.push(`leave ${sig}`),
  });
  return { source, calls, w };
}

t.test('SIGINT, SIGTERM and SIGHUP are watched; the first is received, the next one leaves', async (t) => {
  t.same([...ENDING_SIGNALS], ['SIGINT', 'SIGTERM', 'SIGHUP']);
  for (const first of ENDING_SIGNALS) {
    const { source, calls, w } = watch();
    t.equal(w.received, undefined);
    source.emit(first, first);
    t.equal(w.received, first);
    source.emit('SIGINT', 'SIGINT');
    t.same(calls, [`first ${first}`, 'leave SIGINT'], first);
    t.equal(w.received, first, 'the first stays the one received');
    w.stop();
  }
});

t.test('SIGQUIT leaves at once, even first', async (t) => {
  const { source, calls, w } = watch();
  source.emit('SIGQUIT', 'SIGQUIT');
  t.same(calls, ['leave SIGQUIT']);
  t.equal(w.received, undefined);
  w.stop();
});

t.test('stop() removes every listener it added and no other', async (t) => {
  const { source, calls, w } = watch();
  const other = (): void => undefined;
  source.on('SIGTERM', other);
  for (const sig of [...ENDING_SIGNALS, 'SIGQUIT']) t.ok(source.listenerCount(sig) >= 1, sig);
  w.stop();
  for (const sig of ['SIGINT', 'SIGHUP', 'SIGQUIT']) t.equal(source.listenerCount(sig), 0, sig);
  t.same(source.listeners('SIGTERM'), [other]);
  source.emit('SIGINT', 'SIGINT');
  t.same(calls, [], 'nothing is handled after stop()');
});

t.test('without a source nothing is watched, and stop() is harmless', async (t) => {
  const w = new SignalWatch(undefined, { first: () => t.fail('first'), leave: () => t.fail('leave') });
  w.stop();
  t.equal(w.received, undefined);
});
