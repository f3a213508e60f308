// Values with units → base units: seconds, bytes, ratio (0–1). `unit: auto` reads the unit from
// the value's text; a fixed unit (`unit: ms`) says what a bare number means and still converts a
// value that carries a unit of the same kind (wrk and autocannon pick the unit per run).
//
// Accepted: `7.57ms`, `1930 ms`, `0.0145 secs`, `3.0395s`, `1m30.5s` (Go/k6 durations), GNU
// time's `0:00.02` (m:ss) and `1:02:03` (h:mm:ss); `92.5 kB`, `164.80KB`, `3MiB`; `25%`; and the
// bare multipliers k, M, G, T (`3k`, `0.90k`, `79096.72k`: a count, no unit) and Ki, Mi, Gi, Ti.
// kB, KB, MB, GB and k, M, G are decimal (1000) unless the rule says `prefixes: binary` (then
// 1024: Google Benchmark's `bytes_per_second=35.4975G/s` is 2^30, benchmark/src/string_util.cc);
// KiB, MiB, GiB and Ki, Mi, Gi are always binary (IEC 80000-13).

import { parseNumber } from '../parsers/number.js';

export type BaseUnit = 'seconds' | 'bytes' | 'ratio';
export type UnitSpec = 'auto' | string;
/** `decimal:` of a rule: the decimal mark of its values (`point` unless the rule says `comma`). */
export type DecimalMark = 'point' | 'comma';
/** How a rule reads numbers besides its unit: `decimal:` and (item 7) `prefixes:`. */
export interface NumberStyle {
  decimal?: DecimalMark;
  /** `prefixes: binary`: k, M, G, T (and kB, MB, …) are 2^10, 2^20, … as Google Benchmark and many byte counters print them. */
  prefixes?: 'binary';
}

interface UnitDef {
  base: BaseUnit | null;
  factor: number;
}

const S = (factor: number): UnitDef => ({ base: 'seconds', factor });
const B = (factor: number): UnitDef => ({ base: 'bytes', factor });
const N = (factor: number): UnitDef => ({ base: null, factor });

export const UNITS: Readonly<Record<string, UnitDef>> = {
  ns: S(1e-9),
  us: S(1e-6),
  µs: S(1e-6),
  μs: S(1e-6),
  ps: S(1e-12),
  ms: S(1e-3),
  s: S(1),
  sec: S(1),
  secs: S(1),
  second: S(1),
  seconds: S(1),
  m: S(60),
  min: S(60),
  mins: S(60),
  minute: S(60),
  minutes: S(60),
  h: S(3600),
  hr: S(3600),
  hour: S(3600),
  hours: S(3600),
  B: B(1),
  byte: B(1),
  bytes: B(1),
  kB: B(1e3),
  KB: B(1e3),
  MB: B(1e6),
  GB: B(1e9),
  TB: B(1e12),
  KiB: B(1024),
  MiB: B(1024 ** 2),
  GiB: B(1024 ** 3),
  TiB: B(1024 ** 4),
  '%': { base: 'ratio', factor: 0.01 },
  percent: { base: 'ratio', factor: 0.01 },
  ratio: { base: 'ratio', factor: 1 },
  k: N(1e3),
  K: N(1e3),
  M: N(1e6),
  G: N(1e9),
  T: N(1e12),
  Ki: N(1024),
  Mi: N(1024 ** 2),
  Gi: N(1024 ** 3),
  Ti: N(1024 ** 4),
};

/** With `prefixes: binary`: the SI prefixes read as powers of 1024 (Ki, Mi, Gi, KiB… are binary anyway). */
const BINARY: Readonly<Record<string, UnitDef>> = {
  k: N(1024),
  K: N(1024),
  M: N(1024 ** 2),
  G: N(1024 ** 3),
  T: N(1024 ** 4),
  kB: B(1024),
  KB: B(1024),
  MB: B(1024 ** 2),
  GB: B(1024 ** 3),
  TB: B(1024 ** 4),
};

function unitNamed(name: string, style: NumberStyle): UnitDef | undefined {
  if (style.prefixes === 'binary' && Object.hasOwn(BINARY, name)) return BINARY[name];
  return Object.hasOwn(UNITS, name) ? UNITS[name] : undefined;
}

/** The units a rule may name, for error messages. */
export const UNIT_NAMES = Object.keys(UNITS);

export const SUFFIX: Readonly<Record<BaseUnit, string>> = { seconds: '_seconds', bytes: '_bytes', ratio: '_ratio' };
/** Dynatrace's names for the base units (dt.meta.unit). */
export const DYNATRACE_UNIT: Readonly<Record<BaseUnit, string>> = { seconds: 'Second', bytes: 'Byte', ratio: 'Ratio' };

/** `unit: context` on a line rule: the unit a context rule's `unit` group captured (lib/extract/rules/line-rules.ts). */
export const CONTEXT_UNIT = 'context';

/** A unit the input names (`unit_field:`, a context rule's `unit` group): one of UNITS (not auto). */
export function isUnitName(text: string): boolean {
  return Object.hasOwn(UNITS, text);
}

export function isUnitSpec(text: string): boolean {
  return text === 'auto' || Object.hasOwn(UNITS, text);
}

export type UnitValue = { value: number; base: BaseUnit | null } | { problem: string };

const NUMBER_AND_UNIT = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)[ \t]*([A-Za-zµμ%]+)$/;
const CLOCK = /^(\d+):([0-5]\d)(?::([0-5]\d(?:\.\d+)?))?(?:\.(\d+))?$/;
const GO_DURATION = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m(?!s))?(?:(\d+(?:\.\d+)?)(ns|us|µs|μs|ms|s))?$/;

/**
 * n in the unit → n in the base unit. A power of ten moves the decimal point instead of
 * multiplying: 34.84 ns is 3.484e-8 s, where 34.84 * 1e-9 gives 3.4840000000000006e-8.
 */
function scaled(n: number, factor: number): number {
  const exp = Math.log10(factor);
  if (!Number.isInteger(exp) || !Number.isFinite(n)) return n * factor;
  const [mantissa, e] = n.toExponential().split('e') as [string, string];
  return Number(`${mantissa}e${Number(e) + exp}`);
}

/**
 * Thousands separators, as people and tools print numbers: `2,817,912` (benchmark.js),
 * `10,272` (valgrind), `1 234 567` (a plain, no-break or thin space: U+0020, U+00A0, U+2009,
 * U+202F), `1'234'567`. A group of exactly three digits after each separator, one separator
 * throughout, the first group 1–3 digits: anything else is not grouping, so `1,5` and `1,2345`
 * are never read as thousands. With `decimal: comma` a comma is the decimal mark and `.` may
 * group (`1.234.567,89`). Linear: no nested quantifier can backtrack.
 */
const GROUPED_POINT = /^([+-]?\d{1,3})((?:([,'\u00A0\u2009\u202F ])\d{3})(?:\3\d{3})*)(?!\d|[,'\u00A0\u2009\u202F]\d)/;
const GROUPED_COMMA = /^([+-]?\d{1,3})((?:([.'\u00A0\u2009\u202F ])\d{3})(?:\3\d{3})*)(?!\d|[.'\u00A0\u2009\u202F]\d)/;
const SEPARATORS = /[,.'\u00A0\u2009\u202F ]/g;
const COMMA_DECIMAL = /^([+-]?\d+),(\d+)/;

/** The number at the start of `text` written plainly (`2817912`, `1.5`); undefined when its grouping or decimal mark is not clear. */
export function plainNumberText(text: string, decimal: DecimalMark = 'point'): string | undefined {
  const grouped = (decimal === 'comma' ? GROUPED_COMMA : GROUPED_POINT).exec(text);
  let out =
    grouped === null
      ? text
      : `${grouped[1]}${(grouped[2] as string).replace(SEPARATORS, '')}${text.slice(grouped[0].length)}`;
  if (decimal === 'comma') {
    // A point left over is neither a group of three nor the decimal mark: ambiguous, refused.
    if (/^[+-]?\d*\./.test(out)) return undefined;
    out = out.replace(COMMA_DECIMAL, '$1.$2');
  }
  return out;
}

/** A rule's value text without a unit → a number, reading grouped thousands (and a decimal comma when the rule says so). */
export function parseRuleNumber(text: string, style: NumberStyle = {}): number | 'out-of-range' | undefined {
  if (style.decimal !== 'comma') {
    const plain = parseNumber(text);
    if (plain !== undefined) return plain;
  }
  const normal = plainNumberText(text, style.decimal);
  return normal === undefined || (normal === text && style.decimal !== 'comma') ? undefined : parseNumber(normal);
}

/**
 * What to add to a rule so that it reads `text` (which it refused): ` (try unit: auto)` or
 * ` (a decimal comma? decimal: comma reads it)`, only when that rule would read it; else ''.
 */
export function numberHint(text: string, style: NumberStyle, unit: UnitSpec | undefined): string {
  if (!/\d/.test(text)) return '';
  if (unit === undefined && !('problem' in readAny(text, 'auto', style))) return ' (try unit: auto)';
  if (style.decimal !== 'comma' && !('problem' in readAny(text, unit ?? 'auto', { ...style, decimal: 'comma' })))
    return ' (a decimal comma? decimal: comma reads it)';
  return '';
}

/** Text with an optional unit → the number in its base unit. */
export function parseWithUnit(raw: string, spec: UnitSpec, style: NumberStyle = {}): UnitValue {
  const given = raw.trim();
  const r = readAny(given, spec, style);
  if (!('problem' in r) || r.problem !== NOT_READ) return r;
  return {
    problem: `not a number with a unit: ${JSON.stringify(given.slice(0, 60))}${spec === 'auto' ? numberHint(given, style, spec) : ''}`,
  };
}

function readAny(given: string, spec: UnitSpec, style: NumberStyle): UnitValue {
  // As written first (the common case costs nothing more); then with its thousands separators
  // removed, or its decimal comma read when the rule says so.
  if (style.decimal !== 'comma') {
    const first = readWithUnit(given, spec, style);
    if (!('problem' in first) || first.problem !== NOT_READ) return first;
  }
  const normal = plainNumberText(given, style.decimal);
  return normal === undefined || (normal === given && style.decimal !== 'comma')
    ? { problem: NOT_READ }
    : readWithUnit(normal, spec, style);
}

const NOT_READ = 'not read';

function readWithUnit(text: string, spec: UnitSpec, style: NumberStyle): UnitValue {
  const fixed = spec === 'auto' ? undefined : unitNamed(spec, style);
  const plain = parseNumber(text);
  if (typeof plain === 'number')
    return fixed === undefined
      ? { value: plain, base: null }
      : { value: scaled(plain, fixed.factor), base: fixed.base };
  if (plain === 'out-of-range') return { problem: `${JSON.stringify(text)} is out of range` };
  const found = withUnit(text, style);
  if (found === undefined) return { problem: NOT_READ };
  if (fixed !== undefined && found.base !== fixed.base) {
    return {
      problem: `${JSON.stringify(text.slice(0, 60))} is not in ${fixed.base ?? 'a count'} as unit: ${spec} says`,
    };
  }
  return found;
}

function withUnit(text: string, style: NumberStyle): { value: number; base: BaseUnit | null } | undefined {
  const m = NUMBER_AND_UNIT.exec(text);
  if (m !== null) {
    const name = m[2] as string;
    // Exact first (M is mega, m minutes); then words in any case (`Secs`, `MS`).
    const unit = unitNamed(name, style) ?? (name.length > 1 ? unitNamed(name.toLowerCase(), style) : undefined);
    if (unit !== undefined) return { value: scaled(Number(m[1]), unit.factor), base: unit.base };
  }
  const clock = CLOCK.exec(text);
  if (clock !== null) {
    // m:ss[.ff] or h:mm:ss[.ff] (GNU time's "Elapsed (wall clock) time").
    const [, a, b, c, frac] = clock;
    const seconds =
      c !== undefined
        ? Number(a) * 3600 + Number(b) * 60 + Number(c)
        : Number(a) * 60 + Number(`${b}${frac !== undefined ? `.${frac}` : ''}`);
    if (c !== undefined && frac !== undefined) return undefined;
    return { value: seconds, base: 'seconds' };
  }
  const go = GO_DURATION.exec(text);
  if (go !== null && text !== '') {
    const [, h, min, n, u] = go;
    const value =
      Number(h ?? 0) * 3600 +
      Number(min ?? 0) * 60 +
      (n !== undefined ? scaled(Number(n), (UNITS[u as string] as UnitDef).factor) : 0);
    return { value, base: 'seconds' };
  }
  return undefined;
}

/**
 * The metric name with the base unit's suffix, unless it already ends with it or names a rate
 * of it (`transfer_bytes_per_second`: the unit is there, before `_per_`).
 */
export function withUnitSuffix(name: string, base: BaseUnit | null): string {
  if (base === null) return name;
  const suffix = SUFFIX[base];
  return name.endsWith(suffix) || name.includes(`${suffix}_per_`) ? name : name + suffix;
}
