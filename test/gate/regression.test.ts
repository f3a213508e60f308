// The regression tests' statistics against values computed independently with SciPy 1.17.1
// (Debian's python3-scipy): scipy.stats.t.ppf, scipy.stats.norm.ppf, scipy.stats.t.cdf,
// numpy.std(ddof=1) and numpy.quantile (method "linear", R's type 7). Each expected number was
// printed by the command beside it, e.g.
//   python3 -c "from scipy import stats; print(repr(stats.t.ppf(0.99, 4)))"   → 3.746947387979196
// and agrees with the NIST/SEMATECH e-Handbook's table of critical values of Student's t
// (https://www.itl.nist.gov/div898/handbook/eda/section3/eda3672.htm: df 4, 0.99 → 3.747).

import t from 'tap';
import { normalQuantile, quantile, sampleSd, studentTCdf, studentTQuantile, mean } from '../../lib/gate/stats.js';
import { checkRegression, judgeRegression, type Regression } from '../../lib/gate/regression.js';
import { checkSloDocument } from '../../lib/gate/slo-file.js';
import { evaluateSlo } from '../../lib/gate/evaluate.js';

const close = (
  t: { ok(c: boolean, m: string): unknown },
  got: number,
  want: number,
  what: string,
  rel = 1e-9,
): void => {
  t.ok(Math.abs(got - want) <= rel * Math.max(1, Math.abs(want)), `${what}: ${got} ≈ ${want}`);
};

t.test("Student's t quantiles (scipy.stats.t.ppf)", async (t) => {
  const table: Array<[number, number, number]> = [
    [0.99, 4, 3.746947387979196],
    [0.95, 9, 1.833112932656237],
    [0.975, 29, 2.045229642132703],
    [0.99, 1, 31.820515953773935],
    [0.999, 2, 22.327124770119866],
    [0.9, 100, 1.290074761346516],
    [0.99, 29, 2.4620213601504126],
  ];
  for (const [p, df, want] of table) close(t, studentTQuantile(p, df), want, `t(${p}; ${df})`);
  close(t, studentTQuantile(0.01, 4), -3.746947387979196, 'lower tail is the mirror');
});

t.test("Student's t distribution function (scipy.stats.t.cdf)", async (t) => {
  close(t, studentTCdf(2.0, 5), 0.9490302605850708, 'P(T5 <= 2)');
  close(t, studentTCdf(-1.5, 3), 0.11529193262241147, 'P(T3 <= -1.5)');
  close(t, studentTCdf(0.3, 50), 0.6172895598723483, 'P(T50 <= 0.3)');
});

t.test('normal quantiles (scipy.stats.norm.ppf)', async (t) => {
  close(t, normalQuantile(0.95), 1.6448536269514722, 'z(0.95)', 1e-14);
  close(t, normalQuantile(0.99), 2.3263478740408408, 'z(0.99)', 1e-14);
  close(t, normalQuantile(0.999), 3.090232306167813, 'z(0.999)', 1e-14);
  close(t, normalQuantile(1e-10), -6.361340902404056, 'z(1e-10)', 1e-12);
  t.throws(() => normalQuantile(1));
});

// x = [100, 102, 98, 101, 99, 103, 97], newest first. numpy: mean 100.0, std(ddof=1)
// 2.160246899469287, quantile 0.25 → 98.5, 0.75 → 101.5;
// mean + t.ppf(0.99, 6)·s·sqrt(1 + 1/7) = 107.25768179445518; mean + norm.ppf(0.99)·s = 105.02548578198369.
const x = [100, 102, 98, 101, 99, 103, 97];
const base: Regression = {
  better: 'lower',
  test: 't_test',
  confidence: 0.99,
  multiplier: 1.5,
  percent: 10,
  minSamples: 5,
  maxSamples: 30,
};

t.test('sample statistics (numpy)', async (t) => {
  t.equal(mean(x), 100);
  close(t, sampleSd(x), 2.160246899469287, 'sd');
  t.equal(quantile(x, 0.25), 98.5);
  t.equal(quantile(x, 0.75), 101.5);
});

t.test('each test draws the bound of its formula, on the worse side', async (t) => {
  const cases: Array<[Partial<Regression>, number]> = [
    [{ test: 't_test' }, 107.25768179445518],
    [{ test: 'z_score' }, 105.02548578198369],
    [{ test: 'iqr' }, 101.5 + 1.5 * 3],
    [{ test: 'percentage' }, 110],
    [{ test: 't_test', better: 'higher' }, 100 - 7.25768179445518],
    [{ test: 'z_score', better: 'higher' }, 100 - 5.02548578198369],
    [{ test: 'iqr', better: 'higher' }, 98.5 - 1.5 * 3],
    [{ test: 'percentage', better: 'higher' }, 90],
  ];
  for (const [over, bound] of cases) {
    const r = { ...base, ...over };
    const o = judgeRegression(r, 100, x);
    close(t, o.bound!, bound, `${r.test} ${r.better}`);
    t.equal(o.n, 7);
    t.notOk(o.regressed, `${r.test} ${r.better}: the mean is no regression`);
    const worse = r.better === 'lower' ? bound + 0.01 : bound - 0.01;
    t.ok(judgeRegression(r, worse, x).regressed, `${r.test} ${r.better}: just beyond the bound is one`);
  }
});

t.test('min_samples and max_samples', async (t) => {
  const few = judgeRegression(base, 1000, [100, 101, 99]);
  t.notOk(few.regressed, 'too few earlier results: never failed');
  t.match(few.notJudged, /3 earlier results, min_samples is 5/);
  const capped = judgeRegression({ ...base, maxSamples: 5 }, 100, [...x, 1e9, 1e9]);
  t.equal(capped.n, 5, 'only the newest max_samples');
  t.equal(capped.mean, 100, 'mean of 100, 102, 98, 101, 99');
});

t.test('the block is checked: bad values are errors, unknown keys warnings with a suggestion', async (t) => {
  const errors: string[] = [];
  const warnings: string[] = [];
  const r = checkRegression(
    { test: 'anova', confidence: 1.5, min_samples: 1, max_samples: 0, better: 'faster', multipler: 2 },
    (f, m) => errors.push(`${f}: ${m}`),
    (f, m) => warnings.push(`${f}: ${m}`),
  );
  t.equal(r, undefined);
  t.match(errors.join('\n'), /regression.better: takes lower or higher/);
  t.match(errors.join('\n'), /regression.test: takes t_test, z_score, iqr, percentage, got "anova"/);
  t.match(errors.join('\n'), /regression.confidence: needs a probability/);
  t.match(errors.join('\n'), /regression.max_samples: needs a whole number from 1 to 1000/);
  t.match(warnings.join('\n'), /regression.multipler: not a field of regression/);
});

t.test('in an SLO file: a regression fails the objective; criteria and regression combine', async (t) => {
  const checked = checkSloDocument(
    {
      spec_version: '1.0',
      objectives: [
        {
          sli: 'p95',
          pass: [{ criteria: ['<500'] }],
          regression: { test: 't_test', confidence: 0.99, min_samples: 5 },
        },
        { sli: 'rps', regression: { better: 'higher', test: 'percentage', percent: 20, min_samples: 3 } },
        { sli: 'errors', weigth: 2, pass: [{ criteria: ['<1'] }] },
      ],
      total_score: { pass: '90%', warning: '75%' },
    },
    'slo.yaml',
  );
  if ('errors' in checked) throw new Error(checked.errors.join('\n'));
  t.ok(checked.value.needsBaseline, 'a regression block needs earlier results');
  t.match(
    checked.warnings.join('\n'),
    /objectives\[2\] \(sli errors\): weigth: not a field of an objective \(did you mean weight\?\); ignored/,
  );
  const history = [100, 102, 98, 101, 99, 103, 97];
  const noisy = evaluateSlo(checked.value, [
    { value: { value: 104 }, samples: history },
    { value: { value: 900 }, samples: [1000, 950, 1050] },
    { value: { value: 0 } },
  ]);
  t.equal(noisy.result, 'pass', 'within the noise: pass');
  t.equal(noisy.indicatorResults[1]!.status, 'pass', 'a regression-only objective is scored');
  const slower = evaluateSlo(checked.value, [
    { value: { value: 130 }, samples: history },
    { value: { value: 700 }, samples: [1000, 950, 1050] },
    { value: { value: 0 } },
  ]);
  t.equal(slower.indicatorResults[0]!.status, 'fail', '30 % slower: under 500, but a regression');
  t.equal(slower.indicatorResults[0]!.score, 0);
  t.ok(slower.indicatorResults[0]!.regression?.regressed);
  t.equal(slower.indicatorResults[1]!.status, 'fail', '30 % fewer requests per second than 1000: beyond 20 %');
  t.equal(slower.result, 'fail');
  const first = evaluateSlo(checked.value, [
    { value: { value: 130 }, samples: [] },
    { value: { value: 1 } },
    { value: { value: 0 } },
  ]);
  t.equal(first.result, 'pass', 'no history: not judged, never failed');
  t.match(first.indicatorResults[0]!.regression?.notJudged, /0 earlier results/);
});

t.test('the trend: a sparkline and a Mermaid xychart-beta with this run last and the bound', async (t) => {
  const { sparkline, mermaidChart } = await import('../../lib/gate/trend.js');
  t.equal(sparkline([1, 2, 3, 4, 5, 6, 7], 8), '▁▂▃▄▅▆▇│█');
  t.equal(sparkline([5, 5], 5), '▄▄│▄', 'flat');
  t.equal(sparkline([], 5), '', 'no earlier run: no line');
  t.equal(
    mermaidChart('p95', [100, 102], 130, 110),
    [
      'xychart-beta',
      '  title "p95"',
      '  x-axis ["-2", "-1", "this"]',
      '  y-axis "value" 97 --> 133',
      '  line [100, 102, 130]',
      '  line [110, 110, 110]',
    ].join('\n'),
  );
});
