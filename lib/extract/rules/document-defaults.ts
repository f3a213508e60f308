// `default:` for document rules (JSON, XML): a rule whose series never appeared (no element, no
// match: a clean eslint run, a JUnit file without <failure>) pushes its default, so the last
// failing value does not stay in the Pushgateway. Only for series the rule fully names: a
// label from the document (label_fields) cannot be known when nothing matched.

import type { DocumentRule } from './model.js';
import type { RuleSample } from './rule-sample.js';
import { parseWithUnit, withUnitSuffix, type BaseUnit } from './units.js';
import { seriesKey } from '../../store/series.js';

function fixedBase(unit: string | undefined): BaseUnit | null {
  if (unit === undefined || unit === 'auto') return null;
  const r = parseWithUnit('1', unit);
  return 'base' in r ? r.base : null;
}

/**
 * The default samples of `rules` for the series that no sample of `made` has, whichever rule made
 * it (trivy's schema-2 and bare-array rules make the same series: a default never hides a value).
 */
export function documentDefaults(rules: readonly DocumentRule[], made: readonly RuleSample[]): RuleSample[] {
  const have = new Set(made.map((s) => seriesKey(s.name, s.labels)));
  const out: RuleSample[] = [];
  for (const rule of rules) {
    if (rule.default === undefined || rule.labelFields.size > 0) continue;
    const base = fixedBase(rule.unit);
    const names = rule.fields ? [...rule.fields.keys()] : [rule.name as string];
    for (const plain of names) {
      const name = withUnitSuffix(plain, base);
      const s: RuleSample = { name, value: rule.default, labels: { ...rule.labels }, rule, type: rule.type };
      if (have.has(seriesKey(name, s.labels))) continue;
      have.add(seriesKey(name, s.labels));
      if (base !== null) s.unit = base;
      out.push(s);
    }
  }
  return out;
}
