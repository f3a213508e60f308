// The series store: one value per series (name + labels), the last one wins,
// with a cap on how many distinct series a run may hold.

/** The type a series is pushed as; `untyped` is sent as a gauge (docs/reference/extraction.md, "Types"). */
export type MetricType = 'gauge' | 'counter' | 'untyped';

export interface Series {
  /** The full metric name, valid for Prometheus and Dynatrace alike (see lib/store/metric-name.ts). */
  name: string;
  /** Label names as the input and the flags gave them; each backend normalizes the names its way. */
  labels: Readonly<Record<string, string>>;
  value: number;
  type: MetricType;
  /** The base unit a rule converted the value to (Dynatrace metadata, OTLP units). */
  unit?: 'seconds' | 'bytes' | 'ratio';
}

export type AddResult = 'added' | 'updated' | 'dropped';

export class SeriesStore {
  readonly #byKey = new Map<string, Series>();
  #dropped = 0;
  #droppedNames = new Set<string>();

  constructor(readonly maxSeries: number) {}

  /** `key` may be passed when the caller already knows it (it must equal seriesKey(name, labels)). */
  add(series: Series, key: string = seriesKey(series.name, series.labels)): AddResult {
    const known = this.#byKey.get(key);
    if (known) {
      known.value = series.value;
      known.type = series.type;
      return 'updated';
    }
    if (this.#byKey.size >= this.maxSeries) {
      this.#dropped++;
      // Bounded: remember a few names for the report, not all of them.
      if (this.#droppedNames.size < 5) this.#droppedNames.add(series.name);
      return 'dropped';
    }
    this.#byKey.set(key, { ...series, labels: { ...series.labels } });
    return 'added';
  }

  /** Removes a series (--preset auto drops the default parsers' series once a preset is chosen). */
  delete(key: string): boolean {
    return this.#byKey.delete(key);
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** Series that did not fit under the cap (each occurrence counts). */
  get dropped(): number {
    return this.#dropped;
  }

  get droppedExamples(): string[] {
    return [...this.#droppedNames];
  }

  /** Every series, in a deterministic order: by name, then by labels. */
  list(): Series[] {
    return [...this.#byKey.entries()].sort(([a], [b]) => byCodeUnits(a, b)).map(([, s]) => s);
  }
}

/** A key that is equal for equal name + label sets, whatever the label order. */
export function seriesKey(name: string, labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  // \u0000 and \u0001 cannot occur in a metric name and are kept apart from values.
  let key = name;
  for (const n of names) key += `\u0000${n}\u0001${labels[n]}`;
  return key;
}

/** Strings in UTF-16 code-unit order, as `<` compares them (not locale order). */
function byCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
