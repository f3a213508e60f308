#!/usr/bin/env node
// The npm package's bin (scripts/bundle.js builds it, with bin/early-tool.cjs inlined, into
// dist/cli.cjs, beside the program it starts, dist/main.cjs). On Node 22.1 and later, the V8 code
// of what Node compiles from here on, the program and its dependencies, is kept in Node's compile
// cache and reused by the next run: about 8% of a small run's time (bench/RESULTS.md, "Start-up").
// It is Node's own cache (https://nodejs.org/api/module.html#module-compile-cache):
// os.tmpdir()/node-compile-cache unless NODE_COMPILE_CACHE names a directory, off with
// NODE_DISABLE_COMPILE_CACHE=1. Node 20 has no such cache and starts the program just the same.
'use strict';
require('node:module').enableCompileCache?.();
// Wrap mode's tool starts now, before the program loads (bin/early-tool.cjs).
require('./early-tool.cjs')(process.argv.slice(2));
require('./main.cjs');
