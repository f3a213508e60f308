// Every golden case (test/fixtures/tools/<case>) pushed for real: to a real Pushgateway and to the
// Dynatrace emulator. Each push must be accepted whole (--fail-on-push-error turns a partial refusal
// into exit 3), the emulator must see zero invalid lines, the gateway must then hold as many series as
// the golden's Pushgateway body has samples, and `promtool check metrics` must parse that body
// (exit 0, or 3 for lint findings such as a counter without _total; never 1, a parse error).
// The program runs in process (test/support/in-process.ts): the pushes are real HTTP all the same.

import t from 'tap';
import { startDtEmulator } from '../support/dt-emulator.js';
import { dynatraceLineCount, limiter, loadGoldenCases, pushgatewaySection, sampleCount } from '../support/golden.js';
import { runInProcess } from '../support/in-process.js';
import { checkMetrics } from '../support/promtool.js';
import { startPushgateway } from '../support/pushgateway.js';

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
      const args = [...c.args, '--pushgateway', pgw.url, '--job', job, '--dt-url', dt.url, '--fail-on-push-error', '--timeout', '5s', '--deadline', '30s'];
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

    t.equal(result.status, 0, 'exit 0: both backends accepted everything', { stderr: result.stderr, gatewayLog: pgw.log() });
    t.ok(result.stdout.equals(c.input), 'stdout is the input byte for byte');
    t.notOk(result.stderr.includes(token), 'the token appears nowhere on stderr');

    // Pushgateway: one group, pushed successfully, holding what the golden body says.
    const section = pushgatewaySection(golden);
    t.ok(section, 'the golden has a Pushgateway section');
    if (section && section.requestLine.startsWith('# pushgateway: nothing to push')) {
      // A run that found nothing pushes nothing (a preset on output without its numbers).
      t.equal(groups.length, 0, 'nothing found, nothing pushed');
    } else if (section) {
      t.equal(groups.length, 1, "exactly one group was pushed under this case's job");
      const group = groups[0];
      t.ok(group?.lastPushSuccessful, 'the gateway recorded the push as successful');
      const stored = group
        ? Object.entries(group.families)
            .filter(([name]) => name !== 'push_time_seconds' && name !== 'push_failure_time_seconds')
            .reduce((n, [, f]) => n + f.metrics.length, 0)
        : 0;
      t.equal(stored, sampleCount(section.body), 'the gateway holds one series per sample of the golden body', countOpts);

      const lint = await checkMetrics(section.body);
      t.ok(lint.code === 0 || lint.code === 3, `promtool check metrics exits 0 or 3 (got ${lint.code}; 1 is a parse error)`, { output: lint.output });
    }

    // Dynatrace: every request accepted, no invalid line, as many lines as the golden's batches.
    const expectedLines = dynatraceLineCount(golden);
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
      t.equal(ingested, expectedLines, "the emulator received the golden batches' lines", countOpts);
    }
  });
});
