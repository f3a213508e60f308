// Compares a parser's answer with a table's expectation (NaN-aware; a problem by substring).

import type { Expected } from './parse-cases.js';
import type { ParseOutcome, Sample } from '../../../lib/extract/parsers/sample.js';
import type { PatternRule } from '../../../lib/extract/parsers/pattern.js';
import type { JsonPathRule } from '../../../lib/extract/parsers/json-path.js';
import { flagRuleSet, jsonPathFlagRule } from '../../../lib/extract/rules/flag-rules.js';
import { evaluateJsonRules } from '../../../lib/extract/rules/json-rules.js';
import { LineRules } from '../../../lib/extract/rules/line-rules.js';

/** The differences between what came and what was expected; empty when they agree. */
export function outcomeMismatch(actual: ParseOutcome, expected: Expected): string[] {
  if (expected === null || actual === null) {
    return expected === actual ? [] : [`expected ${describe(expected)}, got ${describe(actual)}`];
  }
  const errors: string[] = [];
  if (expected.problem === undefined && actual.problem !== undefined)
    errors.push(`unexpected problem: ${actual.problem}`);
  if (expected.problem !== undefined && !(actual.problem ?? '').includes(expected.problem)) {
    errors.push(`problem ${JSON.stringify(actual.problem)} does not contain ${JSON.stringify(expected.problem)}`);
  }
  if (actual.samples.length !== expected.samples.length) {
    errors.push(`expected ${expected.samples.length} samples, got ${describe(actual)}`);
    return errors;
  }
  actual.samples.forEach((sample, i) => {
    const want = expected.samples[i] as Sample;
    if (!sameSample(sample, want))
      errors.push(`sample ${i}: expected ${describeSample(want)}, got ${describeSample(sample)}`);
  });
  return errors;
}

function sameSample(a: Sample, b: Sample): boolean {
  if (a.name !== b.name || !Object.is(a.value, b.value) || a.type !== b.type) return false;
  const aKeys = Object.keys(a.labels).sort();
  const bKeys = Object.keys(b.labels).sort();
  if (aKeys.join('\u0000') !== bKeys.join('\u0000')) return false;
  // Own properties only: a label named __proto__ must be data, not the prototype.
  return aKeys.every(
    (k) => Object.getOwnPropertyDescriptor(a.labels, k)?.value === Object.getOwnPropertyDescriptor(b.labels, k)?.value,
  );
}

function describeSample(s: Sample): string {
  return `${s.name}${JSON.stringify(s.labels)}=${String(s.value)}${s.type ? ` (${s.type})` : ''}`;
}

function describe(outcome: ParseOutcome | Expected): string {
  if (outcome === null) return 'null';
  return `{ samples: [${outcome.samples.map(describeSample).join(', ')}]${outcome.problem ? `, problem: ${outcome.problem}` : ''} }`;
}

/** A table line, shortened for a test name. */
export function label(line: string): string {
  const printable = JSON.stringify(line);
  return printable.length > 90 ? `${printable.slice(0, 90)}… (${line.length} chars)` : printable;
}

/** One --pattern rule as a run applies it to a line: samples as name, value and labels. */
export function patternParser(rule: PatternRule): (line: string) => ParseOutcome {
  const rules = new LineRules([flagRuleSet([rule], [])]);
  // Each compiled rule on the line, as the time-budgeted matcher runs them (lib/extract/rules/safe-regex.ts).
  return (line) => {
    const samples: Sample[] = [];
    let problem: string | undefined;
    let matched = false;
    for (const r of rules.compiled) {
      const got = r.parse(line);
      if (got === null) continue;
      matched = true;
      for (const { name, value, labels } of got.samples) samples.push({ name, value, labels });
      problem ??= got.problem;
    }
    if (!matched) return null;
    return problem === undefined ? { samples } : { samples, problem };
  };
}

/** --json-path rules as a run evaluates them at the end of input (JSON document rules), samples as name, value and labels. */
export async function evaluateJsonPaths(
  document: string,
  rules: readonly JsonPathRule[],
): Promise<{ samples: Sample[]; problems: string[] }> {
  const found = await evaluateJsonRules(document, rules.map(jsonPathFlagRule), Number.MAX_SAFE_INTEGER);
  return {
    samples: found.samples.map(({ name, value, labels }) => ({ name, value, labels })),
    // Warnings (a value out of range) are problems said without -v: both are what a run reports.
    problems: [...(found.warnings ?? []), ...found.problems].map((p) => p.replace(/^--json-path: /, '')),
  };
}
