// The comparison value of several earlier results: `aggregate_function` avg (the default),
// p50, p90 or p95. The percentiles interpolate between the two nearest ranks at p × (n + 1)
// (Hyndman and Fan's type 6), the method Keptn's lighthouse-service used, clamped to the
// smallest and largest value at the ends.

export type AggregateFunction = 'avg' | 'p50' | 'p90' | 'p95';
export const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = ['avg', 'p50', 'p90', 'p95'];

const PERCENT: Record<Exclude<AggregateFunction, 'avg'>, number> = { p50: 0.5, p90: 0.9, p95: 0.95 };

/** Undefined for no values: there is no baseline then. */
export function aggregate(values: readonly number[], fn: AggregateFunction): number | undefined {
  if (values.length === 0) return undefined;
  if (fn === 'avg') return values.reduce((a, b) => a + b, 0) / values.length;
  return percentile(values, PERCENT[fn]);
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = p * (n + 1);
  if (rank < 1) return sorted[0]!;
  if (rank >= n) return sorted[n - 1]!;
  const below = sorted[Math.floor(rank) - 1]!;
  const above = sorted[Math.floor(rank)]!;
  return below + (rank - Math.floor(rank)) * (above - below);
}
