// The package version, for --version and the User-Agent. Read from package.json next to
// the code (dist/lib/ or lib/ under the test loader), so there is one source of truth.

import { readFileSync } from 'node:fs';

// The single-file bundle has no package.json beside it: scripts/bundle.js bakes the version in
// with esbuild's `define`, and this global is left undeclared everywhere else.
declare const __JES_METRICS_PIPE_VERSION__: string | undefined;

function readVersion(): string {
  if (typeof __JES_METRICS_PIPE_VERSION__ === 'string') return __JES_METRICS_PIPE_VERSION__;
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'jes-metrics-pipe' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next place
    }
  }
  return '0.0.0-unknown';
}

export const VERSION = readVersion();
export const USER_AGENT = `jes-metrics-pipe/${VERSION}`;
