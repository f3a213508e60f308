// The --verbose timings line (lib/cli/run/timings.ts): each phase gets the time since the one before.
import t from 'tap';
import { Timings } from '../../../lib/cli/run/timings.js';

t.test('phases in order, from the start of the process', async (t) => {
  let now = 29.4;
  const timings = new Timings(() => now);
  now += 8.2;
  timings.end('setup');
  now += 1000.6;
  timings.end('input');
  timings.end('collect');
  now += 55.5;
  timings.end('push');
  t.equal(
    timings.describe(),
    'timings: start 29 ms, setup 8 ms, input 1001 ms, collect 0 ms, push 56 ms; 1094 ms in all',
  );
});

t.test('a phase ended twice adds up; phases not reached are left out', async (t) => {
  let now = 10;
  const timings = new Timings(() => now);
  now = 12;
  timings.end('setup');
  now = 15;
  timings.end('setup');
  t.equal(timings.describe(), 'timings: start 10 ms, setup 5 ms; 15 ms in all');
});

t.test('the default clock counts from the start of the process', async (t) => {
  const timings = new Timings();
  const line = timings.describe();
  const start = Number(/^timings: start (\d+) ms; (\d+) ms in all$/.exec(line)?.[1]);
  t.ok(start > 0 && start <= process.uptime() * 1000 + 1, line);
});
