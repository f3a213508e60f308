// Small pieces the OTLP and remote-write encoders share: a series that may carry a unit, the
// text of a value for the dry run, and a code-unit string order (what Prometheus sorts by).

import type { Series } from '../../store/series.js';

/**
 * A series whose unit may be any word: the store's are the base units a rule converted to
 * (`seconds`, `bytes`, `ratio`: lib/extract/rules/units.ts), as remote write's metadata carries them.
 */
export type UnitSeries = Omit<Series, 'unit'> & { readonly unit?: string };

/** Prometheus unit words → UCUM, as OTLP's `unit` field wants (semantic conventions). */
const UCUM: Readonly<Record<string, string>> = {
  seconds: 's',
  bytes: 'By',
  ratio: '1',
  percent: '%',
  milliseconds: 'ms',
};

export function ucumUnit(unit: string | undefined): string {
  if (unit === undefined) return '';
  // Own keys only: a unit word such as `constructor` is not looked up on Object.prototype.
  return Object.hasOwn(UCUM, unit) ? UCUM[unit]! : unit;
}

/** A value as Prometheus writes it: NaN, +Inf, -Inf, or the shortest round-trip decimal. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

export function compareText(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
