// --slo-junit: the gate as JUnit XML, the test-report format GitLab (artifacts:reports:junit),
// Jenkins (the JUnit plugin) and GitHub's test-report actions show without a token. One
// <testcase> per objective, in the SLO file's order:
//   - failed: a <failure> whose message is one line and whose text has the value, the baseline,
//     the criteria (each marked held or violated) and the score;
//   - informative (no pass criteria): <skipped>;
//   - passed, or warning: no child; a warning says so in <system-out> (JUnit has no "warning").
// A last <testcase> "total score" fails when the gate failed, so a gate that failed on its total
// alone (warnings adding up) is not all green. The elements and attributes are those of the
// JUnit XSD that Jenkins' xunit plugin validates with (test/fixtures/schemas/junit-10.xsd). Pure.

import { fmt, type Evaluation, type IndicatorResult, type SliTarget } from './evaluate.js';
import type { SloSpec } from './slo-file.js';

export interface JunitContext {
  /** ISO 8601, when the gate was evaluated. */
  timestamp: string;
  /** Seconds the run took. */
  seconds: number;
}

/** XML 1.0 text and attribute values: the five entities, and no character XML 1.0 forbids. */
export function xmlEscape(text: string): string {
  return (
    text
      // Characters outside XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets) cannot be written at all.
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
      .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

function criteriaText(kind: string, list: readonly SliTarget[]): string | undefined {
  if (list.length === 0) return undefined;
  const shown = list.map((t) => {
    let target = '';
    if (t.noBaseline) target = ' (no baseline)';
    else if (t.targetValue !== undefined) target = ` (target ${fmt(t.targetValue)})`;
    return `${t.criteria}${target} ${t.violated ? 'violated' : 'held'}`;
  });
  return `${kind}: ${shown.join(', ')}`;
}

function objectiveName(r: IndicatorResult, spec: SloSpec, i: number): string {
  const sli = spec.objectives[i]?.sli ?? r.value.metric;
  const name = r.displayName ? `${r.displayName} (${sli})` : sli;
  return r.keySli ? `${name} [key]` : name;
}

function testcase(r: IndicatorResult, spec: SloSpec, i: number, classname: string): string {
  const name = objectiveName(r, spec, i);
  const open = `    <testcase name="${xmlEscape(name)}" classname="${xmlEscape(classname)}" time="0">`;
  const value = r.value.success ? fmt(r.value.value) : (r.value.message ?? 'no value');
  const baseline = r.value.comparedValue !== undefined ? fmt(r.value.comparedValue) : 'none';
  const criteria = [criteriaText('pass', r.passTargets), criteriaText('warning', r.warningTargets)].filter(
    (c) => c !== undefined,
  );
  if (r.status === 'info') {
    return `${open}\n      <skipped message="${xmlEscape(`informative objective (no pass criteria), value ${value}`)}"/>\n    </testcase>`;
  }
  const details = [
    `value: ${value}`,
    `baseline: ${baseline}`,
    ...criteria,
    `score: ${fmt(r.score)}/${r.weight}${r.keySli ? ' (key SLI)' : ''}`,
  ];
  if (r.status === 'fail') {
    const message = r.value.success ? `${value} violates ${criteria.join('; ')}` : `no value: ${value}`;
    return `${open}\n      <failure type="slo-objective-failed" message="${xmlEscape(message)}">${xmlEscape(details.join('\n'))}</failure>\n    </testcase>`;
  }
  return `${open}\n      <system-out>${xmlEscape([`result: ${r.status}`, ...details].join('\n'))}</system-out>\n    </testcase>`;
}

/** The whole file. */
export function junitReport(e: Evaluation, spec: SloSpec, ctx: JunitContext): string {
  const classname = `quality gate ${spec.file}`;
  const cases = e.indicatorResults.map((r, i) => testcase(r, spec, i, classname));
  const warningAt = spec.totalScore.warning !== undefined ? `, warning ≥ ${fmt(spec.totalScore.warning)}` : '';
  const total = `total score ${fmt(e.score)}/100 (pass ≥ ${fmt(spec.totalScore.pass)}${warningAt})`;
  const totalCase =
    e.result === 'fail'
      ? `    <testcase name="total score" classname="${xmlEscape(classname)}" time="0">\n      <failure type="slo-gate-failed" message="${xmlEscape(
          `quality gate: fail, ${total}${e.message ? `: ${e.message}` : ''}`,
        )}">${xmlEscape(total)}</failure>\n    </testcase>`
      : `    <testcase name="total score" classname="${xmlEscape(classname)}" time="0">\n      <system-out>${xmlEscape(
          `quality gate: ${e.result}, ${total}${e.message ? `: ${e.message}` : ''}`,
        )}</system-out>\n    </testcase>`;
  const tests = cases.length + 1;
  const failures = e.indicatorResults.filter((r) => r.status === 'fail').length + (e.result === 'fail' ? 1 : 0);
  const skipped = e.indicatorResults.filter((r) => r.status === 'info').length;
  const time = ctx.seconds.toFixed(3);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="jes-metrics-pipe" tests="${tests}" failures="${failures}" errors="0" time="${time}">`,
    `  <testsuite name="${xmlEscape(classname)}" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="${time}" timestamp="${xmlEscape(ctx.timestamp)}">`,
    '    <properties>',
    `      <property name="result" value="${e.result}"/>`,
    `      <property name="score" value="${fmt(e.score)}"/>`,
    '    </properties>',
    ...cases,
    totalCase,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
