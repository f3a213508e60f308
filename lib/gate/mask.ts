// Every text of an evaluation that leaves the gate (the JSON, JUnit and Markdown reports, the
// GitHub Action's `::error::` annotations) can carry an earlier-results server's answer (its body
// echoes the request, an Authorization header, a URL's user-info): each is masked with the run's
// known secrets (lib/report/mask.ts, registered in lib/cli/run/secrets.ts) before any output.

import type { Evaluation } from './evaluate.js';

/** The evaluation with `mask` applied to each of its messages; the same object when there is no mask. */
export function maskEvaluation(evaluation: Evaluation, mask: ((text: string) => string) | undefined): Evaluation {
  if (mask === undefined) return evaluation;
  return {
    ...evaluation,
    ...(evaluation.message !== undefined ? { message: mask(evaluation.message) } : {}),
    indicatorResults: evaluation.indicatorResults.map((r) =>
      r.value.message !== undefined ? { ...r, value: { ...r.value, message: mask(r.value.message) } } : r,
    ),
  };
}
