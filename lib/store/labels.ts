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

/**
 * Sets a label whose name the input chose (a JMH `@Param` name from its table's header or its JSON
 * `params`): the name made a valid label name as the sinks make it (`normalizeLabelName`), and
 * `param_<name>` when the series already has a label of that name (a `@Param String mode` beside
 * JMH's own `mode`). False: the name is empty, nothing was set.
 */
export function setInputLabel(labels: Record<string, string>, name: string, value: string): boolean {
  const valid = normalizeLabelName(name);
  if (valid === undefined) return false;
  setLabel(labels, Object.hasOwn(labels, valid) ? (normalizeLabelName(`param_${valid}`) ?? valid) : valid, value);
  return true;
}
