// `--timeout 10`, `--deadline 90s`, `--flush-interval 500ms`, `2m`: a plain number is seconds.

const DURATION = /^(\d+(?:\.\d+)?|\.\d+)(ms|s|m)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000 };

/** Milliseconds, or undefined when the text is not a positive duration. */
export function parseDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m) return undefined;
  // Rounded before the check: 0.0004s is 0 ms, not a positive duration.
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}
