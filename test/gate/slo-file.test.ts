import t from 'tap';
import { parse } from 'yaml';
import { checkSloDocument } from '../../lib/gate/slo-file.js';
import { checkSliDocument } from '../../lib/gate/sli-file.js';

const ok = (yaml: string) => {
  const c = checkSloDocument(parse(yaml), 'slo.yaml');
  if ('errors' in c) throw new Error(c.errors.join('\n'));
  return c;
};
const errorsOf = (yaml: string): string[] => {
  const c = checkSloDocument(parse(yaml), 'slo.yaml');
  return 'errors' in c ? c.errors : [];
};

t.test('defaults as the Keptn spec gives them', async (t) => {
  const { value } = ok(
    'spec_version: "1.0"\nobjectives:\n  - sli: x\n    pass: [{criteria: ["<1"]}]\ntotal_score: {pass: "90%", warning: "75%"}\n',
  );
  t.same(value.comparison, {
    compareWith: 'single_result',
    numberOfComparisonResults: 1,
    includeResultWithScore: 'all',
    aggregateFunction: 'avg',
  });
  t.same(value.objectives[0]!.weight, 1);
  t.same(value.objectives[0]!.keySli, false);
  t.same(value.totalScore, { pass: 90, warning: 75 });
  t.equal(value.needsBaseline, false);
});

t.test('single_result overrides number_of_comparison_results; several_results keeps it', async (t) => {
  const base =
    'spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: ["<=+10%"]}]}]\ntotal_score: {pass: "90%"}\n';
  t.equal(
    ok(`${base}comparison: {compare_with: single_result, number_of_comparison_results: 5}`).value.comparison
      .numberOfComparisonResults,
    1,
  );
  const several = ok(
    `${base}comparison: {compare_with: several_results, number_of_comparison_results: 3, include_result_with_score: pass_or_warn, aggregate_function: p90}`,
  ).value;
  t.same(several.comparison, {
    compareWith: 'several_results',
    numberOfComparisonResults: 3,
    includeResultWithScore: 'pass_or_warn',
    aggregateFunction: 'p90',
  });
  t.equal(several.needsBaseline, true);
});

t.test('errors name the file, the objective and the field', async (t) => {
  const cases: Array<[string, RegExp]> = [
    ['objectives: []\ntotal_score: {pass: "90%"}\nspec_version: "1.0"', /^slo\.yaml: objectives: empty/],
    ['spec_version: "1.0"\ntotal_score: {pass: "90%"}', /^slo\.yaml: objectives: missing/],
    ['spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: ["<1"]}]}]', /^slo\.yaml: total_score: missing/],
    [
      'objectives: [{sli: x, pass: [{criteria: ["<1"]}]}]\ntotal_score: {pass: "90%"}',
      /^slo\.yaml: spec_version: missing/,
    ],
    [
      'spec_version: "1.0"\nobjectives:\n  - sli: a\n    pass: [{criteria: ["<1"]}]\n  - sli: response_time_p95\n    pass: [{criteria: ["<=+10%", "<=abc"]}]\ntotal_score: {pass: "90%"}',
      /^slo\.yaml: objectives\[1\] \(sli response_time_p95\): pass\[0\]\.criteria\[1\]: "<=abc"/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: ["<1"]}], weight: 1.5}]\ntotal_score: {pass: "90%"}',
      /objectives\[0\] \(sli x\): weight: needs a whole number/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: ["<1"]}], key_sli: "yes"}]\ntotal_score: {pass: "90%"}',
      /objectives\[0\] \(sli x\): key_sli: needs true or false/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{pass: [{criteria: ["<1"]}]}]\ntotal_score: {pass: "90%"}',
      /objectives\[0\]: sli: missing/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{sli: x, warning: {criteria: ["<1"]}}]\ntotal_score: {pass: "90%"}',
      /objectives\[0\] \(sli x\): warning: must be a list/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: []}]}]\ntotal_score: {pass: "90%"}',
      /objectives\[0\] \(sli x\): pass\[0\]: must be \{criteria/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: ["<1"]}]}]\ntotal_score: {pass: "ninety"}',
      /total_score\.pass: needs a percentage/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: ["<1"]}]}]\ntotal_score: {pass: "90%"}\ncomparison: {compare_with: last_result}',
      /comparison\.compare_with: takes single_result, several_results/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: ["<1"]}]}]\ntotal_score: {pass: "90%"}\ncomparison: {compare_with: several_results, aggregate_function: max}',
      /comparison\.aggregate_function: takes avg, p50, p90, p95/,
    ],
    [
      'spec_version: "1.0"\nobjectives: [{sli: x, pass: [{criteria: ["<1"]}]}]\ntotal_score: {pass: "90%"}\ncomparison: {number_of_comparison_results: 0}',
      /comparison\.number_of_comparison_results: needs a whole number/,
    ],
    ['- just a list', /^slo\.yaml: not an SLO file/],
  ];
  for (const [yaml, want] of cases) {
    const errors = errorsOf(yaml);
    t.ok(
      errors.some((e) => want.test(e)),
      `${want}: got ${JSON.stringify(errors)}`,
    );
  }
});

t.test('unknown fields are warnings, not errors (Keptn ignores them); displayName is kept', async (t) => {
  const c = ok(
    'spec_version: "1.0"\nfilter:\nobjectives: [{sli: x, displayName: "X time", pass: [{criteria: ["<1"]}], weigth: 2}]\ntotal_score: {pass: "90%"}\nobjective: []\n',
  );
  t.match(c.warnings.join('\n'), /objective: not a field/);
  t.match(c.warnings.join('\n'), /objectives\[0\] \(sli x\): weigth: not a field/);
  t.equal(c.value.objectives[0]!.displayName, 'X time');
});

t.test("the repository's example SLO file is valid", async (t) => {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(new URL('../../examples/keptn/slo.yaml', import.meta.url), 'utf8');
  const c = checkSloDocument(parse(text), 'examples/keptn/slo.yaml');
  t.notOk('errors' in c, JSON.stringify(c));
});

t.test('SLI files', async (t) => {
  const good = checkSliDocument(
    parse('spec_version: "1.0"\nindicators:\n  p95: max(keptn_k6_p95{stage="$STAGE"})\n'),
    'sli.yaml',
  );
  t.ok('value' in good && good.value.get('p95') === 'max(keptn_k6_p95{stage="$STAGE"})');
  const bad = checkSliDocument(parse('indicators:\n  p95: 3\n  p99:\n'), 'sli.yaml');
  t.ok('errors' in bad && bad.errors.length === 2 && /^sli\.yaml: indicators\.p95:/.test(bad.errors[0]!));
  t.ok('errors' in checkSliDocument(parse('spec_version: "1.0"'), 'sli.yaml'));
});

t.test('objectives are capped at 1000 and the job summary is bounded (issue 24, item 9)', async (t) => {
  const { MAX_OBJECTIVES } = await import('../../lib/gate/slo-file.js');
  const { evaluateSlo } = await import('../../lib/gate/evaluate.js');
  const { markdownTable, MAX_SUMMARY_BYTES } = await import('../../lib/gate/render.js');
  const doc = (n: number): unknown => ({
    spec_version: '1.0',
    objectives: Array.from({ length: n }, (_, i) => ({
      sli: `objective_with_a_long_name_${i}`,
      pass: [{ criteria: ['<=250'] }],
    })),
    total_score: { pass: '90%' },
  });
  t.same(checkSloDocument(doc(100_000), 'big.yaml'), {
    errors: [
      'big.yaml: objectives: 100000 objectives, more than the 1000 a gate evaluates (its table, summary and report grow with each)',
    ],
  });
  const ok = checkSloDocument(doc(MAX_OBJECTIVES), 'ok.yaml');
  if (!('value' in ok)) throw new Error(ok.errors.join());
  const evaluation = evaluateSlo(
    ok.value,
    ok.value.objectives.map(() => ({ value: { value: 1 } })),
  );
  const md = markdownTable(evaluation, ok.value, 16 * 1024);
  t.ok(Buffer.byteLength(md) <= 16 * 1024, `${Buffer.byteLength(md)} bytes`);
  t.match(md, /\n\d+ more objectives not shown \(a job summary is bounded/);
  t.ok(Buffer.byteLength(markdownTable(evaluation, ok.value)) <= MAX_SUMMARY_BYTES);
  t.notMatch(markdownTable(evaluation, ok.value), /not shown/, '1000 objectives fit the default bound');
});
