// --explain: what each rule and each default parser did with the input, printed on stderr at
// the end (nothing is sent). Per rule: the lines it matched and the series it made, the values
// it overwrote, and near misses (lines holding all of its literal words that it did not match);
// per default parser: what it took, and the lines it skipped that look like a metric, and why.
// Bounded: a few examples of each, then counts.

import { parseNumber } from './parsers/number.js';
import type { RuleObserver, RuleSample } from './rules/rule-sample.js';

const SHOWN = 5;
const CUT = 160;

interface Notes {
  count: number;
  shown: string[];
}

function note(notes: Notes, text: string, shown = SHOWN): void {
  notes.count++;
  if (notes.shown.length < shown) notes.shown.push(text);
}

function cut(line: string): string {
  return JSON.stringify(line.length > CUT ? `${line.slice(0, CUT)}…` : line);
}

interface RuleNotes {
  origin: string;
  matched: Notes;
  series: Set<string>;
  nearMisses: Notes;
}

export class Explainer implements RuleObserver {
  readonly #rules = new Map<string, RuleNotes>();
  readonly #overwrites: Notes = { count: 0, shown: [] };
  readonly #taken = new Map<string, Notes>();
  readonly #skipped = new Map<string, Notes>();
  readonly #documents: string[] = [];

  /** Rules are listed in their order, whether or not they matched anything. */
  declare(id: string, origin: string): void {
    if (!this.#rules.has(id))
      this.#rules.set(id, {
        origin,
        matched: { count: 0, shown: [] },
        series: new Set(),
        nearMisses: { count: 0, shown: [] },
      });
  }

  matched(ruleId: string, origin: string, where: string, line: string, made: readonly RuleSample[]): void {
    this.declare(ruleId, origin);
    const r = this.#rules.get(ruleId) as RuleNotes;
    const what =
      made.length === 0
        ? 'context'
        : made
            .map(
              (s) => `${s.name}${labelText(s.labels)}=${s.value}${s.unitFrom !== undefined ? ` (${s.unitFrom})` : ''}`,
            )
            .join(', ');
    note(r.matched, `${where}: ${cut(line)} → ${what}`);
    for (const s of made) if (r.series.size < 100) r.series.add(s.name + labelText(s.labels));
  }

  nearMiss(ruleId: string, origin: string, where: string, line: string): void {
    this.declare(ruleId, origin);
    note((this.#rules.get(ruleId) as RuleNotes).nearMisses, `${where}: ${cut(line)}`);
  }

  overwrote(series: string, before: number, beforeWhere: string, after: number, where: string): void {
    note(this.#overwrites, `${series}: ${before} (${beforeWhere}) → ${after} (${where})`, 20);
  }

  taken(parser: string, where: string, line: string, made: ReadonlyArray<{ name: string; value: number }>): void {
    note(
      this.#notes(this.#taken, parser),
      `${where}: ${cut(line)} → ${made.map((s) => `${s.name}=${s.value}`).join(', ') || '(a declaration)'}`,
    );
  }

  /** A line nothing took: if it looks like a metric, say which parser skipped it and why. */
  untaken(where: string, line: string, parsers: readonly string[]): void {
    const why = whySkipped(line, parsers);
    if (why !== undefined) note(this.#notes(this.#skipped, why.parser), `${where}: ${cut(line)}: ${why.reason}`, 10);
  }

  document(text: string): void {
    if (this.#documents.length < 20) this.#documents.push(text);
  }

  report(): string {
    const out: string[] = [];
    for (const [id, r] of this.#rules) {
      out.push(
        `${id.startsWith('rule ') ? id : `rule ${id}`} (${r.origin}): ${r.matched.count} line${r.matched.count === 1 ? '' : 's'} matched${r.series.size > 0 ? `, series: ${[...r.series].join(' ')}` : ''}`,
      );
      for (const m of r.matched.shown) out.push(`  matched ${m}`);
      if (r.matched.count > r.matched.shown.length) out.push(`  … ${r.matched.count - r.matched.shown.length} more`);
      if (r.nearMisses.count > 0) {
        out.push(`  near misses (the rule's words are there, the regex did not match): ${r.nearMisses.count}`);
        for (const m of r.nearMisses.shown) out.push(`  near miss ${m}`);
      }
    }
    for (const d of this.#documents) out.push(d);
    if (this.#overwrites.count > 0) {
      out.push(
        `values set again (the later one is kept unless a rule says occurrence: first): ${this.#overwrites.count}`,
      );
      for (const o of this.#overwrites.shown) out.push(`  ${o}`);
    }
    for (const [parser, n] of this.#taken) {
      out.push(`default parser ${parser}: took ${n.count} line${n.count === 1 ? '' : 's'}`);
      for (const m of n.shown) out.push(`  took ${m}`);
    }
    for (const [parser, n] of this.#skipped) {
      out.push(`default parser ${parser}: skipped ${n.count} line${n.count === 1 ? '' : 's'} that look like metrics`);
      for (const m of n.shown) out.push(`  skipped ${m}`);
    }
    if (out.length === 0) out.push('no rule, and no default parser, found anything');
    return out.join('\n');
  }

  #notes(map: Map<string, Notes>, key: string): Notes {
    let n = map.get(key);
    if (n === undefined) map.set(key, (n = { count: 0, shown: [] }));
    return n;
  }
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

const KV_SHAPE = /^([A-Za-z_][A-Za-z0-9_.:/-]*)[ \t]*=[ \t]*([^ \t]+)[ \t]*$/;
const INDENTED_KV = /^[ \t]+[A-Za-z_][A-Za-z0-9_.:/-]*[ \t]*=[ \t]*[^ \t]+[ \t]*$/;
const PROSE_SAMPLE = /^([A-Za-z][A-Za-z0-9]*)[ \t]+([^ \t]+)[ \t]*$/;

/** Why the default parsers left a metric-looking line alone; undefined for plain text. */
export function whySkipped(line: string, parsers: readonly string[]): { parser: string; reason: string } | undefined {
  if (!/\d/.test(line)) return undefined;
  const kv = KV_SHAPE.exec(line);
  if (kv !== null && parsers.includes('kv')) {
    const text = kv[2] as string;
    if (parseNumber(text) === undefined)
      return {
        parser: 'kv',
        reason: `not a number: ${JSON.stringify(text.slice(0, 40))} (try a rule with unit: auto)`,
      };
  }
  if (INDENTED_KV.test(line) && parsers.includes('kv'))
    return {
      parser: 'kv',
      reason: 'indented (kv takes name=value at the margin only: indentation is source code in a traceback)',
    };
  const prose = PROSE_SAMPLE.exec(line);
  if (prose !== null && parsers.includes('prom') && typeof parseNumber(prose[2] as string) === 'number') {
    return {
      parser: 'prom',
      reason: 'a brace-less `word number` line counts only when the name has _ or : or was declared by # TYPE',
    };
  }
  const trimmed = line.trimStart();
  if ((trimmed.startsWith('{') || trimmed.startsWith('[')) && parsers.includes('json')) {
    return { parser: 'json', reason: 'not a metric object ({"name":…,"value":…}); for other JSON use a json: rule' };
  }
  return undefined;
}
