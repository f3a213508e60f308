// maskEvaluation: every message of an evaluation masked before it leaves the gate.

import t from 'tap';
import type { Evaluation, IndicatorResult } from '../../lib/gate/evaluate.js';
import { maskEvaluation } from '../../lib/gate/mask.js';

const indicator = (metric: string, message?: string): IndicatorResult => ({
  score: 1,
  status: 'pass',
  value: { metric, value: 1, success: true, ...(message !== undefined ? { message } : {}) },
  keySli: false,
  weight: 1,
  passTargets: [],
  warningTargets: [],
});

const EVALUATION: Evaluation = {
  result: 'fail',
  score: 0,
  message: 'history at http://u:TOKEN@h failed',
  indicatorResults: [indicator('a', 'server said: TOKEN'), indicator('b')],
};

t.test('the message and each indicator message are masked; the rest is kept', async (t) => {
  const masked = maskEvaluation(EVALUATION, (s) => s.replaceAll('TOKEN', '***'));
  t.equal(masked.message, 'history at http://u:***@h failed');
  t.equal(masked.indicatorResults[0]!.value.message, 'server said: ***');
  t.equal(
    masked.indicatorResults[1],
    EVALUATION.indicatorResults[1],
    'an indicator without a message is the same object',
  );
  t.equal(masked.result, 'fail');
  t.equal(EVALUATION.message, 'history at http://u:TOKEN@h failed', 'the original is not changed');
});

t.test('no mask: the same object; no message: none added', async (t) => {
  t.equal(maskEvaluation(EVALUATION, undefined), EVALUATION);
  const quiet: Evaluation = { result: 'pass', score: 100, indicatorResults: [] };
  t.notOk('message' in maskEvaluation(quiet, (s) => s));
});
