// Labels whose names the input gives (issue 26, JMH's @Param columns): a table header's columns
// (a context rule's `columns` group names the columns, a line rule's `columns` group holds a row's
// values) and a JSON object's entries (`label_object:`, JMH's -rf json "params").
import t from 'tap';
import { extract } from '../../support/extract.js';
import { evaluateJsonRules } from '../../../lib/extract/rules/json-rules.js';
import { compileRule } from '../../../lib/extract/rules/compile.js';
import type { JsonRule } from '../../../lib/extract/rules/model.js';

const file = (...rules: string[]): string => `version: 1\nrules:\n${rules.join('\n')}\n`;
const HEADER = `  - {pattern: '^Benchmark\\s+(?<columns>(?:\\(\\S+\\)\\s+)*)Mode\\s', context: true}`;
const ROW = `  - {pattern: '^(?<benchmark>\\S+)\\s+(?<columns>(?:\\S+\\s+)*?)(?<mode>avgt)\\s+(?<value>[\\d.]+)\\s+ms/op$', name: op, unit: ms}`;

t.test('columns: each row value is labelled by its header column, names without parentheses', async (t) => {
  const input = [
    'Benchmark      (rotation)  (size)  Mode  Score  Units',
    'Rot.bench             CCW     100  avgt  0.010  ms/op',
    'Rot.bench              CW      50  avgt  0.008  ms/op',
    'Benchmark          (size)  Mode  Score  Units',
    'Light.full            100  avgt  63.5  ms/op',
    'Benchmark  Mode  Score  Units',
    'Plain.one  avgt  1.5  ms/op',
    '',
  ].join('\n');
  const { values, messages } = await extract(input, { rules: file(HEADER, ROW), args: ['-v'] });
  t.same(values, {
    'op_seconds{benchmark=Rot.bench,mode=avgt,rotation=CCW,size=100}': 0.00001,
    'op_seconds{benchmark=Rot.bench,mode=avgt,rotation=CW,size=50}': 0.000008,
    'op_seconds{benchmark=Light.full,mode=avgt,size=100}': 0.0635,
    'op_seconds{benchmark=Plain.one,mode=avgt}': 0.0015,
  });
  t.notMatch(messages.join('\n'), /columns/, 'the header group is no label and no problem');
});

t.test('columns: a row whose values do not fit the header is said and not sent', async (t) => {
  const input = 'Benchmark  (size)  Mode  Score\nA.b  100  extra  avgt  1.0  ms/op\nA.c  7  avgt  2.0  ms/op\n';
  const { values, messages } = await extract(input, { rules: file(HEADER, ROW), args: ['-v'] });
  t.same(values, { 'op_seconds{benchmark=A.c,mode=avgt,size=7}': 0.002 });
  t.match(messages.join('\n'), /op: 2 column values \("100 {2}extra"\) under 1 column names \("\(size\)"\)/);
  const early = await extract('A.b  100  avgt  1.0  ms/op\n', { rules: file(HEADER, ROW), args: ['-v'] });
  t.same(early.values, {});
  t.match(early.messages.join('\n'), /no column names yet/);
});

t.test('columns: a name that is no label name is made one; a name the series has is param_<name>', async (t) => {
  const input = 'Benchmark  (mode)  (max-len)  (minSize)  (job)  Mode  Score\nA.b  fast  10  2  x  avgt  1.0  ms/op\n';
  const { values } = await extract(input, { rules: file(HEADER, ROW) });
  t.same(values, { 'op_seconds{benchmark=A.b,mode=avgt,param_mode=fast,max_len=10,min_size=2,param_job=x}': 0.001 });
});

t.test('columns: Markdown cells, split at |, bold unwrapped', async (t) => {
  const header = `  - {pattern: '^\\|?\\s*Method\\s*\\|(?<columns>(?:[^|]*\\|)*?)\\s*Mean\\s*\\|', context: true}`;
  const row = `  - {pattern: '^\\|?\\s*(?:\\*\\*)?(?<benchmark>[^|*]+?)(?:\\*\\*)?\\s*\\|(?<columns>(?:[^|]*\\|)*?)\\s*(?:\\*\\*)?(?<value>[\\d.]+ ms)', name: mean, unit: auto}`;
  const input = [
    '| Method | Runtime  | nodeId | Mean     |',
    '|------- |--------- |------- |---------:|',
    '| **Has** | **.NET 8.0** | **2** | **1.053 ms** |',
    '| Only   | .NET 8.0 | 1948   | 1.064 ms |',
    '',
  ].join('\n');
  const { values } = await extract(input, { rules: file(header, row) });
  t.same(values, {
    'mean_seconds{benchmark=Has,runtime=.NET 8.0,node_id=2}': 0.001053,
    'mean_seconds{benchmark=Only,runtime=.NET 8.0,node_id=1948}': 0.001064,
  });
});

const json = (raw: Record<string, unknown>): JsonRule => compileRule('r.yaml', 1, raw) as JsonRule;

t.test('label_object: the entries of an object field are labels', async (t) => {
  const doc = JSON.stringify([
    { benchmark: 'a', mode: 'thrpt', params: { size: '100', 'max-len': 3, mode: 'x' }, score: 5 },
    { benchmark: 'a', mode: 'thrpt', params: { size: '200', nested: { no: 1 } }, score: 6 },
    { benchmark: 'b', mode: 'thrpt', score: 7 },
  ]);
  const r = json({
    json: '$[*]',
    name: 'ops',
    value: 'score',
    label_fields: { benchmark: 'benchmark', mode: 'mode' },
    label_object: 'params',
  });
  const found = await evaluateJsonRules(doc, [r], 100);
  t.same(
    found.samples.map((s) => `${JSON.stringify(s.labels)} ${s.value}`),
    [
      '{"benchmark":"a","mode":"thrpt","size":"100","max_len":"3","param_mode":"x"} 5',
      '{"benchmark":"a","mode":"thrpt","size":"200"} 6',
      '{"benchmark":"b","mode":"thrpt"} 7',
    ],
  );
  t.same(found.problems, []);
});

t.test('label_object is a JSON rule field, checked when the rule is loaded', async (t) => {
  t.throws(() => json({ json: '$[*]', name: 'x', label_object: 5 }), /label_object/);
  t.throws(() => compileRule('r.yaml', 1, { pattern: 'x(?<value>\\d)', name: 'x', label_object: 'p' }), /label_object/);
});
