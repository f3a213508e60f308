// Which series an SLI is. An objective's `sli` (or the selector an --sli file maps it to)
// names a series by its input name (`cost`), its full name (`keptn_infracost_cost`), or either
// with label matchers (`http_req_duration_seconds{stat="p95"}`); a Keptn Prometheus SLI query of
// the form `max(name{k="v",…})` (also min, avg, sum, count) makes one number of several series.
// `$PROJECT`, `$STAGE`, `$SERVICE` and the SLO file's `filter:` keys are filled in first, as
// Keptn's SLI providers do. Pure.

import type { Series } from '../store/series.js';
import { normalizeLabelName } from '../store/prometheus-names.js';

export type Aggregation = 'max' | 'min' | 'avg' | 'sum' | 'count';
const AGGREGATIONS: readonly Aggregation[] = ['max', 'min', 'avg', 'sum', 'count'];

export interface Matcher {
  label: string;
  op: '=' | '!=';
  value: string;
}

export interface Selector {
  /** The text it was parsed from (after the placeholders were filled in). */
  text: string;
  name: string;
  matchers: readonly Matcher[];
  aggregation?: Aggregation;
}

const NAME = /^[A-Za-z_:][A-Za-z0-9_:.-]*/;
const LABEL = /^[A-Za-z_][A-Za-z0-9_.:-]*/;

/** `$PROJECT` → value; an unknown `$NAME` is an error (it would match nothing, silently). */
export function fillPlaceholders(
  text: string,
  values: Readonly<Record<string, string | undefined>>,
): { text: string } | { error: string } {
  let missing: string | undefined;
  const filled = text.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, key: string) => {
    const v = values[key];
    if (v === undefined) missing ??= key;
    return v ?? whole;
  });
  if (missing !== undefined)
    return {
      error: `$${missing} has no value here (known: ${
        Object.keys(values)
          .filter((k) => values[k] !== undefined)
          .map((k) => `$${k}`)
          .join(', ') || 'none'
      }; $PROJECT, $STAGE, $SERVICE come from KEPTN_PROJECT, KEPTN_STAGE, KEPTN_SERVICE)`,
    };
  return { text: filled };
}

export function parseSelector(input: string): Selector | { error: string } {
  const text = input.trim();
  let rest = text;
  let aggregation: Aggregation | undefined;
  const agg = /^([a-z]+)\s*\(([\s\S]*)\)$/.exec(rest);
  if (agg) {
    if (!(AGGREGATIONS as readonly string[]).includes(agg[1]!))
      return { error: `"${text}": only ${AGGREGATIONS.join(', ')}(…) can wrap a series here` };
    aggregation = agg[1] as Aggregation;
    rest = agg[2]!.trim();
  }
  const name = NAME.exec(rest)?.[0];
  if (!name) return { error: `"${text}": expected a series name, optionally with {label="value",…}` };
  rest = rest.slice(name.length).trim();
  const matchers: Matcher[] = [];
  if (rest.startsWith('{')) {
    rest = rest.slice(1).trim();
    while (!rest.startsWith('}')) {
      const label = LABEL.exec(rest)?.[0];
      if (!label) return { error: `"${text}": expected a label name inside {…}` };
      rest = rest.slice(label.length).trim();
      const op = matcherAt(rest);
      if (!op) return { error: `"${text}": label ${label}: only = and != are supported` };
      rest = rest.slice(op.length).trim();
      const quoted = /^"((?:[^"\\]|\\.)*)"|^'((?:[^'\\]|\\.)*)'/.exec(rest);
      if (!quoted) return { error: `"${text}": label ${label}: the value must be quoted ("…")` };
      const raw = quoted[1] ?? quoted[2] ?? '';
      matchers.push({ label, op, value: raw.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c)) });
      rest = rest.slice(quoted[0].length).trim();
      if (rest.startsWith(',')) rest = rest.slice(1).trim();
      else if (!rest.startsWith('}')) return { error: `"${text}": expected , or } after ${label}` };
    }
    rest = rest.slice(1).trim();
  }
  if (rest !== '')
    return {
      error: `"${text}": unexpected "${rest.slice(0, 20)}" (PromQL beyond name{…} and max/min/avg/sum/count(…) is not evaluated here)`,
    };
  return aggregation ? { text, name, matchers, aggregation } : { text, name, matchers };
}

export type Resolved = { value: number; series: readonly Series[] } | { error: string; series: readonly Series[] };

/**
 * The SLI's value among `series`. `fullName` turns an input name into the full metric name
 * (`cost` → `keptn_infracost_cost`); either name matches.
 */
export function resolveSelector(
  sel: Selector,
  series: readonly Series[],
  fullName: (name: string) => string,
): Resolved {
  const names = new Set([sel.name, fullName(sel.name)]);
  const found = series.filter((s) => names.has(s.name) && sel.matchers.every((m) => matches(s.labels, m)));
  if (found.length === 0) {
    const tried = [...names].map((n) => `${n}${matcherText(sel.matchers)}`).join(' or ');
    return { error: `no value: no series ${tried} in this run`, series: found };
  }
  if (sel.aggregation === undefined) {
    if (found.length === 1) return { value: found[0]!.value, series: found };
    return {
      error: `no value: ${found.length} series match; add labels ({label="value"}) or wrap it in max(…), sum(…)`,
      series: found,
    };
  }
  const values = found.map((s) => s.value);
  switch (sel.aggregation) {
    case 'max':
      return { value: Math.max(...values), series: found };
    case 'min':
      return { value: Math.min(...values), series: found };
    case 'sum':
      return { value: values.reduce((a, b) => a + b, 0), series: found };
    case 'avg':
      return { value: values.reduce((a, b) => a + b, 0) / values.length, series: found };
    case 'count':
      return { value: values.length, series: found };
  }
}

function matcherText(matchers: readonly Matcher[]): string {
  return matchers.length === 0
    ? ''
    : `{${matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;
}

/** A label given as the input wrote it (`p.95`) or as Prometheus names it (`p_95`) matches. */
function labelValue(labels: Readonly<Record<string, string>>, name: string): string | undefined {
  if (name in labels) return labels[name];
  for (const [k, v] of Object.entries(labels)) if (normalizeLabelName(k) === name) return v;
  return undefined;
}

function matches(labels: Readonly<Record<string, string>>, m: Matcher): boolean {
  // As in PromQL, a missing label is the empty string.
  const v = labelValue(labels, m.label) ?? '';
  return m.op === '=' ? v === m.value : v !== m.value;
}

/** The matcher a label's rest starts with: `!=` or `=` (`=~` and `!~` are not supported). */
function matcherAt(rest: string): '!=' | '=' | undefined {
  if (rest.startsWith('!=')) return '!=';
  if (rest.startsWith('=') && !rest.startsWith('=~')) return '=';
  return undefined;
}
