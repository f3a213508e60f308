// tap starts every child process of a test file with its process-tracking hook: the
// process-on-spawn package, installed by @tapjs/processinfo in the test process, adds
// `--import=@tapjs/processinfo/import` to each child's NODE_OPTIONS. The hook serves coverage,
// which .taprc turns off; on Node 20 it registers a module loader on a thread of its own in every
// child and triples the CPU time of a CLI start (`--version`: 0.13 s → 0.40 s user). Importing
// this module takes the hook away for the rest of the test file: the CLIs the tests start run
// as a user's would. Without tap (or with a tap that tracks children another way) it does nothing.

interface SpawnHookState {
  listeners: unknown[];
}

const state = (globalThis as unknown as Record<symbol, SpawnHookState | undefined>)[
  Symbol.for('process-on-spawn@*:singletonId')
];
if (state && Array.isArray(state.listeners)) state.listeners.length = 0;

export {};
