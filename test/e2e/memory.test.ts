// A slow reader downstream slows the input, and memory stays bounded (docs/decisions/stdin-relay.md). 200 MiB of
// realistic tool output go through the built CLI while this test reads its stdout at a
// deliberately slow rate; the CLI's peak RSS (VmHWM in /proc/<pid>/status, polled while it
// runs) must stay under 100 MiB. A passthrough that ignored backpressure would buffer what the
// reader has not taken yet and blow through the bound. The output is checked byte for byte
// and the summary line for every line and metric, so the run is the real work.
import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { CLI, cleanEnv } from '../support/cli.js';
import { generateChunks, type GeneratorStats } from '../../bench/generate.js';

const MiB = 1024 * 1024;
/** The bound on peak RSS (bench/RESULTS.md, "Goals"). */
const RSS_LIMIT_KIB = 100 * 1024;
/** One generated block, written BLOCK_COPIES times: 200 MiB without generating 200 MiB. */
const BLOCK_BYTES = 8 * MiB;
const BLOCK_COPIES = 25;
const WRITE_CHUNK = 64 * 1024;
/** The slow reader's rate: far below what the CLI can pass, so backpressure is what limits it. */
const READER_BYTES_PER_S = 40 * MiB;

function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // the process has exited
  }
}

t.test('200 MiB through the CLI behind a slow reader: peak RSS stays under 100 MiB', async (t) => {
  const stats: GeneratorStats = { lines: 0, metricLines: 0 };
  const block = Buffer.concat([...generateChunks(BLOCK_BYTES, { stats })]);
  t.equal(block[block.length - 1], 10, 'the block is whole lines, so copies line up');
  const total = block.length * BLOCK_COPIES;

  const dir = mkdtempSync(join(tmpdir(), 'jmp-memory-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [CLI, '--integration', 'mem', '--dry-run-file', join(dir, 'dry')], {
    env: cleanEnv(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the CLI did not start');
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
  });
  const closed = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;

  let peakKiB = 0;
  let polls = 0;
  const poll = setInterval(() => {
    const kib = vmHwmKiB(pid);
    if (kib === undefined) return;
    polls++;
    peakKiB = Math.max(peakKiB, kib);
  }, 50);
  t.teardown(() => clearInterval(poll));

  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));

  // The slow reader: compares each byte with the input, then sleeps as long as it is ahead of its rate.
  let outBytes = 0;
  let mismatchAt = -1;
  const readStart = process.hrtime.bigint();
  child.stdout.on('data', (chunk: Buffer) => {
    for (let done = 0; done < chunk.length && mismatchAt === -1;) {
      const at = (outBytes + done) % block.length;
      const n = Math.min(chunk.length - done, block.length - at);
      if (!chunk.subarray(done, done + n).equals(block.subarray(at, at + n))) mismatchAt = outBytes + done;
      done += n;
    }
    outBytes += chunk.length;
    const aheadMs = (outBytes / READER_BYTES_PER_S) * 1000 - Number(process.hrtime.bigint() - readStart) / 1e6;
    if (aheadMs >= 1) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), aheadMs);
    }
  });

  // The writer respects the CLI's backpressure too, or this test would be measuring itself.
  let waitsForDrain = 0;
  child.stdin.on('error', () => undefined);
  for (let copy = 0; copy < BLOCK_COPIES; copy++) {
    for (let off = 0; off < block.length; off += WRITE_CHUNK) {
      if (!child.stdin.write(block.subarray(off, off + WRITE_CHUNK))) {
        waitsForDrain++;
        await once(child.stdin, 'drain');
      }
    }
  }
  child.stdin.end();
  const [status] = await closed;
  clearInterval(poll);

  t.equal(status, 0, stderr);
  t.equal(outBytes, total, 'every byte came out');
  t.equal(mismatchAt, -1, 'byte for byte');
  const summary = /(\d+) lines read, (\d+) metrics found/.exec(stderr);
  t.ok(summary, 'a summary line');
  t.equal(Number(summary?.[1]), stats.lines * BLOCK_COPIES, 'every line was read');
  t.equal(Number(summary?.[2]), stats.metricLines * BLOCK_COPIES, 'every metric line was found');
  t.ok(waitsForDrain > 0, 'the CLI pushed back on its input');
  t.ok(polls > 10, `VmHWM was read while the CLI ran (${polls} times)`);
  t.ok(
    peakKiB > 0 && peakKiB < RSS_LIMIT_KIB,
    `peak RSS ${(peakKiB / 1024).toFixed(1)} MiB < ${RSS_LIMIT_KIB / 1024} MiB`,
  );
});
