// `--json-path 'x=$..*'` on a 16 MB document once peaked at 1.4 GB: the matches are cut at
// MAX_MATCHES (lib/extract/rules/json-rules.ts), said first among the problems, and memory stays bounded.
import t from 'tap';
import { runCliMeasured } from '../support/peak-rss.js';

/** Generous: the parsed document itself takes about ten times its size. */
const RSS_LIMIT_KIB = 512 * 1024;

t.test("--json-path 'x=$..*' on a 16 MB document: cut, said so, memory bounded", { timeout: 120_000 }, async (t) => {
  const items = [];
  for (let i = 0; i < 170_000; i++)
    items.push({ id: i, name: `item${i}`, price: i * 1.5, tags: ['a', 'b'], dims: { w: i, h: i * 2 } });
  const r = await runCliMeasured(
    ['--integration', 'doc', '--json-path', 'x=$..*', '--dry-run-file', '/dev/null'],
    JSON.stringify({ items }),
  );
  t.equal(r.status, 0, r.stderr.slice(-1000));
  t.match(r.stderr, /--json-path: x: more than 100000 matches of \$\.\.\* \(or 1000 series\); the rest were cut/);
  t.ok(r.peakKiB > 0 && r.peakKiB < RSS_LIMIT_KIB, `peak RSS ${Math.round(r.peakKiB / 1024)} MiB`);
});
