// Spawns the built CLI (dist/cli.cjs, what the npm package's bin runs) the way a pipeline does.
import { spawn, type SpawnOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// The CLIs started here run without tap's per-child hook: scripts/test-loader.mjs says why.

export const CLI = fileURLToPath(new URL('../../dist/cli.cjs', import.meta.url));

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** True when the child was killed by PID after `killAfterMs` (a hang: a failure, not a stuck test run). */
  killed: boolean;
  /** Milliseconds from the spawn to the close. */
  ms: number;
}

export interface CliOptions {
  input?: Buffer | string;
  /** Environment for the child: PATH is added; nothing else leaks in from the test's own env. */
  env?: Record<string, string>;
  cwd?: string;
  /** Start the CLI as the leader of a process group of its own (to signal the group, as CI does). */
  detached?: boolean;
  /** Called with the child once spawned (to send signals). */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
  /** Kill the child by PID after this many milliseconds (reported as `killed`). */
  killAfterMs?: number;
}

export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const spawnOpts: SpawnOptions = {
      env: cleanEnv(opts.env),
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: opts.detached === true,
    };
    const child = spawn(process.execPath, [CLI, ...args], spawnOpts);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    const started = Date.now();
    let killed = false;
    const timer =
      opts.killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = true;
            if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
          }, opts.killAfterMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({
        status,
        signal,
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err).toString('utf8'),
        killed,
        ms: Date.now() - started,
      });
    });
    child.stdin!.on('error', () => undefined);
    opts.onSpawn?.(child);
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else if (!opts.onSpawn) child.stdin!.end();
  });
}
