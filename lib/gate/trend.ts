// The trend of an objective over the last runs, where people look: a Unicode sparkline (stderr,
// plain Markdown) and a Mermaid `xychart-beta` chart, which GitHub renders in a job summary
// (https://mermaid.js.org/syntax/xyChart.html; GitHub renders ```mermaid blocks:
// https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/creating-diagrams).
// This run is the last point, labelled "this"; a regression test's bound is a second line. Pure.

import { fmt } from './evaluate.js';

/** At most this many earlier runs are drawn. */
export const TREND_RUNS = 20;

const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** `earlier` oldest first, then this run after a `│`: `▁▃▂▅▄│█`. Empty without earlier values. */
export function sparkline(earlier: readonly number[], current: number | undefined): string {
  const all = current === undefined ? [...earlier] : [...earlier, current];
  if (earlier.length === 0 || all.some((v) => !Number.isFinite(v))) return '';
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const bar = (v: number): string =>
    hi === lo ? BARS[3]! : BARS[Math.min(7, Math.floor(((v - lo) / (hi - lo)) * 8))]!;
  return earlier.map(bar).join('') + (current === undefined ? '' : `│${bar(current)}`);
}

/** A Mermaid xychart-beta block (without the fences): the runs, this one last, and the bound as a flat line. */
export function mermaidChart(
  title: string,
  earlier: readonly number[],
  current: number | undefined,
  bound?: number,
): string {
  const values = current === undefined ? [...earlier] : [...earlier, current];
  const labels = earlier.map((_, i) => `"-${earlier.length - i}"`);
  if (current !== undefined) labels.push('"this"');
  const all = bound === undefined ? values : [...values, bound];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = hi === lo ? Math.abs(hi) * 0.1 || 1 : (hi - lo) * 0.1;
  const lines = [
    'xychart-beta',
    `  title ${JSON.stringify(title.replace(/"/g, "'"))}`,
    `  x-axis [${labels.join(', ')}]`,
    `  y-axis ${JSON.stringify('value')} ${num(lo - pad)} --> ${num(hi + pad)}`,
    `  line [${values.map(num).join(', ')}]`,
  ];
  if (bound !== undefined && Number.isFinite(bound)) lines.push(`  line [${values.map(() => num(bound)).join(', ')}]`);
  return lines.join('\n');
}

function num(n: number): string {
  return fmt(Math.abs(n) >= 1 ? n : Number(n.toPrecision(4)));
}
