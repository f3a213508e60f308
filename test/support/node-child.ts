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

/** The tests' TypeScript loader (.taprc's node-arg), by absolute URL so a child may run in any folder. */
const LOADER = new URL('../../scripts/test-loader.mjs', import.meta.url).href;

/** Flags that make a child able to import .ts files: the loader tap gave this process. */
export function typescriptExecArgv(): string[] {
  return [`--import=${LOADER}`];
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
    const child = spawn(process.execPath, [...typescriptExecArgv(), file, ...args], {
      env,
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
