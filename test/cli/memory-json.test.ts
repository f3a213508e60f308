// `--json-path 'x=$..*'` on a 16 MB document once peaked at 1.4 GB: the matches are cut at
// MAX_MATCHES (lib/rules/json-rules.ts), said first among the problems, and memory stays bounded.
import t from 'tap';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanEnv } from '../support/cli.js';
import { watchPeakRss } from '../support/peak-rss.js';

/** Generous: the parsed document itself takes about ten times its size. */
const RSS_LIMIT_KIB = 512 * 1024;

t.test("--json-path 'x=$..*' on a 16 MB document: cut, said so, memory bounded", { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jmp-json-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const items = [];
  for (let i = 0; i < 170_000; i++) items.push({ id: i, name: `item${i}`, price: i * 1.5, tags: ['a', 'b'], dims: { w: i, h: i * 2 } });
  const file = join(dir, 'doc.json');
  writeFileSync(file, JSON.stringify({ items }));
  const input = openSync(file, 'r');
  const child = spawn(process.execPath, [CLI, '--integration', 'doc', '--json-path', 'x=$..*', '--dry-run-file', '/dev/null'], {
    env: cleanEnv(),
    stdio: [input, 'ignore', 'pipe'],
  });
  closeSync(input);
  const pid = child.pid!;
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  });
  let stderr = '';
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const rss = watchPeakRss(pid);
  await once(child, 'close');
  const peak = rss.stop();
  t.equal(child.exitCode, 0, stderr.slice(-1000));
  t.match(stderr, /--json-path: x: more than 100000 matches of \$\.\.\* \(or 1000 series\); the rest were cut/);
  t.ok(peak > 0 && peak < RSS_LIMIT_KIB, `peak RSS ${Math.round(peak / 1024)} MiB`);
});
