#!/usr/bin/env node
// The npm package's bin (scripts/bundle.js copies this file to dist/cli.cjs, beside the program
// it starts, dist/main.cjs). On Node 22.1 and later, the V8 code of what Node compiles from here
// on, the program and its dependencies, is kept in Node's compile cache and reused by the next
// run: about 8% of a small run's time (bench/RESULTS.md, "Start-up"). It is Node's own cache
// (https://nodejs.org/api/module.html#module-compile-cache): os.tmpdir()/node-compile-cache
// unless NODE_COMPILE_CACHE names a directory, off with NODE_DISABLE_COMPILE_CACHE=1. Node 20
// has no such cache and starts the program just the same.
'use strict';
require('node:module').enableCompileCache?.();
startToolEarly(process.argv.slice(2));
require('./main.cjs');

// Wrap mode (`jes-metrics-pipe [options] -- TOOL ARGS…`): the tool starts now, before the program,
// its rules, presets, backends and gate are loaded, so the job does not wait for them (issue 29;
// bench/added-time.js). The command is what lib/cli/args.ts takes: all after the first `--`.
// Only when no option before it can make the run one that starts no tool (-h, --help, --version,
// --list-presets, --show-ci-context, `list` as a value); otherwise the program starts the tool as
// before. lib/input/child.ts adopts the child; whatever it did meanwhile is kept for it.
function startToolEarly(argv) {
  const i = argv.indexOf('--');
  if (i === -1 || i + 1 >= argv.length || argv[i + 1] === '') return;
  const stops = (a) =>
    /^-[^-]/.test(a)
      ? !/^-[qv]+$/.test(a)
      : /^--(help|version|list-presets|show-ci-context)(=|$)/.test(a) || /(^|=)\s*list\s*$/.test(a);
  if (argv.slice(0, i).some(stops)) return;
  const command = argv.slice(i + 1);
  const child = require('node:child_process').spawn(command[0], command.slice(1), {
    stdio: ['inherit', 'pipe', 'pipe'],
    detached: true,
  });
  const early = { command, child, error: undefined, exit: undefined, listen: undefined };
  let onError = (err) => (early.error = err);
  let onExit = (code, signal) => (early.exit = { code, signal });
  child.once('error', (err) => onError(err));
  child.once('exit', (code, signal) => onExit(code, signal));
  early.listen = (error, exit) => {
    onError = error;
    onExit = exit;
    if (early.error !== undefined) error(early.error);
    if (early.exit !== undefined) exit(early.exit.code, early.exit.signal);
  };
  globalThis[Symbol.for('jes-metrics-pipe.early-tool')] = early;
}
