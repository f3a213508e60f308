// What a parser finds on one line: a metric as the input wrote it, before naming rules.

import type { MetricType } from '../../store/series.js';

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
 * - `warning`: something to say about a line whose samples are used (a rule's label group that
 *   captured a number); said, not counted as an unusable line.
 */
export type ParseOutcome = null | { samples: Sample[]; problem?: string; warning?: string };

/** State a parser may keep across lines: Prometheus `# TYPE` declarations. */
export interface ParseState {
  promTypes: Map<string, MetricType>;
}

export type LineParser = (line: string, state: ParseState) => ParseOutcome;

export function newParseState(): ParseState {
  return { promTypes: new Map() };
}

/**
 * A parser's byte gate: buf[start, end) is one line without its `\n` (it may end in `\r`).
 * False means the parser can never take the line, so it is not even decoded. It may say true
 * for lines the parser then rejects; it must never say false for a line the parser accepts
 * (test/extract/parsers/precheck.test.ts proves that on every parser table and fixture).
 */
export type LineGate = (buf: Uint8Array, start: number, end: number) => boolean;

/** A default parser (`--parsers`): the line parser and its gate, declared together in its file. */
export interface DefaultParser {
  parse: LineParser;
  /** A new gate (a gate may keep a cache per buffer, so each line source gets its own). */
  gate: () => LineGate;
  /**
   * The bytes a line the gate lets through may start with, after blanks (256 flags). The
   * Precheck looks the first byte up once for all parsers, so most lines meet no gate at all.
   */
  firstBytes: Uint8Array;
}
