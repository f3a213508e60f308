// A Config as the CLI builds it from flags (lib/cli/args.ts), for the --dry-run tests, and the
// series and reporter they print.

import { parseConfig } from '../../lib/cli/args.js';
import type { Config } from '../../lib/cli/config.js';
import { Reporter } from '../../lib/report/report.js';
import type { Series } from '../../lib/store/series.js';

/** `--integration k6 --dry-run ARGS…` (without --dry-run when `dryRun` is false). */
export function configOf(args: readonly string[], env: Record<string, string> = {}, dryRun = true): Config {
  const r = parseConfig(['--integration', 'k6', ...(dryRun ? ['--dry-run'] : []), ...args], env, (path) => {
    throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  });
  const problems = [...r.usageErrors, ...r.backendErrors];
  if (problems.length > 0) throw new Error(problems.join('; '));
  return r.config;
}

export function capture(): { reporter: Reporter; stderr: () => string } {
  let text = '';
  return { reporter: new Reporter({ write: (s) => (text += s) }), stderr: () => text };
}

export const DRY_SERIES: Series[] = [
  { name: 'keptn_k6_rps', labels: { ci_platform: 'keptn' }, value: 12, type: 'gauge' },
  { name: 'keptn_k6_errors_total', labels: { ci_platform: 'keptn' }, value: 3, type: 'counter' },
];
