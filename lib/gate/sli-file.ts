// A Keptn SLI file (`spec_version: "1.0"`, `indicators: {name: query}`, keptn/spec sre.md),
// already parsed from YAML: the SLI names an SLO file's objectives use, mapped to selectors
// (lib/gate/selector.ts). Pure.

import type { Checked } from './slo-file.js';

export function checkSliDocument(doc: unknown, file: string): Checked<ReadonlyMap<string, string>> {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { errors: [`${file}: not an SLI file: expected a mapping with indicators: {name: selector}`] };
  const record = doc as Record<string, unknown>;
  const warnings: string[] = [];
  for (const key of Object.keys(record))
    if (key !== 'spec_version' && key !== 'indicators')
      warnings.push(`${file}: ${key}: not a field of an SLI file; ignored`);
  const indicators = record.indicators;
  if (typeof indicators !== 'object' || indicators === null || Array.isArray(indicators)) {
    return {
      errors: [
        `${file}: indicators: ${indicators === undefined ? 'missing' : 'must be a mapping'} (indicators: {response_time_p95: 'http_req_duration_p95_ms'})`,
      ],
    };
  }
  const errors: string[] = [];
  const map = new Map<string, string>();
  for (const [name, query] of Object.entries(indicators)) {
    if (typeof query !== 'string' || query.trim() === '')
      errors.push(
        `${file}: indicators.${name}: must be a selector string such as max(keptn_k6_http_req_duration_p95_ms)`,
      );
    else map.set(name, query);
  }
  return errors.length > 0 ? { errors } : { value: map, warnings };
}
