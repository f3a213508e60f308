// Shared plumbing for tests that run real servers (Pushgateway, Prometheus): a free port on
// 127.0.0.1, a child process stopped by its PID (SIGTERM, then SIGKILL), readiness polling.

import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A port that was free a moment ago (the OS picks it); callers retry if it is taken since. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly pid: number;
  /** The last 8 KB of the process's stderr, for failure messages. */
  output(): string;
  /** True once the process has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test runner that dies without teardown must not leave servers behind.
process.on('exit', () => {
  for (const child of running) if (child.pid !== undefined) safeKill(child.pid, 'SIGKILL');
});

function safeKill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/** The real servers the tests run: where each comes from, and the variable that points elsewhere. */
const KNOWN_BINARIES: Readonly<Record<string, { debianPackage: string; variable: string }>> = {
  'prometheus-pushgateway': { debianPackage: 'prometheus-pushgateway', variable: 'PUSHGATEWAY_BIN' },
  prometheus: { debianPackage: 'prometheus', variable: 'PROMETHEUS_BIN' },
  promtool: { debianPackage: 'prometheus', variable: 'PROMTOOL_BIN' },
};

/** Throws, naming the Debian package to install, when a server binary the tests need is missing. */
export function requireBinary(command: string): void {
  if (!command.includes('/') || existsSync(command)) return;
  const known = KNOWN_BINARIES[basename(command)];
  const how = known
    ? `: apt-get install ${known.debianPackage} (bash .ci/run does), or set ${known.variable} to another path`
    : '';
  throw new Error(`${command} is missing${how}`);
}

export function startProcess(command: string, args: readonly string[]): ServerProcess {
  requireBinary(command);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // ENOENT and the like arrive as an event; without a listener they would crash the test run.
  let spawnError: Error | undefined;
  child.on('error', (err) => (spawnError = err));
  if (child.pid === undefined)
    throw new Error(`could not start ${command}: ${spawnError?.message ?? 'no pid (is it installed?)'}`);
  const pid = child.pid;
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let hasExited = false;
  const exit = new Promise<void>((resolve) => {
    child.on('exit', () => {
      hasExited = true;
      running.delete(child);
      resolve();
    });
  });
  return {
    pid,
    output: () => output,
    exited: () => hasExited,
    async stop(graceMs = 3000): Promise<void> {
      if (hasExited) return;
      safeKill(pid, 'SIGTERM');
      const timer = setTimeout(() => safeKill(pid, 'SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers 200; fails early when the process exits. */
export async function waitUntilReady(
  proc: ServerProcess,
  url: string,
  headers: Record<string, string> = {},
  timeoutMs = 15000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (proc.exited()) throw new Error(`the server exited before it was ready:\n${proc.output()}`);
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await sleep(50);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms:\n${proc.output()}`);
}
