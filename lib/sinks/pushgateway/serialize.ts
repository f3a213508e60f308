// Series → Prometheus text exposition 0.0.4, the body of a Pushgateway push. Pure apart from
// the lazy import of prom-client, whose Registry writes the text (and escapes label values
// and help the way Prometheus parses them). What prom-client does not guarantee is done here
// first: valid and consistent label names per family, one type per family, no duplicates,
// no grouping-key labels in the body, and a deterministic order.

import type { Series } from '../../store/series.js';
import { seriesKey } from '../../store/series.js';
import {
  clashesWithPushgatewayOwnMetrics,
  normalizeLabelName,
  normalizeMetricName,
} from '../../store/prometheus-names.js';

/**
 * prom-client's three classes this file uses, from their own modules: its index also loads the
 * Pushgateway client, cluster support and the default process metrics, which costs a run that
 * pushes about 55 ms of startup (docs/decisions/start-up.md). The classes are the same objects.
 */
export async function loadPromClient(): Promise<Pick<typeof import('prom-client'), 'Registry' | 'Gauge' | 'Counter'>> {
  const [registry, gauge, counter] = await Promise.all([
    import('prom-client/lib/registry.js'),
    import('prom-client/lib/gauge.js'),
    import('prom-client/lib/counter.js'),
  ]);
  return { Registry: registry.default, Gauge: gauge.default, Counter: counter.default };
}

/** prom-client requires a help text; an empty one is refused. */
export const DEFAULT_HELP = 'Pushed by jes-metrics-pipe';

export interface ExpositionOptions {
  /** Label names (after normalization) left out of the body: the grouping-key labels. */
  dropLabels?: ReadonlySet<string>;
  /**
   * The grouping key's labels and values: left out of the body like dropLabels, and a body
   * value that differs from the key's is noted (the Pushgateway would overwrite it silently).
   */
  grouping?: ReadonlyMap<string, string>;
  /** `# HELP` text for every family. */
  help?: string;
}

export interface Exposition {
  /** The body: every line ends with `\n`; empty when there is no series. */
  text: string;
  /** Things the user should hear about once (renamed labels, dropped duplicates, type clashes). */
  notes: string[];
  /** How many samples the body holds. */
  series: number;
}

type FamilyType = 'gauge' | 'counter';

interface Sample {
  labels: Record<string, string>;
  value: number;
}

interface Family {
  name: string;
  types: Set<FamilyType>;
  samples: Sample[];
}

/** Most notes of one kind listed; the rest are counted (stderr is short in JES). */
const MAX_NOTES_PER_KIND = 5;

/** Notes with the same key are said once, with how often they happened. */
class Notes {
  readonly #byKey = new Map<string, { kind: string; text: string; count: number }>();

  /** `key` is `<kind>:<what>`: e.g. `label:http.status`. */
  add(key: string, text: string): void {
    const known = this.#byKey.get(key);
    if (known) known.count++;
    else this.#byKey.set(key, { kind: key.slice(0, key.indexOf(':')), text, count: 1 });
  }

  list(): string[] {
    const out: string[] = [];
    const shown = new Map<string, number>();
    const left = new Map<string, number>();
    for (const n of this.#byKey.values()) {
      const seen = shown.get(n.kind) ?? 0;
      if (seen >= MAX_NOTES_PER_KIND) {
        left.set(n.kind, (left.get(n.kind) ?? 0) + 1);
        continue;
      }
      shown.set(n.kind, seen + 1);
      out.push(n.count > 1 ? `${n.text} (${n.count} times)` : n.text);
    }
    for (const [kind, count] of left) out.push(`${count} more notes like "${KIND_TEXT[kind] ?? kind}" not shown`);
    return out;
  }
}

const KIND_TEXT: Record<string, string> = {
  name: 'metric name sent as',
  label: 'label sent as',
  grouping: 'label differs from the grouping key',
  'label-clash': 'labels become the same name',
  duplicate: 'identical series',
  own: "the Pushgateway's own metric name",
  types: 'seen as counter and as gauge',
  counter: 'counter sent as gauge',
  collision: 'series lost to a prom-client label-hash collision',
  unpadded: 'samples keep only their own labels',
};

export async function renderExposition(series: readonly Series[], opts: ExpositionOptions = {}): Promise<Exposition> {
  const notes = new Notes();
  const families = collectFamilies(series, opts, notes);
  if (families.length === 0) return { text: '', notes: notes.list(), series: 0 };

  const { Registry, Gauge, Counter } = await loadPromClient();
  const registry = new Registry();
  const help = opts.help ?? DEFAULT_HELP;
  let count = 0;
  for (const family of families) {
    const labelNames = unionLabelNames(family.samples);
    const samples = dedupe(family, labelNames, notes);
    const type = familyType(family, samples, notes);
    if (type === 'counter') {
      const counter = new Counter({ name: family.name, help, labelNames, registers: [registry] });
      for (const s of samples) counter.inc(s.labels, s.value);
      count += await checkKept(counter.get(), family.name, samples.length, notes);
    } else {
      const gauge = new Gauge({ name: family.name, help, labelNames, registers: [registry] });
      for (const s of samples) gauge.set(s.labels, s.value);
      count += await checkKept(gauge.get(), family.name, samples.length, notes);
    }
  }
  return { text: spellNaN(await registry.metrics()), notes: notes.list(), series: count };
}

/** Names and labels normalized, grouping labels dropped; families sorted by name. */
function collectFamilies(series: readonly Series[], opts: ExpositionOptions, notes: Notes): Family[] {
  const byName = new Map<string, Family>();
  for (const s of series) {
    const name = normalizeMetricName(s.name);
    if (name === undefined) {
      notes.add('empty-name:', 'a series without a name was left out');
      continue;
    }
    if (name !== s.name) notes.add(`name:${s.name}`, `metric name "${s.name}" sent to the Pushgateway as "${name}"`);
    if (clashesWithPushgatewayOwnMetrics(name)) {
      notes.add(
        `own:${name}`,
        `metric "${name}" has a name the Pushgateway uses for its own metrics: the push may be refused or overwritten; choose another --prefix`,
      );
    }
    let family = byName.get(name);
    if (!family) {
      family = { name, types: new Set(), samples: [] };
      byName.set(name, family);
    }
    family.types.add(s.type === 'counter' ? 'counter' : 'gauge');
    family.samples.push({ labels: bodyLabels(name, s.labels, opts, notes), value: s.value });
  }
  return [...byName.values()].sort((a, b) => compare(a.name, b.name));
}

function bodyLabels(
  metric: string,
  input: Readonly<Record<string, string>>,
  opts: ExpositionOptions,
  notes: Notes,
): Record<string, string> {
  // Maps, not objects: a label named `constructor` or `toString` must not meet Object.prototype.
  const out: Record<string, string> = {};
  const from = new Map<string, string>();
  // Sorted input names: when two normalize to the same name, the same one wins on every run.
  for (const original of Object.keys(input).sort(compare)) {
    const value = input[original] as string;
    const name = normalizeLabelName(original);
    if (name === undefined) {
      notes.add('empty-label:', `a label with an empty name on "${metric}" was left out`);
      continue;
    }
    if (name !== original) notes.add(`label:${original}`, `label "${original}" sent to the Pushgateway as "${name}"`);
    const groupingValue = opts.grouping?.get(name);
    if (groupingValue !== undefined || opts.dropLabels?.has(name)) {
      if (groupingValue !== undefined && groupingValue !== value) {
        notes.add(
          `grouping:${name}`,
          `label ${name}="${value}" on "${metric}" differs from the grouping key's ${name}="${groupingValue}": the Pushgateway stores the grouping key's value`,
        );
      }
      continue;
    }
    const earlier = from.get(name);
    if (earlier !== undefined) {
      notes.add(
        `label-clash:${earlier}\u0000${original}`,
        `labels "${earlier}" and "${original}" on "${metric}" both become "${name}": "${original}" is kept`,
      );
    }
    from.set(name, original);
    setOwn(out, name, value);
  }
  return out;
}

/** `__proto__` as a label name stays an ordinary own property. */
function setOwn(record: Record<string, string>, name: string, value: string): void {
  Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
}

/** Every sample of a family gets the same label names (sorted); a missing one is "". */
function unionLabelNames(samples: readonly Sample[]): string[] {
  const names = new Set<string>();
  for (const s of samples) for (const n of Object.keys(s.labels)) names.add(n);
  return [...names].sort(compare);
}

/**
 * Beyond this many label names in one family, samples are not padded with `name=""`: padding
 * costs series × names (1,000 series with a label name each would write a million labels), and
 * an absent label and an empty one mean the same to Prometheus.
 */
export const MAX_PADDED_LABEL_NAMES = 32;

/** Fills the union, keeps the last of identical series, and sorts by label values. */
function dedupe(family: Family, labelNames: readonly string[], notes: Notes): Sample[] {
  const byKey = new Map<string, Sample>();
  const pad = labelNames.length <= MAX_PADDED_LABEL_NAMES;
  if (!pad)
    notes.add(
      `unpadded:${family.name}`,
      `"${family.name}" has ${labelNames.length} different label names: its samples keep only their own labels`,
    );
  for (const s of family.samples) {
    const labels: Record<string, string> = {};
    for (const n of pad ? labelNames : Object.keys(s.labels)) labels[n] = s.labels[n] ?? '';
    const key = seriesKey(family.name, labels);
    if (byKey.has(key)) {
      notes.add(
        `duplicate:${family.name}`,
        `"${family.name}" had series that are identical after label names were normalized and grouping labels dropped: the last value was kept`,
      );
      byKey.delete(key);
    }
    byKey.set(key, { labels, value: s.value });
  }
  const valuesOf = (s: Sample): string[] => labelNames.map((n) => s.labels[n] ?? '');
  return [...byKey.values()].sort((a, b) => compareLists(valuesOf(a), valuesOf(b)));
}

/** One type per family: gauge unless every series said counter and every value can be one. */
function familyType(family: Family, samples: readonly Sample[], notes: Notes): FamilyType {
  if (family.types.size > 1) {
    notes.add(`types:${family.name}`, `"${family.name}" was seen as counter and as gauge: sent as gauge`);
    return 'gauge';
  }
  if (!family.types.has('counter')) return 'gauge';
  if (samples.some((s) => s.value < 0 || s.value === Infinity)) {
    notes.add(`counter:${family.name}`, `counter "${family.name}" has a negative or infinite value: sent as gauge`);
    return 'gauge';
  }
  return 'counter';
}

/**
 * prom-client keys its samples by `name:value,` strings, so two label sets such as
 * {a:"x,b:y", b:""} and {a:"x", b:"y,b:"} can collide; the lost one is said, not hidden.
 */
async function checkKept(
  got: Promise<{ values: readonly unknown[] }>,
  name: string,
  expected: number,
  notes: Notes,
): Promise<number> {
  const kept = (await got).values.length;
  if (kept < expected) {
    notes.add(
      `collision:${name}`,
      `${expected - kept} series of "${name}" were lost: their label values contain ',' and ':' in a way prom-client cannot tell apart`,
    );
  }
  return kept;
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}

function compareLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compare(a[i] as string, b[i] as string);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * prom-client writes NaN as `Nan`; the text format spells it `NaN`. Parsers accept both, but
 * the payload should be the canonical one. A sample line ends with its value (no timestamps),
 * and a label value cannot end a line (it is quoted, newlines escaped), so only values match.
 */
function spellNaN(text: string): string {
  return text.replace(/ Nan$/gm, ' NaN');
}
