// A scratch directory with a PATH on which the documented commands run for real, in dry-run
// mode: `jes-metrics-pipe` is the CLI under test (the built one, the bundle or the installed
// package) started with `--dry-run-file`, and k6, infracost, go, mytool and kubectl are
// stand-ins for the external tools that print a recorded output of the real tool (the golden
// cases' inputs), so the examples in README.md, docs/ and examples/ cannot rot.

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI } from '../support/cli.js';
import { TOOLS_DIR } from '../support/golden.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  files: string[];
  bin: Record<string, string>;
};

/** Recorded outputs of the real tools, printed by their stand-ins. */
export const RECORDED = {
  // k6 1.x's default (compact) summary; the legacy one is a golden case of its own.
  k6: join(TOOLS_DIR, 'k6-summary', 'input'),
  infracost: join(TOOLS_DIR, 'infracost-breakdown-json', 'input'),
  go: join(TOOLS_DIR, 'go-test-bench', 'input'),
  mytool: join(ROOT, 'examples', 'demo-output.txt'),
} as const;

export interface Sandbox {
  dir: string;
  bin: string;
  /** The dry-run file the `jes-metrics-pipe` on this PATH writes. */
  dryRunFile: string;
  /** Every argv the kubectl stand-in was called with, one JSON array per call. */
  kubectlCalls(): string[][];
  /** Every argv the tool stand-ins were called with: `<tool> <args…>`. */
  toolCalls(): string[][];
  /** The dry-run file's text ('' when it was not written), and removes it for the next run. */
  takeDryRun(): string;
  env(extra?: Record<string, string>): Record<string, string>;
}

export interface WithTeardown {
  teardown(fn: () => unknown): void;
}

/** `cli`: how to start the CLI under test (default: node dist/cli.cjs). */
export function makeSandbox(t: WithTeardown, cli: readonly string[] = [process.execPath, CLI]): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'jes-ship-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const dryRunFile = join(dir, 'dry-run.txt');
  const kubectlLog = join(dir, 'kubectl.log');
  const toolLog = join(dir, 'tools.log');
  const script = (name: string, body: string): void => {
    const file = join(bin, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  };
  script('jes-metrics-pipe', `exec ${cli.map(shellQuote).join(' ')} --dry-run-file ${shellQuote(dryRunFile)} "$@"`);
  for (const [tool, recorded] of Object.entries(RECORDED)) {
    // The exit status can be set per tool (K6_EXIT=99) to show that wrap mode passes it on.
    const exitVar = `${tool.toUpperCase()}_EXIT`;
    script(
      tool,
      `${shellQuote(process.execPath)} -e 'process.stdout.write(JSON.stringify(process.argv.slice(1))+"\\n")' ${tool} "$@" >> ${shellQuote(toolLog)}\ncat ${shellQuote(recorded)}\nexit "\${${exitVar}:-0}"`,
    );
  }
  script(
    'kubectl',
    `${shellQuote(process.execPath)} -e 'process.stdout.write(JSON.stringify(process.argv.slice(1))+"\\n")' "$@" >> ${shellQuote(kubectlLog)}`,
  );
  const readCalls = (file: string): string[][] =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as string[])
      : [];
  return {
    dir,
    bin,
    dryRunFile,
    kubectlCalls: () => readCalls(kubectlLog),
    toolCalls: () => readCalls(toolLog),
    takeDryRun: () => {
      if (!existsSync(dryRunFile)) return '';
      const text = readFileSync(dryRunFile, 'utf8');
      rmSync(dryRunFile);
      return text;
    },
    env: (extra = {}) => ({ PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: dir, ...extra }),
  };
}

export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_/.:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface CommandResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/**
 * Runs `file args…` with exactly `env`, `input` on stdin; killed by PID if it outlives
 * `killAfterMs` (a safety net for a hung child, not a timing assertion).
 */
export function runCommand(
  file: string,
  args: readonly string[],
  opts: { env: Record<string, string>; cwd?: string; input?: Buffer | string; killAfterMs?: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.stdin.on('error', () => undefined);
    const killer = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, opts.killAfterMs ?? 60_000);
    child.on('error', (e) => {
      clearTimeout(killer);
      reject(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(killer);
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a shell command line with Debian's /bin/sh (dash), as CI runners and `sh -c` do. */
export function runShell(
  command: string,
  opts: { env: Record<string, string>; cwd?: string; input?: string },
): Promise<CommandResult> {
  return runCommand('/bin/sh', ['-c', command], opts);
}

/** Shell command lines of a block: `\`-continued lines joined, comments and blank lines dropped. */
export function commands(body: string): string[] {
  return body
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
