// Raw rules (parsed YAML/JSON, or the flag forms) → validated Rule objects. Every error names
// where: `rules.yaml: rule 3 ("p95"): unit: "mss" is not a unit (one of: ns, us, ms, …)`.

import {
  AGGREGATES,
  type Aggregate,
  type FieldPath,
  type Mark,
  type Rule,
  type RuleBase,
  type RuleSet,
  type ValueTarget,
} from './model.js';
import { CONTEXT_UNIT, isUnitSpec, UNIT_NAMES } from './units.js';
import { compileRuleRegex, namedGroupsOf } from './regex.js';
import { wordProblem, wordsOfRegex } from './words.js';

export const FORMAT_VERSION = 1;
const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;
const LABEL = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

const COMMON_KEYS = [
  'id',
  'name',
  'labels',
  'unit',
  'decimal',
  'prefixes',
  'occurrence',
  'default',
  'type',
  'description',
];
const KEYS: Record<'line' | 'context' | 'json' | 'xml', readonly string[]> = {
  line: [...COMMON_KEYS, 'pattern', 'values', 'words', 'label_groups', 'aggregate'],
  context: ['id', 'pattern', 'context', 'words', 'description'],
  json: [
    ...COMMON_KEYS,
    'json',
    'value',
    'fields',
    'label_fields',
    'key_label',
    'skip_keys',
    'label_object',
    'unit_field',
    'aggregate',
  ],
  xml: [...COMMON_KEYS, 'xml', 'value', 'fields', 'label_fields', 'aggregate'],
};

export class RuleError extends Error {}

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The most rules one file may hold (its size is capped at 1 MiB when it is read, lib/files.ts). */
export const MAX_RULES = 1000;

/** A whole rule file's content → its rules, or every error found (all of them, not just the first). */
export function compileRuleFile(origin: string, content: unknown): { set: RuleSet } | { errors: string[] } {
  if (!isObject(content)) return { errors: [`${origin}: a rule file is a mapping with version: 1 and rules: [...]`] };
  const errors: string[] = [];
  for (const key of Object.keys(content)) {
    if (!['version', 'description', 'marks', 'rules'].includes(key))
      errors.push(`${origin}: ${key}: unknown key (version, description, marks, rules)`);
  }
  if (content.version !== FORMAT_VERSION)
    errors.push(`${origin}: version: must be ${FORMAT_VERSION}, got ${JSON.stringify(content.version ?? null)}`);
  if (content.description !== undefined && typeof content.description !== 'string')
    errors.push(`${origin}: description: must be text`);
  if (!Array.isArray(content.rules) || content.rules.length === 0) {
    errors.push(`${origin}: rules: must be a list of at least one rule`);
    return { errors };
  }
  // Each rule is matched against every line: a file of 100,000 rules took minutes and gigabytes.
  if (content.rules.length > MAX_RULES) {
    errors.push(`${origin}: rules: ${content.rules.length} rules, more than the ${MAX_RULES} a rule file may hold`);
    return { errors };
  }
  const rules: Rule[] = [];
  content.rules.forEach((raw, i) => {
    try {
      rules.push(compileRule(origin, i + 1, raw));
    } catch (err) {
      if (err instanceof RuleError) errors.push(err.message);
      else throw err;
    }
  });
  const marks = content.marks === undefined ? undefined : compileMarks(origin, content.marks, errors);
  if (errors.length > 0) return { errors };
  const set: RuleSet = { origin, rules };
  if (typeof content.description === 'string') set.description = content.description;
  if (marks !== undefined) set.marks = marks;
  return { set };
}

const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

/**
 * `marks:`, a list of `{line: REGEX}`, `{json: JSONPATH}` or `{xml: ROOT}` (optionally with
 * `words:` on a line mark, as on a line rule); errors are added to `errors`.
 */
function compileMarks(origin: string, raw: unknown, errors: string[]): Mark[] {
  const marks: Mark[] = [];
  if (!Array.isArray(raw) || raw.length === 0) {
    errors.push(
      `${origin}: marks: must be a list of at least one mark ({line: REGEX}, {json: JSONPATH} or {xml: ROOT})`,
    );
    return marks;
  }
  raw.forEach((m, i) => {
    const where = `${origin}: mark ${i + 1}`;
    const kinds = isObject(m) ? (['line', 'json', 'xml'] as const).filter((k) => m[k] !== undefined) : [];
    if (!isObject(m) || kinds.length !== 1) {
      errors.push(
        `${where}: a mark has exactly one of line:, json:, xml: (a line's regex, a JSONPath, an XML root element)`,
      );
      return;
    }
    const kind = kinds[0] as 'line' | 'json' | 'xml';
    const allowed = kind === 'line' ? ['line', 'words', 'description'] : [kind, 'description'];
    const extra = Object.keys(m).filter((k) => !allowed.includes(k));
    if (extra.length > 0) {
      errors.push(`${where}: ${extra[0]}: not a field of a ${kind} mark (${allowed.join(', ')})`);
      return;
    }
    const value = m[kind];
    if (kind === 'line') {
      try {
        const fail: Fail = (field, msg) => {
          throw new RuleError(`${where}: ${field === 'pattern' ? 'line' : field}: ${msg}`);
        };
        const regex = regexOf(value, fail);
        const words = m.words === undefined ? wordsOfRegex(regex.source, regex.flags) : wordList(m.words, fail);
        marks.push({ kind: 'mark', id: `mark ${i + 1}`, origin, index: i + 1, regex, words });
      } catch (err) {
        if (err instanceof RuleError) errors.push(err.message);
        else throw err;
      }
    } else if (kind === 'json') {
      const given = typeof value === 'string' ? value.trim() : '';
      if (given === '') errors.push(`${where}: json: must be a JSONPath such as $.Results or $[*].filePath`);
      else marks.push({ kind, path: rootedJsonPath(given) });
    } else if (typeof value !== 'string' || !XML_NAME.test(value))
      errors.push(`${where}: xml: must be the name of the root element, such as testsuites`);
    else marks.push({ kind, root: value });
  });
  return marks;
}

type Kind = 'line' | 'context' | 'json' | 'xml';

/** A JSONPath as given (`$.a`, `[0]`, `a.b`) → one that starts with `$`. */
function rootedJsonPath(given: string): string {
  if (given.startsWith('$')) return given;
  if (given.startsWith('[')) return `$${given}`;
  return `$.${given}`;
}

/** What an error message calls a rule of this kind. */
function kindName(kind: Kind): string {
  if (kind === 'line') return 'pattern';
  return kind;
}

function kindOf(raw: Raw, first: 'pattern' | 'json' | 'xml'): Kind {
  if (first !== 'pattern') return first;
  if (raw.context === true) return 'context';
  return 'line';
}

function idOf(raw: Raw, index: number): string {
  if (typeof raw.id === 'string' && raw.id !== '') return raw.id;
  if (typeof raw.name === 'string') return raw.name;
  return `rule ${index}`;
}

/** The kind of a raw rule, after checking it has one and no field of another kind. */
function checkedKind(raw: Raw, where: string, fail: Fail): Kind {
  const kinds = (['pattern', 'json', 'xml'] as const).filter((k) => raw[k] !== undefined);
  if (kinds.length !== 1)
    throw new RuleError(
      `${where}: a rule has exactly one of pattern:, json:, xml:${kinds.length > 1 ? ` (got ${kinds.join(', ')})` : ''}`,
    );
  const kind = kindOf(raw, kinds[0] as 'pattern' | 'json' | 'xml');
  if (raw.context !== undefined && kind !== 'context' && !(kind === 'line' && raw.context === false))
    fail('context', 'must be true or false, on a pattern rule');
  for (const key of Object.keys(raw)) {
    if (!KEYS[kind].includes(key)) fail(key, `not a field of a ${kindName(kind)} rule (${KEYS[kind].join(', ')})`);
  }
  return kind;
}

/** One raw rule → a Rule; throws RuleError naming the file, the rule and the field. */
export function compileRule(origin: string, index: number, raw: unknown): Rule {
  const label =
    isObject(raw) && (typeof raw.id === 'string' || typeof raw.name === 'string')
      ? ` (${JSON.stringify(raw.id ?? raw.name)})`
      : '';
  const where = `${origin}: rule ${index}${label}`;
  const fail = (field: string, msg: string): never => {
    throw new RuleError(`${where}: ${field}: ${msg}`);
  };
  if (!isObject(raw)) throw new RuleError(`${where}: a rule is a mapping (pattern:, json: or xml: and its fields)`);
  const kind = checkedKind(raw, where, fail);
  const id = idOf(raw, index);
  if (raw.id !== undefined && typeof raw.id !== 'string') fail('id', 'must be text');
  const words = raw.words === undefined ? null : wordList(raw.words, fail);

  if (kind === 'context') {
    const regex = regexOf(raw.pattern, fail);
    const groups = namedGroupsOf(regex);
    if (groups.length === 0)
      fail('pattern', 'a context rule needs named groups: they become the labels of the lines that follow');
    return { kind, id, origin, index, regex, groups, words: words ?? wordsOfRegex(regex.source, regex.flags) };
  }

  const base = baseOf(raw, id, origin, index, fail);
  if (base.unit === CONTEXT_UNIT && kind !== 'line')
    fail(
      'unit',
      'context: is the unit a context rule captured, for pattern rules; a JSON rule takes a unit from the input with unit_field:',
    );
  if (kind === 'line') return compileLineRule(raw, base, words, fail);
  return compileDocumentRule(raw, base, kind, fail);
}

/** `values:` of a pattern rule, checked against the regex's named groups. */
function valuesOf(
  raw: Raw,
  groups: readonly string[],
  base: RuleBase,
  fail: Fail,
): Map<string, ValueTarget> | undefined {
  if (raw.values === undefined) {
    if (!groups.includes('value')) fail('pattern', 'the regex needs a named group (?<value>…), or give values:');
    return undefined;
  }
  if (!isObject(raw.values) || Object.keys(raw.values).length === 0)
    fail('values', 'must map named groups to a metric name or to labels, e.g. {avg: {stat: avg}}');
  const values = new Map<string, ValueTarget>();
  for (const [group, target] of Object.entries(raw.values as Raw)) {
    if (!groups.includes(group)) fail(`values.${group}`, `the pattern has no named group (?<${group}>…)`);
    if (typeof target === 'string') {
      if (!NAME.test(target)) fail(`values.${group}`, `${JSON.stringify(target)} is not a metric name`);
      values.set(group, { name: target, labels: {} });
    } else if (isObject(target)) {
      if (base.name === undefined && !groups.includes('name'))
        fail(`values.${group}`, 'labels need the rule to have a name: (or a name group)');
      values.set(group, { labels: labelsOf(target, `values.${group}`, fail) });
    } else fail(`values.${group}`, 'must be a metric name or a mapping of labels');
  }
  return values;
}

/** `label_groups:` of a pattern rule: named groups that are neither name, value nor a values: entry. */
function labelGroupsOf(
  v: unknown,
  groups: readonly string[],
  values: Map<string, ValueTarget> | undefined,
  fail: Fail,
): Set<string> {
  const listed = stringList(v, 'label_groups', fail);
  for (const g of listed) {
    if (!groups.includes(g)) fail(`label_groups`, `the pattern has no named group (?<${g}>…)`);
    if (g === 'name' || g === 'value' || values?.has(g))
      fail('label_groups', `${g} is not a label (it is the ${values?.has(g) ? 'values: entry' : g})`);
  }
  return new Set(listed);
}

function compileLineRule(raw: Raw, base: RuleBase, words: string[] | null, fail: Fail): Rule {
  const regex = regexOf(raw.pattern, fail);
  const groups = namedGroupsOf(regex);
  const values = valuesOf(raw, groups, base, fail);
  const needsName = values === undefined || [...values.values()].some((t) => t.name === undefined);
  if (needsName && base.name === undefined && !groups.includes('name'))
    fail('pattern', 'the regex needs a named group (?<name>…), or give name:');
  if (base.name !== undefined && groups.includes('name'))
    fail('name', 'the regex has a (?<name>…) group as well: choose one');
  if (base.default !== undefined && base.name === undefined && values === undefined)
    fail('default', 'needs a fixed name: (a name group cannot say which series never appeared)');
  const rule: Rule = { ...base, kind: 'line', regex, groups, words: words ?? wordsOfRegex(regex.source, regex.flags) };
  if (values !== undefined) rule.values = values;
  if (raw.aggregate !== undefined) {
    rule.aggregate = oneOf(raw.aggregate, AGGREGATES, 'aggregate', fail);
    if (base.occurrence !== undefined)
      fail('aggregate', 'goes with no occurrence: (aggregate: first or last chooses one match)');
  }
  if (raw.label_groups !== undefined) rule.labelGroups = labelGroupsOf(raw.label_groups, groups, values, fail);
  return rule;
}

function labelFieldsOf(raw: Raw, kind: 'json' | 'xml', fail: Fail): Map<string, FieldPath> {
  const labelFields = new Map<string, FieldPath>();
  if (raw.label_fields !== undefined) {
    if (!isObject(raw.label_fields)) fail('label_fields', 'must map label names to fields');
    for (const [labelName, path] of Object.entries(raw.label_fields as Raw)) {
      if (!LABEL.test(labelName)) fail(`label_fields.${labelName}`, 'not a label name');
      labelFields.set(labelName, fieldPath(path, `label_fields.${labelName}`, kind, fail));
    }
  }
  return labelFields;
}

function fieldsOf(raw: Raw, base: RuleBase, kind: 'json' | 'xml', fail: Fail): Map<string, FieldPath> | undefined {
  if (raw.fields === undefined) {
    if (base.name === undefined) fail('name', `a ${kind} rule needs name: (or fields:)`);
    return undefined;
  }
  if (!isObject(raw.fields) || Object.keys(raw.fields).length === 0) fail('fields', 'must map metric names to fields');
  const fields = new Map<string, FieldPath>();
  for (const [metric, path] of Object.entries(raw.fields as Raw)) {
    if (!NAME.test(metric)) fail(`fields.${metric}`, 'not a metric name');
    fields.set(metric, fieldPath(path, `fields.${metric}`, kind, fail));
  }
  if (base.name !== undefined || raw.value !== undefined)
    fail('fields', 'fields: names its own metrics: leave out name: and value:');
  return fields;
}

/** The fields a JSON and an XML rule share: aggregate:, label_fields:, fields:, value:. */
interface DocumentFields {
  aggregate: Aggregate | undefined;
  labelFields: Map<string, FieldPath>;
  fields: Map<string, FieldPath> | undefined;
  value: FieldPath | undefined;
}

function compileDocumentRule(raw: Raw, base: RuleBase, kind: 'json' | 'xml', fail: Fail): Rule {
  const aggregate = raw.aggregate === undefined ? undefined : oneOf(raw.aggregate, AGGREGATES, 'aggregate', fail);
  const labelFields = labelFieldsOf(raw, kind, fail);
  const fields = fieldsOf(raw, base, kind, fail);
  const value = raw.value === undefined ? undefined : fieldPath(raw.value, 'value', kind, fail);
  const shared: DocumentFields = { aggregate, labelFields, fields, value };
  if (kind === 'json') return compileJsonRule(raw, base, shared, fail);
  return compileXmlRule(raw, base, shared, fail);
}

function compileJsonRule(
  raw: Raw,
  base: RuleBase,
  { aggregate, labelFields, fields, value }: DocumentFields,
  fail: Fail,
): Rule {
  // `$` alone is the whole document: a number only through value: or fields: (infracost's
  // totals and its currency label sit on the root object).
  if (
    typeof raw.json !== 'string' ||
    raw.json.trim() === '' ||
    (raw.json.trim() === '$' && value === undefined && fields === undefined)
  ) {
    fail('json', 'must be a JSONPath such as $.results[*] ($ alone needs value: or fields:)');
  }
  const path = rootedJsonPath((raw.json as string).trim());
  const rule: Rule = { ...base, kind: 'json', path, labelFields, indexLabels: false };
  if (value !== undefined) rule.value = value;
  if (fields !== undefined) rule.fields = fields;
  if (aggregate !== undefined) rule.aggregate = aggregate as Aggregate;
  if (raw.key_label !== undefined) {
    const names = typeof raw.key_label === 'string' ? [raw.key_label] : raw.key_label;
    if (!Array.isArray(names) || names.length === 0 || !names.every((n) => typeof n === 'string' && LABEL.test(n)))
      fail(
        'key_label',
        'must be a label name (the matched key) or a list of them (the last keys of the path, outermost first)',
      );
    rule.keyLabels = names as string[];
  }
  if (raw.skip_keys !== undefined) {
    if (!Array.isArray(raw.skip_keys) || !raw.skip_keys.every((k) => typeof k === 'string'))
      fail('skip_keys', 'must be a list of keys');
    if (rule.keyLabels === undefined)
      fail('skip_keys', 'needs key_label: (the keys it leaves out are those key_label reads)');
    rule.skipKeys = new Set(raw.skip_keys as string[]);
  }
  if (raw.label_object !== undefined) rule.labelObject = fieldPath(raw.label_object, 'label_object', 'json', fail);
  if (raw.unit_field !== undefined) {
    rule.unitField = fieldPath(raw.unit_field, 'unit_field', 'json', fail);
    if (base.unit === 'auto')
      fail('unit', 'auto goes with no unit_field: (a value that carries its unit needs no field to say it)');
  }
  return rule;
}

function compileXmlRule(
  raw: Raw,
  base: RuleBase,
  { aggregate, labelFields, fields, value }: DocumentFields,
  fail: Fail,
): Rule {
  if (typeof raw.xml !== 'string' || !/^\/?[^/\s]+(?:\/[^/\s]+)*$/.test(raw.xml))
    fail('xml', 'must be an element path such as testsuite or testsuites/testsuite');
  const text = raw.xml as string;
  const rule: Rule = {
    ...base,
    kind: 'xml',
    path: text.replace(/^\//, '').split('/'),
    anchored: text.startsWith('/'),
    labelFields: labelFields as Map<string, string>,
  };
  if (value !== undefined) rule.value = value as string;
  if (fields !== undefined) rule.fields = fields as Map<string, string>;
  if (aggregate !== undefined) rule.aggregate = aggregate as Aggregate;
  return rule;
}

type Fail = (field: string, msg: string) => never;

function baseOf(raw: Raw, id: string, origin: string, index: number, fail: Fail): RuleBase {
  const base: RuleBase = { id, origin, index, labels: {}, type: 'gauge' };
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || !NAME.test(raw.name))
      fail('name', `${JSON.stringify(raw.name)} is not a metric name ([A-Za-z_][A-Za-z0-9_.:-]*)`);
    base.name = raw.name as string;
  }
  if (raw.labels !== undefined) base.labels = labelsOf(raw.labels, 'labels', fail);
  if (raw.unit !== undefined) {
    if (typeof raw.unit !== 'string' || (!isUnitSpec(raw.unit) && raw.unit !== CONTEXT_UNIT))
      fail('unit', `${JSON.stringify(raw.unit)} is not a unit (auto, or one of: ${UNIT_NAMES.join(', ')})`);
    base.unit = raw.unit as string;
  }
  if (raw.decimal !== undefined && oneOf(raw.decimal, ['point', 'comma'] as const, 'decimal', fail) === 'comma')
    base.decimal = 'comma';
  if (raw.prefixes !== undefined && oneOf(raw.prefixes, ['si', 'binary'] as const, 'prefixes', fail) === 'binary')
    base.prefixes = 'binary';
  if (raw.occurrence !== undefined)
    base.occurrence = oneOf(raw.occurrence, ['first', 'last'] as const, 'occurrence', fail);
  if (raw.default !== undefined) {
    if (typeof raw.default !== 'number' || !Number.isFinite(raw.default)) fail('default', 'must be a number');
    if (base.unit === 'auto' || base.unit === CONTEXT_UNIT)
      fail(
        'default',
        `cannot go with unit: ${base.unit} (which unit would the default be in?): give a fixed unit, e.g. unit: s`,
      );
    base.default = raw.default as number;
  }
  if (raw.type !== undefined) base.type = oneOf(raw.type, ['gauge', 'counter'] as const, 'type', fail);
  if (raw.description !== undefined && typeof raw.description !== 'string') fail('description', 'must be text');
  return base;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string, fail: Fail): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
    fail(field, `${JSON.stringify(v)} is not one of ${allowed.join(', ')}`);
  return v as T;
}

function regexOf(v: unknown, fail: Fail): RegExp {
  if (typeof v !== 'string' || v === '') fail('pattern', 'must be a non-empty regular expression');
  try {
    return compileRuleRegex(v as string);
  } catch (err) {
    return fail('pattern', `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function labelsOf(v: unknown, field: string, fail: Fail): Record<string, string> {
  if (!isObject(v)) fail(field, 'must map label names to values');
  const labels: Record<string, string> = {};
  for (const [k, value] of Object.entries(v as Raw)) {
    if (!LABEL.test(k)) fail(`${field}.${k}`, 'not a label name');
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      fail(`${field}.${k}`, 'must be text, a number or true/false');
    Object.defineProperty(labels, k, { value: String(value), enumerable: true, writable: true, configurable: true });
  }
  return labels;
}

function stringList(v: unknown, field: string, fail: Fail): string[] {
  if (!Array.isArray(v) || v.length === 0 || v.some((w) => typeof w !== 'string' || w === ''))
    fail(field, 'must be a list of non-empty words');
  return v as string[];
}

/** `words:`: a list of non-empty words, each usable by the pre-filter (lib/extract/rules/words.ts). */
function wordList(v: unknown, fail: Fail): string[] {
  const words = stringList(v, 'words', fail);
  for (const w of words) {
    const problem = wordProblem(w);
    if (problem !== null) fail('words', problem);
  }
  return words;
}

function fieldPath(v: unknown, field: string, kind: 'json' | 'xml', fail: Fail): FieldPath {
  if (kind === 'xml') {
    // A child element's too: `mean/@value`, `results/total/text()` (the first such descendant).
    if (typeof v !== 'string' || !/^(?:[^\s@/()]+\/)*(?:@[^\s@/]+|text\(\))$/.test(v))
      fail(
        field,
        `must be @attribute or text(), of the element or of a child (child/@attribute, child/text()), got ${JSON.stringify(v)}`,
      );
    return v as string;
  }
  if (typeof v === 'string' && v !== '') return v;
  if (Array.isArray(v) && v.length > 0 && v.every((k) => typeof k === 'string' || typeof k === 'number'))
    return v.map(String);
  return fail(field, 'must be a field name (dotted for nested: a.b.c) or a list of keys');
}
