// The series cap must bound memory, not only the store: 2 M distinct names past --max-series
// (and as many `# TYPE` declarations) once took 344 MB and more. Peak RSS (VmHWM in
// /proc/<pid>/status, read at the end) stays under 100 MiB.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanEnv } from '../support/cli.js';
import { watchPeakRss } from '../support/peak-rss.js';

const RSS_LIMIT_KIB = 100 * 1024;
const NAMES = 2_000_000;

t.test(`${NAMES} distinct names and as many # TYPE lines: peak RSS under 100 MiB`, { timeout: 300_000 }, async (t) => {
  // kv lines with a dot (each one renamed: `m.x1` → m_x1) and Prometheus declarations, interleaved,
  // from a file (what `tool > out; jes-metrics-pipe < out` reads).
  const dir = mkdtempSync(join(tmpdir(), 'jmp-names-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'input');
  const parts: string[] = [];
  for (let k = 0; k < NAMES; k++) parts.push(`m.x${k}=1\n# TYPE t_${k} gauge\n`);
  writeFileSync(file, parts.join(''));
  parts.length = 0;
  const input = openSync(file, 'r');
  const child = spawn(process.execPath, [CLI, '--integration', 'names', '--dry-run-file', '/dev/null'], { env: cleanEnv(), stdio: [input, 'ignore', 'pipe'] });
  closeSync(input);
  const pid = child.pid!;
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const rss = watchPeakRss(pid);
  const closed = once(child, 'close');
  await closed;
  const peak = rss.stop();
  t.equal(child.exitCode, 0, stderr.slice(-2000));
  t.match(stderr, new RegExp(`${2 * NAMES} lines read, 1000 metrics found, 1000 series, ${NAMES - 1000} dropped over --max-series`));
  t.ok(peak > 0, 'the peak was read');
  t.ok(peak < RSS_LIMIT_KIB, `peak RSS ${Math.round(peak / 1024)} MiB`);
});
