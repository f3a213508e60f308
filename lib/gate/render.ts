// The evaluation for people and for tools: a table on stderr, a Markdown table for
// $GITHUB_STEP_SUMMARY, and the JSON of --slo-report in the shape of Keptn's evaluation
// result (result, score, indicatorResults with pass and warning targets). Pure.

import { fmt, type Evaluation, type IndicatorResult, type SliTarget } from './evaluate.js';
import type { SloSpec } from './slo-file.js';
import type { RegressionOutcome } from './regression.js';
import { describeTest } from './regression.js';
import { mermaidChart, sparkline } from './trend.js';

/** Trends drawn at most (a job summary stays readable and bounded). */
export const MAX_TREND_CHARTS = 20;

const HEAD = ['objective', 'value', 'baseline', 'criteria', 'score', 'result'] as const;

function row(r: IndicatorResult, spec: SloSpec, i: number): string[] {
  const o = spec.objectives[i]!;
  const name = r.displayName ? `${r.displayName} (${o.sli})` : o.sli;
  const value = r.value.success ? fmt(r.value.value) : (r.value.message ?? 'no value');
  const relative = [...o.pass, ...o.warning].some((set) => set.some((c) => c.relative));
  let baseline = relative ? 'no baseline' : '-';
  if (r.value.comparedValue !== undefined) baseline = fmt(r.value.comparedValue);
  const criteria =
    [targets('pass', r.passTargets), targets('warning', r.warningTargets), regressionCell(spec, i, r.regression)]
      .filter(Boolean)
      .join('; ') || '(informative)';
  const score = r.status === 'info' ? '-' : `${fmt(r.score)}/${r.weight}`;
  return [`${name}${r.keySli ? ' (key)' : ''}`, value, baseline, criteria, score, r.status];
}

function targets(kind: string, list: readonly SliTarget[]): string {
  if (list.length === 0) return '';
  const shown = list.map((t) => {
    const mark = t.violated ? '✗' : '✓';
    // A relative criterion shows the value it came to; an absolute one is its own target.
    let target = '';
    if (t.noBaseline) target = ' (no baseline)';
    else if (t.targetValue !== undefined && isRelative(t.criteria)) target = ` (${fmt(t.targetValue)})`;
    return `${t.criteria}${target} ${mark}`;
  });
  return `${kind} ${shown.join(', ')}`;
}

/** `regression t_test 99% (107.26) ✓`, or `(not judged: 3 earlier results, min_samples is 5)`. */
function regressionCell(spec: SloSpec, i: number, o: RegressionOutcome | undefined): string {
  const r = spec.objectives[i]?.regression;
  if (!r || !o) return '';
  if (o.notJudged !== undefined) return `regression ${describeTest(r)} (not judged: ${o.notJudged})`;
  return `regression ${describeTest(r)} (${o.better === 'lower' ? '<=' : '>='}${fmt(o.bound!)}) ${o.regressed ? '✗' : '✓'}`;
}

/** `baseline 100 ± 2.16 (n 7), bound 107.26` for the trend lines. */
function baselineText(o: RegressionOutcome | undefined): string {
  if (!o || o.mean === undefined) return '';
  return `baseline ${fmt(o.mean)} ± ${fmt(o.sd ?? 0)} (n ${o.n})${o.bound !== undefined ? `, bound ${fmt(o.bound)}` : ''}`;
}

function objectiveName(r: IndicatorResult, spec: SloSpec, i: number): string {
  const o = spec.objectives[i]!;
  return r.displayName ? `${r.displayName} (${o.sli})` : o.sli;
}

/** One line per objective with earlier values: the sparkline, this run, the baseline. */
export function trendLines(e: Evaluation, spec: SloSpec): string[] {
  const lines: string[] = [];
  e.indicatorResults.forEach((r, i) => {
    if (!r.trend || r.trend.length === 0 || lines.length >= MAX_TREND_CHARTS) return;
    const now = r.value.success ? r.value.value : undefined;
    const parts = [`${sparkline(r.trend, now)}`, `${r.trend.length} earlier run${r.trend.length === 1 ? '' : 's'}`];
    if (now !== undefined) parts.push(`this run ${fmt(now)}`);
    const b = baselineText(r.regression);
    if (b) parts.push(b);
    lines.push(`trend of ${objectiveName(r, spec, i)}: ${parts.join(', ')}`);
  });
  return lines;
}

function isRelative(criteria: string): boolean {
  const text = criteria.replace(/\s+/g, '');
  return text.endsWith('%') || /^[<>=]+[+-]/.test(text);
}

export function totalLine(e: Evaluation): string {
  return `quality gate: ${e.result}, score ${fmt(e.score)}/100${e.message ? ` (${e.message})` : ''}`;
}

/** Lines of an aligned text table (the reporter prefixes each). */
export function textTable(e: Evaluation, spec: SloSpec): string[] {
  const rows = e.indicatorResults.map((r, i) => row(r, spec, i));
  const widths = HEAD.map((h, c) => Math.max(h.length, ...rows.map((r) => [...r[c]!].length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => (c === cells.length - 1 ? cell : cell + ' '.repeat(widths[c]! - [...cell].length)))
      .join('  ');
  return [`quality gate ${spec.file}:`, line(HEAD), ...rows.map(line), ...trendLines(e, spec), totalLine(e)];
}

/**
 * Most bytes of one gate's Markdown: GitHub shows at most 1 MiB of a step's summary
 * (docs.github.com, "Adding a job summary"), which the job's other steps share.
 */
export const MAX_SUMMARY_BYTES = 256 * 1024;

const RESULT_ICONS: Record<Evaluation['result'], string> = { pass: '✅', warning: '⚠️', fail: '❌' };

export function markdownTable(e: Evaluation, spec: SloSpec, maxBytes = MAX_SUMMARY_BYTES): string {
  const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const icon = RESULT_ICONS[e.result];
  const head = [
    `### ${icon} Quality gate: ${e.result} (score ${fmt(e.score)}/100)`,
    '',
    `SLO file \`${esc(spec.file)}\`${e.message ? `: ${esc(e.message)}` : ''}`,
    '',
    `| ${HEAD.join(' | ')} |`,
    `|${HEAD.map(() => '---').join('|')}|`,
  ];
  let bytes = Buffer.byteLength(head.join('\n')) + 200;
  const rows: string[] = [];
  for (const [i, r] of e.indicatorResults.entries()) {
    const text = `| ${row(r, spec, i).map(esc).join(' | ')} |`;
    bytes += Buffer.byteLength(text) + 1;
    if (bytes > maxBytes) {
      rows.push(
        '',
        `${e.indicatorResults.length - i} more objectives not shown (a job summary is bounded; the full table is on stderr and in --slo-report)`,
      );
      break;
    }
    rows.push(text);
  }
  return [...head, ...rows, '', ...markdownTrends(e, spec, esc)].join('\n');
}

/** Per objective with earlier values: one line of numbers and sparkline, and a Mermaid chart. */
function markdownTrends(e: Evaluation, spec: SloSpec, esc: (s: string) => string): string[] {
  const out: string[] = [];
  let charts = 0;
  e.indicatorResults.forEach((r, i) => {
    if (!r.trend || r.trend.length === 0 || charts >= MAX_TREND_CHARTS) return;
    charts++;
    const now = r.value.success ? r.value.value : undefined;
    const name = objectiveName(r, spec, i);
    const facts = [`${r.trend.length} earlier run${r.trend.length === 1 ? '' : 's'}`];
    if (now !== undefined) facts.push(`this run **${fmt(now)}**`);
    const b = baselineText(r.regression);
    if (b) facts.push(b);
    out.push(`**${esc(name)}** \`${sparkline(r.trend, now)}\` ${facts.join(', ')}`, '');
    out.push('```mermaid', mermaidChart(name, r.trend, now, r.regression?.bound), '```', '');
  });
  return out;
}

export interface ReportContext {
  sloFileContent: string;
  timeStart: string;
  timeEnd: string;
  /** How many earlier runs the relative criteria compared with. */
  comparedRuns: number;
}

/** --slo-report: Keptn's evaluation result (with its sloFileContent in base64, as Keptn sends it). */
export function jsonReport(e: Evaluation, spec: SloSpec, ctx: ReportContext): string {
  return `${JSON.stringify(
    {
      result: e.result,
      score: e.score,
      ...(e.message ? { message: e.message } : {}),
      sloFile: spec.file,
      sloFileContent: Buffer.from(ctx.sloFileContent, 'utf8').toString('base64'),
      timeStart: ctx.timeStart,
      timeEnd: ctx.timeEnd,
      comparedRuns: ctx.comparedRuns,
      totalScore: spec.totalScore,
      comparison: spec.comparison,
      indicatorResults: e.indicatorResults,
    },
    null,
    2,
  )}\n`;
}
