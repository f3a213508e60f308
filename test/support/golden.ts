// Golden-file cases under test/fixtures/tools/<case>/ and the awkward ways of feeding them.
//
// A case folder holds: `input` (the tool's raw bytes), `args` (one CLI argument per line),
// optional `env` (KEY=VALUE lines), `expected.series` (the golden: the series the run finds, in the
// serializer-neutral form of test/support/series-list.ts), `README.md`,
// and optionally `TODO` (why the golden is not blessed yet: the comparison becomes a todo).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { CLI, cleanEnv } from './cli.js';

export const TOOLS_DIR = fileURLToPath(new URL('../fixtures/tools/', import.meta.url));

export interface GoldenCase {
  name: string;
  dir: string;
  input: Buffer;
  args: string[];
  env: Record<string, string>;
  goldenFile: string;
  /** The golden's bytes, or undefined while it has not been written. */
  golden?: Buffer;
  /** Why the golden is not trusted yet (the case's TODO file), if it is not. */
  todo?: string;
}

/** Every case folder, sorted by name. */
export function loadGoldenCases(root = TOOLS_DIR): GoldenCase[] {
  return (
    readdirSync(root)
      .filter((name) => statSync(join(root, name)).isDirectory())
      // GOLDEN_ONLY=REGEX runs the cases whose name matches (to check a few on a busy machine).
      .filter((name) => process.env.GOLDEN_ONLY === undefined || new RegExp(process.env.GOLDEN_ONLY).test(name))
      .sort()
      .map((name) => loadGoldenCase(join(root, name), name))
  );
}

export function loadGoldenCase(dir: string, name: string): GoldenCase {
  const goldenFile = join(dir, 'expected.series');
  const todoFile = join(dir, 'TODO');
  const c: GoldenCase = {
    name,
    dir,
    input: readFileSync(join(dir, 'input')),
    args: parseArgsFile(readFileSync(join(dir, 'args'), 'utf8')),
    env: existsSync(join(dir, 'env')) ? parseEnvFile(readFileSync(join(dir, 'env'), 'utf8')) : {},
    goldenFile,
  };
  if (existsSync(goldenFile)) c.golden = readFileSync(goldenFile);
  if (existsSync(todoFile)) c.todo = readFileSync(todoFile, 'utf8').trim();
  return c;
}

/** One argument per line, taken verbatim (regexes keep their spaces); the final newline ends the last one. */
export function parseArgsFile(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** KEY=VALUE lines; blank lines and `#` comments are skipped. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`env line without KEY=: ${JSON.stringify(line)}`);
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return env;
}

/** How the input is cut before it is written to the child's stdin. */
export interface Feeding {
  name: string;
  /** Offsets where a write ends and, after a pause, the next one starts (sorted, inside the input). */
  cuts: number[];
  /** Pause after every `pauseEvery`-th piece, so the child gets a chance to read the pieces apart. */
  pauseEvery: number;
  pauseMs: number;
}

function every(step: number, length: number): number[] {
  const cuts: number[] = [];
  for (let at = step; at < length; at += step) cuts.push(at);
  return cuts;
}

/** 1-byte writes cost a syscall and a read each: beyond this prefix the rest goes in one write. */
export const ONE_BYTE_PREFIX = 2048;

/**
 * Cuts that fall inside a multi-byte UTF-8 character (after its first byte), between `\r`
 * and `\n`, and right after a lone `\r` (progress bars): the places a line splitter can get wrong.
 */
export function awkwardCuts(input: Buffer, limit = 400): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < input.length && cuts.length < limit; i++) {
    const byte = input[i]!;
    // A UTF-8 lead byte (110xxxxx, 1110xxxx, 11110xxx) followed by a continuation byte.
    if (byte >= 0xc0 && byte <= 0xf7 && i + 1 < input.length && (input[i + 1]! & 0xc0) === 0x80) cuts.push(i + 1);
    else if (byte === 0x0d && i + 1 < input.length) cuts.push(i + 1);
  }
  return cuts;
}

/** The feedings every case goes through: one write, 1-byte, 7-byte, and the awkward cuts. */
export function feedingsFor(input: Buffer): Feeding[] {
  const feedings: Feeding[] = [
    { name: 'one write', cuts: [], pauseEvery: 1, pauseMs: 0 },
    // A pause every 64 bytes lets the child read while still delivering many reads that end
    // mid-line, mid-number and mid-character.
    { name: '1-byte writes', cuts: every(1, Math.min(input.length, ONE_BYTE_PREFIX + 1)), pauseEvery: 64, pauseMs: 2 },
    { name: '7-byte writes', cuts: every(7, input.length), pauseEvery: 16, pauseMs: 2 },
  ];
  const awkward = awkwardCuts(input);
  if (awkward.length > 0)
    feedings.push({ name: 'cut mid-UTF-8 and mid-CRLF', cuts: awkward, pauseEvery: 1, pauseMs: 2 });
  return feedings;
}

export interface GoldenRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Runs at most `limit` async jobs at a time (CLI starts are CPU-bound: a few in parallel, not forty). */
export function limiter(limit: number): <T>(job: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await job();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Spawns the built CLI with `args`, a clean environment (PATH plus `env`) and writes `input`
 * to its stdin as `feeding` says. The child is killed by PID if it outlives `killAfterMs`.
 */
export async function runFed(
  args: readonly string[],
  env: Record<string, string>,
  input: Buffer,
  feeding: Feeding,
  killAfterMs = 30_000,
): Promise<GoldenRun> {
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  // The child may exit early (a bug); a write after that must not crash the test.
  child.stdin.on('error', () => undefined);
  const closed = new Promise<GoldenRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) =>
      resolve({ status, signal, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }),
    );
  });
  const killer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, killAfterMs);
  try {
    let from = 0;
    let piece = 0;
    for (const cut of [...feeding.cuts, input.length]) {
      if (child.exitCode !== null) break;
      const chunk = input.subarray(from, cut);
      from = cut;
      piece++;
      if (feeding.pauseMs > 0 && piece % feeding.pauseEvery === 0) {
        // Wait until the pieces so far have left this process, then give the child time to read.
        await write(child.stdin, chunk);
        await sleep(feeding.pauseMs);
      } else if (chunk.length > 0) {
        // Each write is its own syscall on a pipe; the child may still read several at once.
        child.stdin.write(chunk);
      }
    }
    child.stdin.end();
    return await closed;
  } finally {
    clearTimeout(killer);
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
  }
}

function write(stream: NodeJS.WritableStream, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (chunk.length === 0) return resolve();
    // Resolve on the callback: the bytes have left this process, so pieces stay apart.
    stream.write(chunk, () => resolve());
  });
}

/** Lines as the CLI counts them: split on `\n`, a last piece without `\n` counts too. */
export function countLines(input: Buffer): number {
  if (input.length === 0) return 0;
  let n = 0;
  for (const byte of input) if (byte === 0x0a) n++;
  return input[input.length - 1] === 0x0a ? n : n + 1;
}
