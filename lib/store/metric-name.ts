// One metric name per input name, valid for Prometheus ([a-zA-Z_:][a-zA-Z0-9_:]*) and for
// Dynatrace (A-Za-z0-9_- sections, 3–250 characters, no `dt.`): the intersection of both
// is [A-Za-z_][A-Za-z0-9_]*, so every other run of characters becomes one `_`.

/**
 * A name as the input or a flag may give it (`--pattern NAME=`, `--json-path NAME=`, `--label`):
 * a word as tools print it (`build.duration`, `p95-ms`); the naming rules below normalize it.
 */
export const INPUT_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/** Dynatrace's key limit, which also keeps Prometheus names readable. */
export const MAX_METRIC_NAME = 250;

const INVALID_RUN = /[^A-Za-z0-9_]+/g;

/** Normalizes one piece of a name (the integration, the input name). Pure and stable. */
export function normalizeNamePart(part: string): string {
  return part.replace(INVALID_RUN, '_');
}

/** `keptn_<integration>_<name>` with `--prefix` in place of `keptn_`. */
export function fullMetricName(prefix: string, integration: string, name: string): string {
  let full = `${normalizeNamePart(prefix)}${normalizeNamePart(integration)}_${normalizeNamePart(name)}`;
  if (/^[0-9]/.test(full)) full = `_${full}`;
  return full.length > MAX_METRIC_NAME ? full.slice(0, MAX_METRIC_NAME) : full;
}
