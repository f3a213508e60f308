// The gate's flags as options: --slo is needed by the others; the history URL, window and branch checked.

import t from 'tap';
import { DEFAULT_HISTORY_WINDOW_MS, gateOptions } from '../../lib/gate/options.js';

t.test('no --slo: no gate; another gate flag without it is an error', async (t) => {
  t.same(gateOptions({}), { errors: [] });
  t.same(gateOptions({ 'slo-report': 'r.json' }), { errors: ['--slo-report needs --slo FILE'] });
});

t.test('--slo alone: the defaults', async (t) => {
  t.same(gateOptions({ slo: 'slo.yaml' }), {
    options: { sloFile: 'slo.yaml', historyWindowMs: DEFAULT_HISTORY_WINDOW_MS, failOnWarning: false },
    errors: [],
  });
  t.equal(DEFAULT_HISTORY_WINDOW_MS, 14 * 24 * 3600_000);
});

t.test('every option', async (t) => {
  const r = gateOptions({
    slo: 's.yaml',
    sli: 'i.yaml',
    'slo-history': 'prometheus:9090',
    'slo-history-window': '12h',
    'slo-report': 'r.json',
    'slo-markdown': 'r.md',
    'slo-junit': 'r.xml',
    'baseline-branch': ' main ',
    'slo-fail-on-warning': true,
  });
  t.same(r.errors, []);
  t.match(r.options, {
    sliFile: 'i.yaml',
    historyWindowMs: 12 * 3600_000,
    reportFile: 'r.json',
    markdownFile: 'r.md',
    junitFile: 'r.xml',
    baselineBranch: 'main',
    failOnWarning: true,
  });
  t.equal(r.options?.historyUrl?.href, 'http://prometheus:9090/', 'http:// added to a bare host');
});

t.test('bad values: one message each', async (t) => {
  t.match(gateOptions({ slo: 's', 'slo-history': 'ftp://x' }).errors, [/--slo-history needs the URL/]);
  for (const w of ['30s', '0.5m', '2w', 'soon'])
    t.match(gateOptions({ slo: 's', 'slo-history-window': w }).errors, [/--slo-history-window needs a duration/], w);
  t.same(gateOptions({ slo: 's', 'slo-history-window': '1m' }).errors, [], 'one minute is enough');
  t.same(gateOptions({ slo: 's', 'baseline-branch': '  ' }).errors, [
    '--baseline-branch needs a branch name such as main',
  ]);
});

t.test("a history URL's password is not repeated in the message", async (t) => {
  const [msg] = gateOptions({ slo: 's', 'slo-history': 'ftp://user:hunter2-pw@host' }).errors;
  t.notMatch(msg, /hunter2-pw/);
});
