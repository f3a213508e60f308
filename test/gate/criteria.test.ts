import t from 'tap';
import { evaluateCriterion, parseCriterion, type Criterion } from '../../lib/gate/criteria.js';
import { aggregate } from '../../lib/gate/aggregate-function.js';

function parsed(text: string): Criterion {
  const c = parseCriterion(text);
  if ('error' in c) throw new Error(c.error);
  return c;
}

t.test('the criteria language: absolute and relative, with and without a baseline', async (t) => {
  // [criterion, measured, baseline, violated, target]
  const cases: Array<[string, number, number | undefined, boolean, number | undefined]> = [
    ['<=250', 228.13, undefined, false, 250],
    ['<=250', 250, undefined, false, 250],
    ['<=250', 250.01, undefined, true, 250],
    ['<500', 499.9, undefined, false, 500],
    ['<500', 500, undefined, true, 500],
    ['>=0.8', 0.8, undefined, false, 0.8],
    ['>=0.8', 0.79, undefined, true, 0.8],
    ['>0', 0, undefined, true, 0],
    ['=0', 0, undefined, false, 0],
    ['=0', 1, undefined, true, 0],
    ['< 600', 599, undefined, false, 600],
    // Relative: the Keptn spec's example, a previous value of 5 and "<=+10%" → at most 5.5.
    ['<=+10%', 5.5, 5, false, 5.5],
    ['<=+10%', 5.6, 5, true, 5.5],
    ['<=10%', 5.6, 5, true, 5.5],
    ['<+50', 249, 200, false, 250],
    ['<+50', 250, 200, true, 250],
    ['>=-5%', 95, 100, false, 95],
    ['>=-5%', 94.9, 100, true, 95],
    ['>-10', 91, 100, false, 90],
    ['<=+0%', 100, 100, false, 100],
    // No baseline: a relative criterion holds (Keptn's first evaluation).
    ['<=+10%', 1e9, undefined, false, undefined],
    ['>=-5%', -1, undefined, false, undefined],
    ['<+50', 1e9, undefined, false, undefined],
  ];
  for (const [text, measured, baseline, violated, target] of cases) {
    const out = evaluateCriterion(parsed(text), measured, baseline);
    t.equal(
      out.violated,
      violated,
      `${text} on ${measured} (baseline ${String(baseline)}): ${violated ? 'violated' : 'holds'}`,
    );
    if (target === undefined) t.ok(out.noBaseline, `${text}: no baseline`);
    else t.ok(Math.abs(out.target! - target) < 1e-9, `${text}: target ${target}, got ${String(out.target)}`);
  }
});

t.test('malformed criteria are refused with a reason', async (t) => {
  for (const text of ['250', '<=', '<=abc', '=>5', '<=+-5', '<=5%%', '', '<=1e3', '~5']) {
    const c = parseCriterion(text);
    t.ok('error' in c, `"${text}" refused`);
  }
  t.same(parsed('>=-5%').relative, { percent: true, increase: false });
  t.same(parsed('<+50').relative, { percent: false, increase: true });
  t.equal(parsed('<=250').relative, undefined);
});

t.test('aggregate functions (Keptn lighthouse percentile values)', async (t) => {
  const eleven = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  t.equal(aggregate(eleven, 'p50'), 5);
  t.ok(Math.abs(aggregate(eleven, 'p90')! - 9.8) < 1e-9, 'p90 of 0..10 is 9.8');
  t.equal(aggregate([10, 2, 6], 'avg'), 6);
  t.equal(aggregate([3, 1, 2], 'p50'), 2);
  t.equal(aggregate([1, 2], 'p95'), 2, 'clamped to the largest');
  t.equal(aggregate([7], 'p90'), 7);
  t.equal(aggregate([], 'avg'), undefined, 'no values: no baseline');
});

t.test(
  'strange operators, huge literals and split numbers are refused with a clear reason (issue 24, item 17)',
  async (t) => {
    const error = (text: string): string => {
      const c = parseCriterion(text);
      return 'error' in c ? c.error : `accepted as ${JSON.stringify(c)}`;
    };
    t.equal(error(`<=${'9'.repeat(400)}`), `"<=${'9'.repeat(400)}": ${'9'.repeat(24)}… is too large for a number`);
    t.equal(
      error('<= 5 5'),
      '"<= 5 5": after the operator comes a number, optionally signed (+10, -5) and/or with % (+10%)',
    );
    t.equal(error('=>5'), '"=>5": => is not an operator (one of <, <=, =, >=, >)');
    t.equal(error('<<5'), '"<<5": << is not an operator (one of <, <=, =, >=, >)');
    t.equal(error('<=1e9'), '"<=1e9": write the number without an exponent (1000000000 for 1e9)');
    t.same(parsed(' <= 250 '), { text: ' <= 250 ', op: '<=', value: 250 });
    t.same(parsed('<= +10 %').relative, { percent: true, increase: true });
  },
);

t.test('a bad criterion names the file and the objective', async (t) => {
  const { checkSloDocument } = await import('../../lib/gate/slo-file.js');
  const doc = {
    spec_version: '1.0',
    objectives: [{ sli: 'p95', pass: [{ criteria: [`<=${'1'.repeat(400)}`] }] }],
    total_score: { pass: '90%' },
  };
  t.match(checkSloDocument(doc, 'slo.yaml'), {
    errors: [/^slo\.yaml: objectives\[0\] \(sli p95\): pass\[0\]\.criteria\[0\]: .* is too large for a number$/],
  });
});
