// A label record built from input text: safe for any label name the input chose.

import { normalizeLabelName } from './prometheus-names.js';

/**
 * Sets one label. A `__proto__` label from the input must become an ordinary own
 * property, not replace the record's prototype.
 */
export function setLabel(labels: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__') {
    Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
  } else {
    labels[name] = value;
  }
}

/** Labels the Pushgateway's grouping key and Prometheus's scrape set: a label of a series named so would be lost. */
const PUSH_LABELS: ReadonlySet<string> = new Set(['job', 'instance']);

/**
 * Sets a label whose name the input chose (a JMH `@Param` name from its table's header or its JSON
 * `params`): the name in snake case, as the presets' own labels are (`IterationCount` is
 * `iteration_count`), made a valid label name as the sinks make it (`normalizeLabelName`), and
 * `param_<name>` when the series already has a label of that name (a `@Param String mode` beside
 * JMH's own `mode`) or it is `job` or `instance` (BenchmarkDotNet's `Job` column). False: the name is empty, nothing was set.
 */
export function setInputLabel(labels: Record<string, string>, name: string, value: string): boolean {
  const valid = normalizeLabelName(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
  if (valid === undefined) return false;
  const taken = Object.hasOwn(labels, valid) || PUSH_LABELS.has(valid);
  setLabel(labels, taken ? `param_${valid.replace(/^_/, '')}` : valid, value);
  return true;
}
