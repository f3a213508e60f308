// The golden cases' expectation, serializer-neutral: what a run found, as a list of series
// (`name{labels} value`, one a line, in the order the store sorts them), plus the few properties
// of a series that are not in that line: its grouping key, a counter type, a unit. Each
// serializer's own format (HELP/TYPE lines, Dynatrace dimensions and escaping, batches) is
// table-tested next to it (test/sinks/pushgateway/serialize.test.ts, dynatrace-serialize.test.ts),
// so changing a HELP text or a static dimension does not rewrite every golden.
//
// The list is read off a --dry-run-file: the samples, the grouping key and the types from its
// Pushgateway section, the units from the `dt.meta.unit` metadata of its Dynatrace batches.
//
//   # grouping: /job/job-executor-service/integration/ab
//   # counter: keptn_x_total
//   # unit: keptn_ab_latency_seconds Second
//   keptn_ab_latency_seconds{ci_platform="keptn",percentile="50"} 0.004

export interface DryRunSections {
  /** The Pushgateway request line, e.g. `# pushgateway: PUT /metrics/job/…`. */
  pushgatewayHead?: string;
  /** Lines of the Pushgateway body (exposition text). */
  pushgatewayBody: string[];
  /** Lines of the Dynatrace batches, their `# dynatrace:` heads included. */
  dynatrace: string[];
}

export function dryRunSections(dryRun: string): DryRunSections {
  const lines = dryRun.split('\n');
  const pg = lines.findIndex((l) => l.startsWith('# pushgateway:'));
  const dt = lines.findIndex((l) => l.startsWith('# dynatrace:'));
  const pgEnd = dt > pg ? dt : lines.length;
  return {
    ...(pg >= 0 ? { pushgatewayHead: lines[pg] } : {}),
    pushgatewayBody: pg >= 0 ? lines.slice(pg + 1, pgEnd) : [],
    // The dry-run file writes the Pushgateway section first, then the Dynatrace batches.
    dynatrace: dt >= 0 ? lines.slice(dt) : [],
  };
}

/** The serializer-neutral list of a dry-run file (see the header). */
export function seriesList(dryRun: string): string {
  const { pushgatewayHead, pushgatewayBody, dynatrace } = dryRunSections(dryRun);
  const out: string[] = [];
  const put = pushgatewayHead === undefined ? undefined : /^# pushgateway: PUT \/metrics(\/\S*)$/.exec(pushgatewayHead);
  if (put) out.push(`# grouping: ${put[1]}`);
  for (const l of pushgatewayBody) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(l);
    if (type && type[2] !== 'gauge') out.push(`# ${type[2]}: ${type[1]}`);
  }
  for (const l of dynatrace) {
    const unit = /^#(\S+) \S+ dt\.meta\.unit=(\S+)$/.exec(l);
    if (unit) out.push(`# unit: ${unit[1]} ${unit[2]}`);
  }
  // A key described in more than one batch is one unit.
  const heads = [...new Set(out)];
  const samples = pushgatewayBody.filter((l) => l !== '' && !l.startsWith('#'));
  return [...heads, ...samples].map((l) => `${l}\n`).join('');
}

/** The sample lines of a series list. */
export function seriesLines(list: string): string[] {
  return list.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
}

/** The value of a sample line (`name{labels} value`). */
export function sampleValue(line: string): number {
  const text = line.slice(line.lastIndexOf(' ') + 1);
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  return Number(text);
}

/**
 * Lines the Dynatrace batches of a run with this list hold: a line per finite sample (Dynatrace
 * takes no NaN or infinity) and a metadata line per unit (once per key per request; the goldens'
 * payloads fit one request each).
 */
export function dynatraceLinesFor(list: string): number {
  const finite = seriesLines(list).filter((l) => Number.isFinite(sampleValue(l))).length;
  const units = list.split('\n').filter((l) => l.startsWith('# unit: ')).length;
  return finite + units;
}
