// The package version, for --version and the User-Agent. Read from package.json next to
// the code (dist/lib/ or lib/ under the test loader), so there is one source of truth.

import { readFileSync } from 'node:fs';

function readVersion(): string {
  for (const rel of ['../../package.json', '../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'jes-metrics-pipe' && pkg.version) return pkg.version;
    } catch {
      // not there: try the next place
    }
  }
  return '0.0.0-unknown';
}

export const VERSION = readVersion();
export const USER_AGENT = `jes-metrics-pipe/${VERSION}`;
