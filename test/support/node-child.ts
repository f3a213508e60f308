// Run a TypeScript file in a child `node`, with the same TypeScript loader tap gave this process.

import { spawn } from 'node:child_process';

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** True when the child had to be killed because it did not exit within `killAfterMs`. */
  killed: boolean;
}

/** Flags that make a child able to import .ts files (tap's @tapjs/typescript loader). */
export function typescriptExecArgv(): string[] {
  const loader = process.execArgv.filter((a) => a.includes('@tapjs/typescript'));
  return loader.length > 0 ? loader : [...process.execArgv];
}

/**
 * Runs `node <file> ...args`; kills it by PID after `killAfterMs` (a safety net, not a timing
 * assertion) and reports whether that was needed.
 */
export function runTsChild(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  killAfterMs: number,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    // Transpile only (as tap does): type-checking in every child would cost seconds.
    const childEnv = { TS_NODE_TRANSPILE_ONLY: '1', ...env };
    const child = spawn(process.execPath, [...typescriptExecArgv(), file, ...args], {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      killed = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, killAfterMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'close' comes after the child exited and its pipes were drained.
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, killed });
    });
  });
}
