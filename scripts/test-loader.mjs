// The TypeScript loader of the tests (tap's `node-arg`): esbuild strips each .ts file's types as
// Node loads it, in place of tap's ts-node plugin, which loaded the TypeScript compiler into every
// test process (about 2 s of CPU each). Type-checking is `tsc -p tsconfig.test.json` (npm's pretest).
import { register } from 'node:module';

register('./test-loader-hooks.mjs', import.meta.url);
