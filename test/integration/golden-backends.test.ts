// Every golden case (test/fixtures/tools/<case>) pushed for real: to a real Pushgateway and to the
// Dynatrace emulator. Each push must be accepted whole (--fail-on-push-error turns a partial refusal
// into exit 3), the emulator must see zero invalid lines, the gateway must then hold as many series as
// the golden lists (test/support/series-list.ts), and the emulator as many lines as those series
// make for Dynatrace. (`promtool check metrics` parses each case's Pushgateway payload in
// test/e2e/golden.test.ts.)
// The program runs in process (test/support/in-process.ts): the pushes are real HTTP all the same.

import t from 'tap';
import { startDtEmulator } from '../support/dt-emulator.js';
import { limiter, loadGoldenCases } from '../support/golden.js';
import { runInProcess } from '../support/in-process.js';
import { startPushgateway } from '../support/pushgateway.js';
import { dynatraceLinesFor, seriesLines } from '../support/series-list.js';

const cases = loadGoldenCases().filter((c) => c.golden !== undefined);

const pgw = await startPushgateway();
t.teardown(() => pgw.stop());

// Cases run a few at a time: each pushes under its own job to the shared gateway and to its own
// emulator, so nothing one case sends can be mistaken for another's.
const pool = limiter(4);
const started = cases.map((c) =>
  pool(async () => {
    const dt = await startDtEmulator();
    try {
      const job = `golden-${c.name}`;
      const args = [
        ...c.args,
        '--pushgateway',
        pgw.url,
        '--job',
        job,
        '--dt-url',
        dt.url,
        '--fail-on-push-error',
        '--timeout',
        '5s',
        '--deadline',
        '30s',
      ];
      const result = await runInProcess(args, { env: { ...c.env, DT_API_TOKEN: dt.token }, input: c.input });
      const groups = (await pgw.groups()).filter((g) => g.labels.job === job);
      return { result, groups, requests: [...dt.requests], token: dt.token };
    } finally {
      await dt.close();
    }
  }),
);
for (const p of started) p.catch(() => undefined);

cases.forEach((c, index) => {
  t.test(c.name, async (t) => {
    const golden = c.golden!.toString('utf8');
    const { result, groups, requests, token } = await started[index]!;
    // A case whose golden is known to differ from today's output (TODO) has its counts as todo.
    const countOpts = c.todo !== undefined ? { todo: c.todo } : {};

    t.equal(result.status, 0, 'exit 0: both backends accepted everything', {
      stderr: result.stderr,
      gatewayLog: pgw.log(),
    });
    t.ok(result.stdout.equals(c.input), 'stdout is the input byte for byte');
    t.notOk(result.stderr.includes(token), 'the token appears nowhere on stderr');

    // Pushgateway: one group, pushed successfully, holding the series the golden lists.
    const expectedSeries = seriesLines(golden).length;
    if (expectedSeries === 0) {
      // A run that found nothing pushes nothing (a preset on output without its numbers).
      t.equal(groups.length, 0, 'nothing found, nothing pushed');
    } else {
      t.equal(groups.length, 1, "exactly one group was pushed under this case's job");
      const group = groups[0];
      t.ok(group?.lastPushSuccessful, 'the gateway recorded the push as successful');
      const stored = group
        ? Object.entries(group.families)
            .filter(([name]) => name !== 'push_time_seconds' && name !== 'push_failure_time_seconds')
            .reduce((n, [, f]) => n + f.metrics.length, 0)
        : 0;
      t.equal(stored, expectedSeries, 'the gateway holds one series per series of the golden', countOpts);
    }

    // Dynatrace: every request accepted, no invalid line, a line per finite series and per unit.
    const expectedLines = dynatraceLinesFor(golden);
    if (expectedLines === 0) {
      t.equal(requests.length, 0, 'nothing for Dynatrace, no request');
    } else {
      t.ok(requests.length >= 1, 'at least one ingest request');
      for (const r of requests) {
        t.equal(r.status, 202, `ingest answered 202 (${r.path})`, { response: r.response });
        const answer = JSON.parse(r.response) as { linesInvalid?: number };
        t.equal(answer.linesInvalid, 0, 'zero invalid lines', { response: r.response });
      }
      const ingested = requests.reduce((n, r) => n + r.body.split('\n').filter((l) => l.trim() !== '').length, 0);
      t.equal(ingested, expectedLines, 'the emulator received a line per finite series and per unit', countOpts);
    }
  });
});
