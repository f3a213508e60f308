// What a rule makes: a Sample (lib/extract/parsers/sample.ts) that also knows its rule and its base unit.

import type { Sample } from '../parsers/sample.js';
import type { DocumentRule, LineRule } from './model.js';
import type { BaseUnit } from './units.js';

export interface RuleSample extends Sample {
  rule: LineRule | DocumentRule;
  unit?: BaseUnit;
  /** Where a unit taken from the input came from (`unit_field: time_unit`, `unit: context`), for --explain. */
  unitFrom?: string;
}

/** Notes for --explain (lib/extract/explain.ts); absent on a normal run, so it costs nothing. */
export interface RuleObserver {
  matched(ruleId: string, origin: string, where: string, line: string, made: readonly RuleSample[]): void;
  nearMiss(ruleId: string, origin: string, where: string, line: string): void;
}
