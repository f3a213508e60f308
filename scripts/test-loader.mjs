// The TypeScript loader of the tests (tap's `node-arg`): esbuild strips each .ts file's types as
// Node loads it, in place of tap's ts-node plugin, which loaded the TypeScript compiler into every
// test process (about 2 s of CPU each). Type-checking is `tsc -p tsconfig.test.json` (npm's pretest).
import { register } from 'node:module';
import process from 'node:process';

register('./test-loader-hooks.mjs', import.meta.url);

// tap starts every child process of a test file with its process-tracking hook: the
// process-on-spawn package, installed by @tapjs/processinfo in the test process, adds
// `--import=@tapjs/processinfo/import` to each child's NODE_OPTIONS. The hook serves coverage;
// on Node 20 it registers a module loader on a thread of its own in every child and triples the
// CPU time of a CLI start (0.16 s → 0.43 s of CPU for an empty run). When coverage is off
// (.taprc; `npm run coverage` turns it on), the children of every test file run without it, as
// a user's would. Without tap (or with a tap that tracks children another way) this does nothing.
if (process.env._TAPJS_PROCESSINFO_COVERAGE_ === '0') {
  const state = globalThis[Symbol.for('process-on-spawn@*:singletonId')];
  if (state && Array.isArray(state.listeners)) state.listeners.length = 0;
  const options = process.env.NODE_OPTIONS;
  if (options !== undefined) {
    const kept = options.replace(/"?--(?:import|loader)=[^"\s]*@tapjs[\\/]processinfo[^"\s]*"?/g, '').trim();
    if (kept === '') delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = kept;
  }
}
