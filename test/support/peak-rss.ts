// A child's peak RSS as the kernel counts it: VmHWM in /proc/<pid>/status (proc(5)), polled
// while it runs, since the file is gone once the process has been reaped.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, cleanEnv } from './cli.js';

export function vmHwmKiB(pid: number): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined; // the process has exited
  }
}

/** Polls the peak until stop(); stop() returns the highest value seen (0 when none was read). */
export function watchPeakRss(pid: number, everyMs = 50): { stop(): number } {
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, vmHwmKiB(pid) ?? 0)), everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

/**
 * The built CLI with `args`, stdin a regular file holding `input` (what `jes-metrics-pipe < out`
 * reads), stdout thrown away; its exit status, stderr and peak RSS in KiB.
 */
export async function runCliMeasured(
  args: readonly string[],
  input: string,
): Promise<{ status: number | null; stderr: string; peakKiB: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'jmp-rss-'));
  try {
    const file = join(dir, 'input');
    writeFileSync(file, input);
    const fd = openSync(file, 'r');
    const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(), stdio: [fd, 'ignore', 'pipe'] });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const rss = watchPeakRss(child.pid!);
    const [status] = (await once(child, 'close')) as [number | null];
    return { status, stderr, peakKiB: rss.stop() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
