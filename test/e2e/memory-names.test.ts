// The series cap must bound memory, not only the store: 2 M distinct names past --max-series
// (and as many `# TYPE` declarations) once took 344 MB and more. Peak RSS (VmHWM in
// /proc/<pid>/status) stays under 100 MiB.
import t from 'tap';
import { runCliMeasured } from '../support/peak-rss.js';

const RSS_LIMIT_KIB = 100 * 1024;
const NAMES = 2_000_000;

t.test(`${NAMES} distinct names and as many # TYPE lines: peak RSS under 100 MiB`, { timeout: 300_000 }, async (t) => {
  // kv lines with a dot (each one renamed: `m.x1` → m_x1) and Prometheus declarations, interleaved.
  const parts: string[] = [];
  for (let k = 0; k < NAMES; k++) parts.push(`m.x${k}=1\n# TYPE t_${k} gauge\n`);
  const r = await runCliMeasured(['--integration', 'names', '--dry-run-file', '/dev/null'], parts.join(''));
  t.equal(r.status, 0, r.stderr.slice(-2000));
  t.match(
    r.stderr,
    new RegExp(`${2 * NAMES} lines read, 1000 metrics found, 1000 series, ${NAMES - 1000} dropped over --max-series`),
  );
  t.ok(r.peakKiB > 0, 'the peak was read');
  t.ok(r.peakKiB < RSS_LIMIT_KIB, `peak RSS ${Math.round(r.peakKiB / 1024)} MiB`);
});
