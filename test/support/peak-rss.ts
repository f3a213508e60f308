// A child's peak RSS as the kernel counts it: VmHWM in /proc/<pid>/status (proc(5)), polled
// while it runs, since the file is gone once the process has been reaped.
import { readFileSync } from 'node:fs';

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
