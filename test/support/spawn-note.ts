// When did wrap mode start the tool: before the program ran, or from within it? A preload
// (node --require) wraps child_process.spawn, which both the early start (bin/early-tool.cjs)
// and the program (lib/input/child.ts) call through the module object, and notes at each spawn
// whether the program's entry had run: its first statement (bin/jes-metrics-pipe.ts) adds a
// SIGUSR1 listener, and an entry runs only after every module it imports has run. For the npm
// package it also notes whether dist/main.cjs was loaded. Started through `env -i`: tap's
// per-child hooks (NODE_OPTIONS) spawn and load modules of their own.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SpawnNote {
  /** The file spawned. */
  file: string;
  /** Whether the program's entry had run (its SIGUSR1 listener was there). */
  programRan: boolean;
  /** Whether a module named main.cjs (the npm package's program) was loaded. */
  mainLoaded: boolean;
}

/** Runs `node --require <preload> program ...args` with PATH only; resolves with its status and the spawns noted. */
export async function noteSpawns(
  program: string,
  args: readonly string[],
): Promise<{ status: number | null; stderr: string; spawns: SpawnNote[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'jmp-spawn-note-'));
  try {
    const notes = join(dir, 'spawns.jsonl');
    const preload = join(dir, 'note-spawns.cjs');
    writeFileSync(notes, '');
    writeFileSync(
      preload,
      [
        "const cp = require('node:child_process');",
        'const spawn = cp.spawn;',
        'cp.spawn = function (...args) {',
        '  const note = {',
        '    file: args[0],',
        "    programRan: process.listenerCount('SIGUSR1') > 0,",
        "    mainLoaded: Object.keys(require.cache).some((k) => k.endsWith('/main.cjs')),",
        '  };',
        `  require('node:fs').appendFileSync(${JSON.stringify(notes)}, JSON.stringify(note) + '\\n');`,
        '  return spawn.apply(this, args);',
        '};',
      ].join('\n'),
    );
    const env = `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`;
    const child = spawn('/usr/bin/env', ['-i', env, process.execPath, '--require', preload, program, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const status = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    const spawns = readFileSync(notes, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as SpawnNote);
    return { status, stderr, spawns };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
