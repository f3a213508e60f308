// Prometheus names: what the Pushgateway accepts in a body and in a grouping key.
// Label names must match [a-zA-Z_][a-zA-Z0-9_]* and must not start with `__` (reserved
// for Prometheus itself; the Pushgateway refuses such a push with a 400).

const INVALID_LABEL_RUN = /[^A-Za-z0-9_]+/g;
const INVALID_METRIC_RUN = /[^A-Za-z0-9_:]+/g;

export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * A label name the Pushgateway accepts, or undefined for an empty name. Pure and stable:
 * every run of invalid characters becomes one `_`, a leading digit gets a `_` prefix, and a
 * leading run of underscores longer than one becomes a single `_` (`__name__` → `_name__`).
 */
export function normalizeLabelName(name: string): string | undefined {
  if (name === '') return undefined;
  let out = name.replace(INVALID_LABEL_RUN, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  out = out.replace(/^_{2,}/, '_');
  return out;
}

/** True for a name that may appear in a grouping-key path as it is. */
export function isGroupingLabelName(name: string): boolean {
  return LABEL_NAME.test(name) && !name.startsWith('__');
}

/**
 * A metric name Prometheus accepts. Series names are already valid (lib/store/metric-name.ts);
 * this is the serializer's guard, with the same rules plus `:` allowed.
 */
export function normalizeMetricName(name: string): string | undefined {
  if (name === '') return undefined;
  let out = name.replace(INVALID_METRIC_RUN, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  return out;
}

/**
 * Families the Pushgateway exposes itself: a push that reuses one of these names is refused
 * (another type) or silently overwritten (push_time_seconds). Only reachable with `--prefix ''`.
 */
export function clashesWithPushgatewayOwnMetrics(name: string): boolean {
  return (
    name.startsWith('go_') ||
    name.startsWith('process_') ||
    name.startsWith('pushgateway_') ||
    name === 'push_time_seconds' ||
    name === 'push_failure_time_seconds'
  );
}
