// What a parser finds on one line: a metric as the input wrote it, before naming rules.

export type MetricType = 'gauge' | 'counter' | 'untyped';

export interface Sample {
  /** The name as written in the input (normalized later, per backend). */
  name: string;
  value: number;
  /** Labels as written in the input; values are plain (unescaped) strings. */
  labels: Record<string, string>;
  /** Set when the input declares it (`# TYPE`, a JSON "type"); gauge otherwise. */
  type?: MetricType;
}

/**
 * A parser's answer for one line:
 * - `null`: not this parser's kind of line; the next parser gets it.
 * - `{ samples }`: the line is this parser's; `samples` may be empty (a `# TYPE` line).
 * - `{ samples: [], problem }`: the line is this parser's kind but unusable
 *   (a value out of range, a JSON metric without a number); it is reported, not stored.
 */
export type ParseOutcome = null | { samples: Sample[]; problem?: string };

/** State a parser may keep across lines: Prometheus `# TYPE` declarations. */
export interface ParseState {
  promTypes: Map<string, MetricType>;
}

export type LineParser = (line: string, state: ParseState) => ParseOutcome;

export function newParseState(): ParseState {
  return { promTypes: new Map() };
}
