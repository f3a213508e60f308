// XML document rules, at end of input (JUnit from pytest, jest-junit, Surefire, node --test;
// Cobertura). Parsed by sax (isaacs/sax-js) in strict mode as a stream of events: no tree is
// built, and no entity is expanded beyond the five XML ones and character references (a DTD's
// `<!ENTITY …>` is not read, so "billion laughs" cannot grow). The document starts at the first
// line that starts with `<` (a banner before it is skipped) and ends with its root element.
// A rule's path names elements: `testsuite` at any depth, `testsuites/testsuite` a testsuite
// whose parent is testsuites, `/testsuites` only the root. Values and labels come from the
// element's attributes (`@time`) or its text (`text()`, at most 1 KiB of it), or from those of
// a child element (`mean/@value` in Catch2's `<BenchmarkResults>`, `a/b/text()`: the first such
// descendant at that relative path); such a rule is read when its element closes.

import { setLabel } from '../../store/labels.js';
import { seriesKey } from '../../store/series.js';
import { Aggregator } from './aggregate.js';
import type { XmlRule } from './model.js';
import type { RuleSample } from './rule-sample.js';
import { parseWithUnit, withUnitSuffix, type BaseUnit, type NumberStyle } from './units.js';
import { parseNumber, excerpt } from '../parsers/number.js';
import type { DocumentResult } from './json-rules.js';
import type { SAXParser } from 'sax';

export const MAX_MATCHES = 100_000;
const MAX_TEXT = 1024;
/** Open elements deeper than this end the parse: bounded memory for the element stack. */
const MAX_DEPTH = 1000;

let sax: Promise<typeof import('sax')> | undefined;

/** sax: loaded when an XML rule or mark first needs it (startup does not pay for it), then kept. */
export function loadSax(): Promise<typeof import('sax')> {
  return (sax ??= import('sax').then((m) => m.default));
}

export async function evaluateXmlRules(
  text: string,
  rules: readonly XmlRule[],
  maxSeries: number,
): Promise<DocumentResult> {
  const samples: RuleSample[] = [];
  const problems: string[] = [];
  if (rules.length === 0) return { samples, problems };
  const start = firstLineStartingWithLt(text);
  if (start < 0) {
    problems.push(
      `${rules[0]?.origin}: the input holds no XML document (no line starts with <); nothing extracted for ${rules.map((r) => r.id).join(', ')}`,
    );
    return { samples, problems, read: false };
  }
  const sax = await loadSax();
  const parse = new XmlParse(
    sax.parser(true, { trim: false, normalize: false, position: true }),
    rules,
    maxSeries,
    samples,
    problems,
  );
  parse.feed(text, start);
  return parse.result();
}

/**
 * One streaming parse: sax's handlers (open, text, close) share the element stack and the per-rule
 * state (matches, aggregates, the elements waiting for their text or children).
 */
class XmlParse {
  private readonly parser: SAXParser;
  private readonly rules: readonly XmlRule[];
  private readonly maxSeries: number;
  private readonly samples: RuleSample[];
  private readonly problems: string[];
  private readonly stack: string[] = [];
  private readonly matched = new Map<XmlRule, number>();
  private readonly aggs = new Map<XmlRule, Aggregator<RuleSample>>();
  // Rules waiting for an element's text() or its children: per open element, the rules and attributes.
  private readonly pending: Pending[] = [];
  private readonly childPaths = new Map<XmlRule, ReadonlySet<string>>();
  private readonly cut = new Set<XmlRule>();
  private done = false;
  private failure: string | undefined;

  constructor(
    parser: SAXParser,
    rules: readonly XmlRule[],
    maxSeries: number,
    samples: RuleSample[],
    problems: string[],
  ) {
    this.parser = parser;
    this.rules = rules;
    this.maxSeries = maxSeries;
    this.samples = samples;
    this.problems = problems;
    for (const r of rules) if (r.aggregate) this.aggs.set(r, new Aggregator(r.aggregate, maxSeries));
    for (const r of rules) this.childPaths.set(r, childPathsOf(r));
    parser.onopentag = (tag) => this.open(tag.name, tag.attributes as Record<string, string>);
    parser.ontext = (t) => this.text(t);
    parser.oncdata = parser.ontext;
    parser.onclosetag = () => this.close();
    parser.onerror = (err) => this.error(err);
  }

  private emit(
    rule: XmlRule,
    attrs: Record<string, string>,
    elementText: string | undefined,
    children?: Children,
  ): void {
    const n = this.matched.get(rule) ?? 0;
    if (n >= MAX_MATCHES) {
      this.cut.add(rule);
      return;
    }
    this.matched.set(rule, n + 1);
    const labels: Record<string, string> = { ...rule.labels };
    for (const [label, field] of rule.labelFields) {
      const v = fieldOf(field, attrs, elementText, children);
      if (v !== undefined) setLabel(labels, label, v);
    }
    const targets: Array<[string, string | undefined]> = rule.fields
      ? [...rule.fields].map(([name, field]) => [name, fieldOf(field, attrs, elementText, children)])
      : [[rule.name as string, valueOf(rule, attrs, elementText, children)]];
    for (const [name, raw] of targets) {
      if (raw === undefined) {
        if (rule.aggregate !== 'count')
          this.problems.push(
            `${rule.origin}: ${rule.id}: <${this.stack.at(-1) ?? rule.path.at(-1)}> at line ${this.parser.line + 1} has no ${rule.fields ? `${rule.fields.get(name)} for ${name}` : (rule.value ?? 'text')}`,
          );
        continue;
      }
      const read = rule.aggregate === 'count' ? { value: 1, base: null } : readXmlValue(raw, rule.unit, rule);
      if (typeof read === 'string') {
        this.problems.push(`${rule.origin}: ${rule.id}: ${name}: ${read} (line ${this.parser.line + 1})`);
        continue;
      }
      const s: RuleSample = { name: withUnitSuffix(name, read.base), value: read.value, labels, rule, type: rule.type };
      if (read.base !== null) s.unit = read.base;
      const agg = this.aggs.get(rule);
      if (agg) {
        if (!agg.add(seriesKey(s.name, s.labels), s.value, s)) this.cut.add(rule);
      } else this.samples.push(s);
    }
  }

  private open(name: string, attrs: Record<string, string>): void {
    if (this.done) return;
    const { stack } = this;
    stack.push(name);
    if (stack.length > MAX_DEPTH) {
      this.failure = `the XML document is nested deeper than ${MAX_DEPTH} elements`;
      this.done = true;
      return;
    }
    // A child an open matched element's rule reads (the first at each relative path).
    for (const p of this.pending) {
      if (p.childPaths.size === 0 || stack.length <= p.depth) continue;
      const rel = stack.slice(p.depth).join('/');
      if (p.childPaths.has(rel) && !p.children.has(rel))
        p.children.set(rel, { attrs, text: '', depth: stack.length, open: true });
    }
    for (const rule of this.rules) {
      if (!pathMatches(rule, stack)) continue;
      const paths = this.childPaths.get(rule) as ReadonlySet<string>;
      if (needsText(rule) || paths.size > 0)
        this.pending.push({ depth: stack.length, rule, attrs, text: '', childPaths: paths, children: new Map() });
      else this.emit(rule, attrs, undefined);
    }
  }

  private text(t: string): void {
    for (const p of this.pending) {
      if (p.text.length < MAX_TEXT) p.text += t.slice(0, MAX_TEXT - p.text.length);
      for (const c of p.children.values())
        if (c.open && c.text.length < MAX_TEXT) c.text += t.slice(0, MAX_TEXT - c.text.length);
    }
  }

  private close(): void {
    const { stack, pending } = this;
    for (const p of pending)
      for (const c of p.children.values()) if (c.open && c.depth === stack.length) c.open = false;
    while (pending.length > 0 && (pending.at(-1) as { depth: number }).depth === stack.length) {
      const p = pending.pop() as Pending;
      this.emit(p.rule, p.attrs, p.text.trim(), p.children);
    }
    stack.pop();
    if (stack.length === 0) this.done = true;
  }

  private error(err: Error): void {
    // Text after the root element (a footer) is not the document's: the parse is over.
    if (this.done && this.failure === undefined) return;
    this.failure = `not well-formed XML: ${err.message.split('\n')[0]}`;
    this.done = true;
  }

  /** Fed in pieces, so that a parse that ended (root closed, an error) stops early. */
  feed(text: string, start: number): void {
    const PIECE = 64 * 1024;
    try {
      for (let at = start; at < text.length && !this.done; at += PIECE) this.parser.write(text.slice(at, at + PIECE));
      if (!this.done) this.parser.close();
    } catch (err) {
      this.failure ??= `not well-formed XML: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    }
  }

  result(): DocumentResult {
    const { rules, problems, samples } = this;
    if (this.failure !== undefined) {
      // A document cut short (JUnit without its closing tags) or broken halfway: what was read of it
      // is not the report's count (3 of 7 tests), so nothing is sent from its rules, nor their
      // defaults, and it is said by default, presets too (issue 24, item 6).
      const where = this.stack.length > 0 ? ` (in <${this.stack.at(-1)}>)` : '';
      const warning = `${rules[0]?.origin}: XML: ${this.failure}${where}; nothing is sent from ${ruleList(rules)}`;
      return { samples: [], problems, warnings: [warning], failed: [...rules] };
    }
    for (const rule of rules) {
      if (this.cut.has(rule))
        problems.push(
          `${rule.origin}: ${rule.id}: more than ${MAX_MATCHES} <${rule.path.join('/')}> elements (or ${this.maxSeries} series); the rest were cut`,
        );
      if ((this.matched.get(rule) ?? 0) === 0)
        problems.push(`${rule.origin}: ${rule.id}: no <${rule.path.join('/')}> element in the XML document`);
      const agg = this.aggs.get(rule);
      if (agg) for (const { item, value } of agg.results()) samples.push({ ...item, value });
    }
    return { samples, problems };
  }
}

/** A rule's value without fields: its value: field, else the element's text (1 for a count). */
function valueOf(
  rule: XmlRule,
  attrs: Record<string, string>,
  elementText: string | undefined,
  children?: Children,
): string | undefined {
  if (rule.value !== undefined) return fieldOf(rule.value, attrs, elementText, children);
  return rule.aggregate === 'count' ? '1' : elementText;
}

interface Child {
  attrs: Record<string, string>;
  text: string;
  depth: number;
  open: boolean;
}
type Children = ReadonlyMap<string, Child>;
interface Pending {
  depth: number;
  rule: XmlRule;
  attrs: Record<string, string>;
  text: string;
  childPaths: ReadonlySet<string>;
  children: Map<string, Child>;
}

/** The child element paths a rule's fields name (`mean` for `mean/@value`). */
function childPathsOf(rule: XmlRule): ReadonlySet<string> {
  const paths = new Set<string>();
  const all = [rule.value, ...(rule.fields?.values() ?? []), ...rule.labelFields.values()];
  for (const f of all) {
    const slash = f?.lastIndexOf('/') ?? -1;
    if (f !== undefined && slash > 0) paths.add(f.slice(0, slash));
  }
  return paths;
}

function needsText(rule: XmlRule): boolean {
  if (rule.value === 'text()') return true;
  if (rule.value === undefined && !rule.fields && rule.aggregate !== 'count') return true;
  for (const f of rule.fields?.values() ?? []) if (f === 'text()') return true;
  for (const f of rule.labelFields.values()) if (f === 'text()') return true;
  return false;
}

function pathMatches(rule: XmlRule, stack: readonly string[]): boolean {
  const { path } = rule;
  if (rule.anchored ? stack.length !== path.length : stack.length < path.length) return false;
  const offset = stack.length - path.length;
  for (let i = 0; i < path.length; i++) if (path[i] !== '*' && path[i] !== stack[offset + i]) return false;
  return true;
}

function fieldOf(
  field: string,
  attrs: Readonly<Record<string, string>>,
  text: string | undefined,
  children?: Children,
): string | undefined {
  const slash = field.lastIndexOf('/');
  if (slash > 0) {
    const child = children?.get(field.slice(0, slash));
    if (child === undefined) return undefined;
    return fieldOf(field.slice(slash + 1), child.attrs, child.text.trim());
  }
  if (field === 'text()') return text;
  const name = field.slice(1);
  return Object.hasOwn(attrs, name) ? attrs[name] : undefined;
}

function readXmlValue(
  raw: string,
  unit: string | undefined,
  style: NumberStyle,
): { value: number; base: BaseUnit | null } | string {
  if (unit !== undefined) {
    const r = parseWithUnit(raw, unit, style);
    return 'problem' in r ? r.problem : r;
  }
  // JUnit writers print times with a thousands separator now and then (`1,234.5`): not guessed at.
  const v = parseNumber(raw.trim());
  if (v === undefined) return `${excerpt(raw)} is not a number`;
  if (v === 'out-of-range') return `${excerpt(raw)} is out of range`;
  return { value: v, base: null };
}

export function firstLineStartingWithLt(text: string): number {
  for (let at = 0; at < text.length;) {
    let i = at;
    // A byte order mark or blanks before `<?xml`.
    while (text[i] === ' ' || text[i] === '\t' || text[i] === '\uFEFF') i++;
    if (text[i] === '<') return i;
    const nl = text.indexOf('\n', at);
    if (nl < 0) return -1;
    at = nl + 1;
  }
  return -1;
}

/** The rules' ids for a message, or their count when there are many (a preset holds dozens). */
function ruleList(rules: ReadonlyArray<{ id: string }>): string {
  const ids = [...new Set(rules.map((r) => r.id))];
  return ids.length > 6 ? `its ${rules.length} XML rules` : ids.join(', ');
}
