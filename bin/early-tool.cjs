// Wrap mode (`jes-metrics-pipe [options] -- TOOL ARGS…`): the tool starts first, before the program,
// its rules, presets, backends and gate are loaded, so the job does not wait for them (issue 29;
// bench/added-time.js). The one copy of this code: scripts/bundle.js puts it in both builds that
// run the CLI, the npm package's bin (bin/entry.cjs, before it requires the program) and the
// standalone bundle (first in the file, before the program's modules run).
// The command is what lib/cli/args.ts takes: all after the first `--`. Only when no option before
// it can make the run one that starts no tool (-h, --help, --version, --list-presets,
// --show-ci-context, `list` as a value); otherwise the program starts the tool as before.
// lib/input/child.ts adopts the child; whatever it did meanwhile is kept for it.
'use strict';
module.exports = function startToolEarly(argv) {
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
};
