import t from 'tap';
import { checkSloDocument, type SloSpec } from '../../lib/gate/slo-file.js';
import { evaluateSlo, type ObjectiveInput } from '../../lib/gate/evaluate.js';

function spec(doc: unknown): SloSpec {
  const c = checkSloDocument(doc, 'slo.yaml');
  if ('errors' in c) throw new Error(c.errors.join('\n'));
  return c.value;
}

const v = (value: number, baseline?: number): ObjectiveInput =>
  baseline === undefined ? { value: { value } } : { value: { value }, baseline };
const none: ObjectiveInput = { value: { error: 'no value: no series matches' } };
const total = { pass: '90%', warning: '75%' };

// The Keptn SLO docs' objective: pass when at most 10% above the previous value and under 600,
// warning up to 800, weight 2, a key SLI.
const docsObjective = {
  sli: 'response_time_p95',
  pass: [{ criteria: ['<=+10%', '<600'] }],
  warning: [{ criteria: ['<=800'] }],
  weight: 2,
  key_sli: true,
};

t.test('the docs objective: pass, warning, fail, key SLI, with and without a baseline', async (t) => {
  const s = spec({
    spec_version: '1.0',
    objectives: [docsObjective, { sli: 'error_rate', pass: [{ criteria: ['<1'] }] }],
    total_score: total,
  });
  const cases: Array<[string, ObjectiveInput, ObjectiveInput, string, string, number]> = [
    // [what, response_time_p95, error_rate, objective status, gate result, score]
    ['within 10% of 500 and under 600', v(550, 500), v(0.5), 'pass', 'pass', 100],
    [
      'more than 10% above 500, under 800: warning (1 of 2) + pass (1) = 2 of 3',
      v(560, 500),
      v(0.5),
      'warning',
      'fail',
      (100 * 2) / 3,
    ],
    ['over 800: the key SLI fails the gate', v(900, 500), v(0.5), 'fail', 'fail', (100 * 1) / 3],
    ['no baseline: the relative criterion holds', v(590), v(0.5), 'pass', 'pass', 100],
    ['no baseline, but not under 600: warning', v(650), v(0.5), 'warning', 'fail', (100 * 2) / 3],
    ['no value for the key SLI: fail', none, v(0.5), 'fail', 'fail', (100 * 1) / 3],
  ];
  for (const [what, rt, er, status, result, score] of cases) {
    const e = evaluateSlo(s, [rt, er]);
    t.equal(e.indicatorResults[0]!.status, status, `${what}: objective ${status}`);
    t.equal(e.result, result, `${what}: gate ${result}`);
    t.ok(Math.abs(e.score - score) < 1e-9, `${what}: score ${score} (got ${e.score})`);
  }
  const keyFail = evaluateSlo(s, [v(900, 500), v(0.5)]);
  t.match(keyFail.message, /key SLI response_time_p95 failed/);
  const noBaseline = evaluateSlo(s, [v(590), v(0.5)]).indicatorResults[0]!;
  t.same(noBaseline.passTargets, [
    { criteria: '<=+10%', violated: false, noBaseline: true },
    { criteria: '<600', violated: false, targetValue: 600 },
  ]);
  t.equal(noBaseline.value.comparedValue, undefined);
  const compared = evaluateSlo(s, [v(560, 500), v(0.5)]).indicatorResults[0]!;
  t.equal(compared.value.comparedValue, 500);
  t.same(compared.passTargets[0], { criteria: '<=+10%', violated: true, targetValue: 550 });
  t.equal(compared.score, 1, 'a warning scores half the weight');
});

t.test("weights: the spec's example, 85 of a maximum 92 is 92.39% (a pass at 90%)", async (t) => {
  const s = spec({
    spec_version: '1.0',
    objectives: [
      { sli: 'a', pass: [{ criteria: ['<10'] }], weight: 80 },
      { sli: 'b', pass: [{ criteria: ['<10'] }], warning: [{ criteria: ['<20'] }], weight: 10 },
      { sli: 'c', pass: [{ criteria: ['<10'] }], weight: 2 },
    ],
    total_score: total,
  });
  const e = evaluateSlo(s, [v(1), v(15), v(99)]);
  t.same(
    e.indicatorResults.map((r) => [r.status, r.score]),
    [
      ['pass', 80],
      ['warning', 5],
      ['fail', 0],
    ],
  );
  t.equal(Math.round(e.score * 100) / 100, 92.39);
  t.equal(e.result, 'pass');
});

t.test('total_score thresholds: pass, warning, fail; warning absent', async (t) => {
  const objectives = ['a', 'b', 'c', 'd'].map((sli) => ({ sli, pass: [{ criteria: ['<10'] }] }));
  const s = spec({ spec_version: '1.0', objectives, total_score: { pass: '90%', warning: '75%' } });
  t.equal(evaluateSlo(s, [v(1), v(1), v(1), v(1)]).result, 'pass');
  t.equal(evaluateSlo(s, [v(1), v(1), v(1), v(99)]).result, 'warning', '75% is a warning');
  t.equal(evaluateSlo(s, [v(1), v(1), v(99), v(99)]).result, 'fail', '50% fails');
  const noWarning = spec({ spec_version: '1.0', objectives, total_score: { pass: '90%' } });
  t.equal(
    evaluateSlo(noWarning, [v(1), v(1), v(1), v(99)]).result,
    'fail',
    'without a warning target, below pass fails',
  );
});

t.test('or across criteria sets, and within one set', async (t) => {
  const s = spec({
    spec_version: '1.0',
    objectives: [{ sli: 'x', pass: [{ criteria: ['<10', '>5'] }, { criteria: ['=100'] }] }],
    total_score: total,
  });
  t.equal(evaluateSlo(s, [v(7)]).result, 'pass', 'first set');
  t.equal(evaluateSlo(s, [v(100)]).result, 'pass', 'second set');
  t.equal(evaluateSlo(s, [v(3)]).result, 'fail', 'neither');
  const comma = spec({
    spec_version: '1.0',
    objectives: [{ sli: 'x', pass: [{ criteria: ['<=+10%,<600'] }] }],
    total_score: total,
  });
  t.equal(evaluateSlo(comma, [v(590, 500)]).result, 'fail', '"a,b" in one string: both must hold');
  t.equal(evaluateSlo(comma, [v(540, 500)]).result, 'pass');
});

t.test('informative objectives are reported, not scored', async (t) => {
  const s = spec({
    spec_version: '1.0',
    objectives: [{ sli: 'throughput' }, { sli: 'x', pass: [{ criteria: ['<10'] }] }],
    total_score: total,
  });
  const e = evaluateSlo(s, [v(12345), v(99)]);
  t.equal(e.indicatorResults[0]!.status, 'info');
  t.equal(e.score, 0, 'only x counts');
  t.equal(e.result, 'fail');
  const onlyInfo = spec({ spec_version: '1.0', objectives: [{ sli: 'throughput' }], total_score: total });
  const all = evaluateSlo(onlyInfo, [none]);
  t.same(
    [all.result, all.score, all.indicatorResults[0]!.status],
    ['pass', 100, 'info'],
    'nothing scored: pass, 100 (as Keptn)',
  );
});
