// The gate's flags (--slo, --sli, --slo-history, --slo-history-window, --slo-report,
// --slo-fail-on-warning) → GateOptions, with every problem a usage error.
import { shownUrl } from '../sinks/pushgateway/settings.js';

export interface GateOptions {
  sloFile: string;
  sliFile?: string;
  /** A Prometheus that scrapes the Pushgateway (several_results, or single_result filtered by result). */
  historyUrl?: URL;
  /** How far back the history is read. */
  historyWindowMs: number;
  reportFile?: string;
  /** --slo-markdown FILE: the step summary's Markdown, for CIs without one. */
  markdownFile?: string;
  /** --baseline-branch (else the CI's pull/merge request target; lib/gate/branch.ts). */
  baselineBranch?: string;
  /** --slo-junit FILE: the evaluation as JUnit XML (written by the run, lib/cli/run/ci-reports.ts). */
  junitFile?: string;
  failOnWarning: boolean;
}

export const DEFAULT_HISTORY_WINDOW_MS = 14 * 24 * 3600_000;

export interface GateFlags {
  slo?: string;
  sli?: string;
  'slo-history'?: string;
  'slo-history-window'?: string;
  'slo-report'?: string;
  'slo-markdown'?: string;
  'baseline-branch'?: string;
  'slo-junit'?: string;
  'slo-fail-on-warning'?: boolean;
}

const WINDOW = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 };

export function gateOptions(flags: GateFlags): { options?: GateOptions; errors: string[] } {
  const errors: string[] = [];
  const others = (
    [
      'sli',
      'slo-history',
      'slo-history-window',
      'slo-report',
      'slo-markdown',
      'slo-junit',
      'baseline-branch',
      'slo-fail-on-warning',
    ] as const
  ).filter((f) => flags[f] !== undefined);
  if (flags.slo === undefined) {
    if (others.length > 0) errors.push(`--${others[0]} needs --slo FILE`);
    return { errors };
  }
  let historyUrl: URL | undefined;
  if (flags['slo-history'] !== undefined) {
    const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(flags['slo-history'])
      ? flags['slo-history']
      : `http://${flags['slo-history']}`;
    try {
      historyUrl = new URL(text);
      if (historyUrl.protocol !== 'http:' && historyUrl.protocol !== 'https:') throw new Error('scheme');
    } catch {
      errors.push(
        `--slo-history needs the URL of a Prometheus-compatible query API (http://prometheus:9090), got "${shownUrl(flags['slo-history'])}"`,
      );
      historyUrl = undefined;
    }
  }
  let historyWindowMs = DEFAULT_HISTORY_WINDOW_MS;
  if (flags['slo-history-window'] !== undefined) {
    const m = WINDOW.exec(flags['slo-history-window'].trim());
    const ms = m ? Number(m[1]) * UNIT_MS[m[2]!]! : NaN;
    if (!(ms >= 60_000))
      errors.push(
        `--slo-history-window needs a duration of at least a minute such as 14d, 12h or 30m, got "${flags['slo-history-window']}"`,
      );
    else historyWindowMs = ms;
  }
  const options: GateOptions = {
    sloFile: flags.slo,
    historyWindowMs,
    failOnWarning: flags['slo-fail-on-warning'] === true,
  };
  if (flags.sli !== undefined) options.sliFile = flags.sli;
  if (historyUrl) options.historyUrl = historyUrl;
  if (flags['slo-report'] !== undefined) options.reportFile = flags['slo-report'];
  if (flags['slo-markdown'] !== undefined) options.markdownFile = flags['slo-markdown'];
  if (flags['baseline-branch'] !== undefined) {
    if (flags['baseline-branch'].trim() === '') errors.push('--baseline-branch needs a branch name such as main');
    else options.baselineBranch = flags['baseline-branch'].trim();
  }
  if (flags['slo-junit'] !== undefined) options.junitFile = flags['slo-junit'];
  return { options, errors };
}
