// Wrap mode: run the tool without a shell, its stdout and stderr as our sources, and
// signals forwarded to it. Its exit status becomes ours (128+N when killed by signal N).
// The tool runs in a process group of its own (as tini and dumb-init run theirs), so that a
// signal sent to our group (`kill -TERM -<pgid>`, Ctrl-C, CI cancellation, GNU timeout) reaches
// it once, from us, and not a second time from the kernel: k6 and others take a second SIGINT
// or SIGTERM as "abort now". We forward to its whole group, as the kernel would have.

import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface ToolRun {
  /** Absent when nothing was started (an empty tool name). */
  child?: ChildProcess;
  stdout: Readable;
  stderr: Readable;
  /**
   * Resolves when the tool has exited. Its output may still be open (a background process it
   * started can hold the pipe): the run drains it for a grace period, see lib/cli/run.ts.
   */
  done: Promise<ToolExit>;
}

export interface ToolExit {
  /** The status a shell would report: the exit code, 128+N for signal N, 127 when it could not start. */
  status: number;
  /** Why it could not start (ENOENT, EACCES), when it could not. */
  spawnError?: NodeJS.ErrnoException;
  signal?: NodeJS.Signals;
}

/**
 * A tool started before the program was loaded (bin/early-tool.cjs, first in the npm package's
 * entry and in the standalone bundle), with what it did until then: it is listened to from the
 * first moment, so an early exit or spawn error is not lost while the program loads.
 */
export interface EarlyTool {
  command: readonly string[];
  child: ChildProcess;
  error?: NodeJS.ErrnoException;
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** Set by bin/early-tool.cjs: called with the listeners that take over from its own. */
  listen: (
    onError: (err: NodeJS.ErrnoException) => void,
    onExit: (code: number | null, signal: NodeJS.Signals | null) => void,
  ) => void;
}

/** Where bin/early-tool.cjs leaves the tool it started (a global: that code runs before the program's modules). */
export const EARLY_TOOL = Symbol.for('jes-metrics-pipe.early-tool');

/** The tool started early for `command`, once; undefined when none was (or one for another command). */
function adoptEarlyTool(command: readonly string[]): EarlyTool | undefined {
  const holder = globalThis as { [EARLY_TOOL]?: EarlyTool };
  const early = holder[EARLY_TOOL];
  if (early === undefined) return undefined;
  delete holder[EARLY_TOOL];
  if (early.command.length === command.length && early.command.every((a, i) => a === command[i])) return early;
  discard(early);
  return undefined;
}

/** A run that does not run a tool (--help, --version) stops one started early: it should not have been. */
export function discardEarlyTool(): void {
  const holder = globalThis as { [EARLY_TOOL]?: EarlyTool };
  const early = holder[EARLY_TOOL];
  delete holder[EARLY_TOOL];
  if (early) discard(early);
}

function discard(early: EarlyTool): void {
  if (early.child.pid !== undefined && early.exit === undefined) {
    try {
      process.kill(-early.child.pid, 'SIGKILL');
    } catch {
      early.child.kill('SIGKILL');
    }
  }
  early.child.stdout?.destroy();
  early.child.stderr?.destroy();
}

export function runTool(command: readonly string[]): ToolRun {
  const [file, ...args] = command as [string, ...string[]];
  // `-- ""`: node's spawn throws on an empty name; a shell says "command not found", 127.
  if (file === '') return notStarted(Object.assign(new Error('empty command name'), { code: 'ENOENT' }));
  const early = adoptEarlyTool(command);
  // Loaded on use: in the single-file bundle a static import would load it at every start.
  const child =
    early?.child ??
    process
      .getBuiltinModule('node:child_process')
      .spawn(file, args, { stdio: ['inherit', 'pipe', 'pipe'], detached: true });
  const done = new Promise<ToolExit>((resolve) => {
    let spawnError: NodeJS.ErrnoException | undefined;
    const onError = (err: NodeJS.ErrnoException): void => {
      spawnError = err;
      if (child.pid === undefined) resolve({ status: err.code === 'EACCES' ? 126 : 127, spawnError: err });
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (spawnError && child.pid === undefined) return;
      if (signal)
        resolve({ status: 128 + (process.getBuiltinModule('node:os').constants.signals[signal] ?? 0), signal });
      else resolve({ status: code ?? 1 });
    };
    if (early) early.listen(onError, onExit);
    else {
      child.once('error', onError);
      child.once('exit', onExit);
    }
  });
  return { child, stdout: child.stdout!, stderr: child.stderr!, done };
}

/** A run that never started: no output, the exit a shell would give (127, or 126 for EACCES). */
function notStarted(err: NodeJS.ErrnoException): ToolRun {
  const { Readable } = process.getBuiltinModule('node:stream');
  return {
    stdout: Readable.from([]),
    stderr: Readable.from([]),
    done: Promise.resolve({ status: err.code === 'EACCES' ? 126 : 127, spawnError: err }),
  };
}

/**
 * Why the tool could not start, in words: ENOENT for a script whose `#!` interpreter is missing
 * names the interpreter, since the script itself is there.
 */
export function describeSpawnError(
  command: readonly string[],
  err: NodeJS.ErrnoException,
  env: Readonly<Record<string, string | undefined>>,
): string {
  const [file] = command as [string];
  const code = err.code ?? err.message;
  if (file === '') return 'cannot run "": an empty command name (not found)';
  if (err.code === 'EACCES' && isFolder(file)) return `cannot run ${file}: it is a folder`;
  if (err.code !== 'ENOENT') return `cannot run ${file}: ${code}`;
  const { existsSync, openSync, readSync, closeSync } = process.getBuiltinModule('node:fs');
  const { delimiter, join } = process.getBuiltinModule('node:path');
  const candidates = file.includes('/')
    ? [file]
    : (env.PATH ?? '')
        .split(delimiter)
        .filter(Boolean)
        .map((dir) => join(dir, file));
  const found = candidates.find((path) => existsSync(path));
  if (found === undefined) return `cannot run ${file}: ENOENT (not found${file.includes('/') ? '' : ' on the PATH'})`;
  let head = '';
  try {
    const fd = openSync(found, 'r');
    const buf = Buffer.alloc(256);
    head = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
    closeSync(fd);
  } catch {
    // unreadable: the plain code below
  }
  const shebang = /^#!\s*(\S+)/.exec(head);
  if (shebang) return `cannot run ${file}: its interpreter ${shebang[1]} (from the #! line of ${found}) was not found`;
  return `cannot run ${file}: ENOENT`;
}

/** Forwards a signal we received to the tool and its process group, if it still runs. */
export function forwardSignal(run: ToolRun, signal: NodeJS.Signals): void {
  const { child } = run;
  if (child === undefined || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal); // the group is gone but the tool is not (it left its group): the tool alone
  }
}

function isFolder(path: string): boolean {
  try {
    return process.getBuiltinModule('node:fs').statSync(path).isDirectory();
  } catch {
    return false;
  }
}
