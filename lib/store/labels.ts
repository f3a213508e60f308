// A label record built from input text: safe for any label name the input chose.

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
