// Wrap mode's tool (lib/input/child.ts), with real processes (sh): its output and exit status as a
// shell reports them, a signal forwarded to its whole process group, why it could not start, and
// a tool started early adopted or discarded. Every process started here is killed by PID at the end.

import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import {
  EARLY_TOOL,
  describeSpawnError,
  discardEarlyTool,
  forwardSignal,
  runTool,
  type EarlyTool,
  type ToolExit,
  type ToolRun,
} from '../../lib/input/child.js';

const dir = mkdtempSync(join(tmpdir(), 'jes-child-'));
const pids = new Set<number>();
t.teardown(() => {
  for (const pid of pids) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Generous: the box is shared. */
const BOUND_MS = 30_000;

async function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${BOUND_MS / 1000}s`)), BOUND_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function started(command: string[]): ToolRun {
  const run = runTool(command);
  if (run.child?.pid !== undefined) pids.add(run.child.pid);
  return run;
}

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The first line the stream gives (the stream keeps being read, so the tool never blocks on it). */
function firstLine(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    stream.on('data', (c: Buffer) => {
      got += c.toString('utf8');
      if (got.includes('\n')) resolve(got.slice(0, got.indexOf('\n')));
    });
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function gone(pid: number): Promise<boolean> {
  const until = Date.now() + BOUND_MS;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
}

t.test('its stdout, its stderr and its exit code', async (t) => {
  const run = started(['sh', '-c', 'echo out; echo err >&2; exit 3']);
  const [out, err, exit] = await within(Promise.all([text(run.stdout), text(run.stderr), run.done]), 'sh');
  t.equal(out, 'out\n');
  t.equal(err, 'err\n');
  t.same(exit, { status: 3 });
});

t.test('killed by a signal: 128+N, and the signal named', async (t) => {
  const run = started(['sh', '-c', 'kill -TERM $$']);
  run.stdout.resume();
  run.stderr.resume();
  t.same(await within(run.done, 'sh'), { status: 143, signal: 'SIGTERM' });
});

t.test('a forwarded signal reaches the tool and its process group', async (t) => {
  // The tool starts a background sleep, says its PID, and waits: both are in its group.
  const run = started(['sh', '-c', 'sleep 120 & echo $!; wait']);
  run.stderr.resume();
  const bg = Number(await within(firstLine(run.stdout), 'the background PID'));
  t.ok(Number.isInteger(bg) && bg > 0, `the background sleep: ${bg}`);
  pids.add(bg);
  t.ok(run.child?.pid !== undefined && run.child.pid !== process.pid);
  forwardSignal(run, 'SIGTERM');
  const exit: ToolExit = await within(run.done, 'the tool, after SIGTERM');
  t.same(exit, { status: 143, signal: 'SIGTERM' });
  t.ok(await gone(bg), 'the background process got it too (it was in the group)');
  forwardSignal(run, 'SIGTERM'); // after the exit: nothing to do, nothing thrown
  t.pass('a signal after the exit is dropped');
});

t.test('a tool that cannot start: 127 or 126, and why in words', async (t) => {
  const missing = await within(started([join(dir, 'no-such-tool')]).done, 'missing tool');
  t.equal(missing.status, 127);
  t.equal(missing.spawnError?.code, 'ENOENT');
  t.equal(
    describeSpawnError([join(dir, 'no-such-tool')], missing.spawnError!, {}),
    `cannot run ${join(dir, 'no-such-tool')}: ENOENT (not found)`,
  );
  t.equal(
    describeSpawnError(['no-such-tool-jes'], missing.spawnError!, { PATH: dir }),
    'cannot run no-such-tool-jes: ENOENT (not found on the PATH)',
  );

  const empty = runTool(['']);
  t.equal(empty.child, undefined, 'an empty name starts nothing');
  t.equal((await empty.done).status, 127);
  t.equal(await text(empty.stdout), '', 'and gives no output');

  const script = join(dir, 'script');
  writeFileSync(script, '#!/nonexistent/interpreter\necho hi\n');
  chmodSync(script, 0o755);
  const noInterp = await within(started([script]).done, 'script');
  t.equal(noInterp.status, 127);
  t.equal(
    describeSpawnError([script], noInterp.spawnError!, {}),
    `cannot run ${script}: its interpreter /nonexistent/interpreter (from the #! line of ${script}) was not found`,
  );

  const folder = join(dir, 'folder');
  mkdirSync(folder);
  const isDir = await within(started([folder]).done, 'folder');
  t.equal(isDir.status, 126, 'EACCES: 126');
  t.equal(describeSpawnError([folder], isDir.spawnError!, {}), `cannot run ${folder}: it is a folder`);
});

/** A tool as bin/early-tool.cjs leaves it: spawned in a group of its own, its events handed on by listen(). */
function early(command: string[]): EarlyTool {
  const [file, ...args] = command as [string, ...string[]];
  const child: ChildProcess = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid !== undefined) pids.add(child.pid);
  const tool: EarlyTool = {
    command,
    child,
    listen: (onError, onExit) => {
      child.once('error', onError);
      child.once('exit', onExit);
    },
  };
  (globalThis as { [EARLY_TOOL]?: EarlyTool })[EARLY_TOOL] = tool;
  return tool;
}

t.test('a tool started early is adopted for its command, once', async (t) => {
  const tool = early(['sh', '-c', 'echo early']);
  const run = runTool(['sh', '-c', 'echo early']);
  t.equal(run.child, tool.child, 'the same process');
  t.equal((globalThis as { [EARLY_TOOL]?: EarlyTool })[EARLY_TOOL], undefined, 'taken');
  const [out, exit] = await within(Promise.all([text(run.stdout), run.done]), 'early tool');
  t.equal(out, 'early\n');
  t.same(exit, { status: 0 });
});

t.test('a tool started early for another command, or for a run without a tool, is stopped', async (t) => {
  const other = early(['sh', '-c', 'sleep 120']);
  const run = started(['sh', '-c', 'echo mine']);
  t.not(run.child, other.child, 'a new process for this command');
  t.equal(await within(text(run.stdout), 'the new tool'), 'mine\n');
  t.ok(await gone(other.child.pid!), 'the other one was killed');

  const unwanted = early(['sh', '-c', 'sleep 120']);
  const killed = new Promise((resolve) => unwanted.child.once('exit', (_code, signal) => resolve(signal)));
  discardEarlyTool();
  t.equal(await within(killed, 'discarded tool'), 'SIGKILL');
  t.equal((globalThis as { [EARLY_TOOL]?: EarlyTool })[EARLY_TOOL], undefined);
  discardEarlyTool();
  t.pass('nothing to discard: nothing happens');
});
