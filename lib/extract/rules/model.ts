// The rule model (rule-file format version 1, docs/reference/rule-files.md): what --pattern, --json-path and
// --rules FILE all become. Compiled and validated by lib/extract/rules/compile.ts; applied by
// lib/extract/rules/line-rules.ts (lines), json-document.ts and xml-document.ts (documents).

import type { DecimalMark, UnitSpec } from './units.js';

export type Occurrence = 'first' | 'last';
/** `mean` and `avg` are the same; `first`/`last`: the value of the first/last match. */
export type Aggregate = 'sum' | 'count' | 'min' | 'max' | 'mean' | 'avg' | 'first' | 'last';
export const AGGREGATES: readonly Aggregate[] = ['sum', 'count', 'min', 'max', 'mean', 'avg', 'first', 'last'];

/** What every value-making rule shares. */
export interface RuleBase {
  /** For messages and --explain: `id`, else `name`, else `rule N`. */
  id: string;
  /** Where the rule came from, for messages: a file name, `--pattern` or `--json-path`. */
  origin: string;
  /** 1-based position in its file (or among its flags). */
  index: number;
  /** Fixed metric name; undefined when a `name` group (line rules) or `fields` give names. */
  name?: string;
  /** Fixed labels on every series of the rule. */
  labels: Readonly<Record<string, string>>;
  unit?: UnitSpec;
  /** `decimal: comma`: the rule's values use a decimal comma (`1,5`, `1.234,5`); default: a point, with `,` `'` and spaces read as thousands separators. */
  decimal?: DecimalMark;
  /** `prefixes: binary`: k, M, G, kB, MB, GB are powers of 1024 (default: SI, powers of 1000). */
  prefixes?: 'binary';
  /** Set: a series set again is taken silently from its first/last occurrence. */
  occurrence?: Occurrence;
  /** Pushed for each of the rule's fixed series that never appeared. */
  default?: number;
  type: 'gauge' | 'counter';
}

/** One value of a `values:` map: an extra metric name or extra labels on the rule's name. */
export interface ValueTarget {
  name?: string;
  labels: Readonly<Record<string, string>>;
}

export interface LineRule extends RuleBase {
  kind: 'line';
  regex: RegExp;
  /** Named groups of the regex; labels are those not used as name/value/values. */
  groups: readonly string[];
  /** group → what its number becomes; undefined: the `value` group. */
  values?: ReadonlyMap<string, ValueTarget>;
  /** Literal words a matching line must contain (from `words:` or the regex); null: none known. */
  words: readonly string[] | null;
  /** `label_groups:`: groups meant as labels even when they capture a number (no warning). */
  labelGroups?: ReadonlySet<string>;
  /** `aggregate:` folds all the rule's matches into one value per series, at the end of input. */
  aggregate?: Aggregate;
  /** A --pattern flag's own text, as messages quote it. */
  flagText?: string;
}

/**
 * A line rule whose named groups label the matches of the lines that follow, until its next match.
 * A `unit` group is no label: it is the unit of the values of the rules after it that say
 * `unit: context` (pytest-benchmark's `Name (time in us)` header).
 */
export interface ContextRule {
  kind: 'context';
  id: string;
  origin: string;
  index: number;
  regex: RegExp;
  groups: readonly string[];
  words: readonly string[] | null;
}

/** A relative path into a matched JSON object: dotted text (keys with dots resolved) or a list. */
export type FieldPath = readonly string[] | string;

export interface JsonRule extends RuleBase {
  kind: 'json';
  /** JSONPath (jsonpath-plus), starting with `$`. */
  path: string;
  value?: FieldPath;
  fields?: ReadonlyMap<string, FieldPath>;
  labelFields: ReadonlyMap<string, FieldPath>;
  aggregate?: Aggregate;
  /** --json-path: several matches get an `index` label (the 0.1 behaviour). */
  indexLabels: boolean;
  /** `key_label:`: labels from the keys of the match's path, the last one the match's own key. */
  keyLabels?: readonly string[];
  /** `skip_keys:`: matches whose key (any key named by key_label) is one of these are left out. */
  skipKeys?: ReadonlySet<string>;
  /** `label_object:`: every entry of this object field of the match is a label (JMH's `"params": {"size": "100"}`). */
  labelObject?: FieldPath;
  /** `unit_field:`: the unit of the match's values is this field of the match (Google Benchmark's `time_unit`); `unit:` then is the unit when the field is missing. */
  unitField?: FieldPath;
}

export interface XmlRule extends RuleBase {
  kind: 'xml';
  /** `testsuites/testsuite`: the element names at the end of the open-element stack; `/a/b` anchored at the root. */
  path: readonly string[];
  anchored: boolean;
  /** `@attr` or `text()`, of the element or of a child element (`mean/@value`, `a/b/text()`). */
  value?: string;
  fields?: ReadonlyMap<string, string>;
  labelFields: ReadonlyMap<string, string>;
  aggregate?: Aggregate;
}

export type Rule = LineRule | ContextRule | JsonRule | XmlRule;
export type DocumentRule = JsonRule | XmlRule;

/**
 * What marks a rule set's tool in its output (`marks:`): a line (matched under the same time
 * budget as line rules), a JSON document in which a JSONPath selects something, or an XML
 * document with a given root element. One mark seen: the set recognised its tool.
 */
export interface LineMark {
  kind: 'mark';
  /** `mark N`, for messages (a mark is never in --explain's rule list). */
  id: string;
  origin: string;
  index: number;
  regex: RegExp;
  words: readonly string[] | null;
}
export type Mark = LineMark | { kind: 'json'; path: string } | { kind: 'xml'; root: string };

/** The rules of one file (or of the command line): context labels stay within one set. */
export interface RuleSet {
  origin: string;
  description?: string;
  /** Names this set's series keptn_<integration>_… instead of the run's integration (several presets). */
  integration?: string;
  /** Brought by --preset auto (filter mode): not recognising its tool is not worth a warning. */
  auto?: boolean;
  rules: Rule[];
  /**
   * `marks:`: its series (defaults included) are sent only when one was seen. Without marks, a
   * set (other than the command line's) is sent only when one of its rules read a value.
   */
  marks?: Mark[];
}
