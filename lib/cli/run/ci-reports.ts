// The reports a CI shows without a token, written at the end of every run that asked for them,
// after the push and whatever its outcome (the paths were checked at the start,
// lib/files.ts outputFileProblem):
//   --metrics-report FILE  the run's series in Prometheus text: GitLab's artifacts:reports:metrics
//                          reads `name value` lines (comments skipped) and compares them with the
//                          target branch's in the merge request. The run's context labels
//                          (ci_platform, the CI's repository and job, keptn_*, --label) are left
//                          out: they are the same on every series and would make every name differ
//                          between branches.
//   --slo-junit FILE       the gate as JUnit XML (lib/gate/junit.ts).

import type { Config } from '../config.js';
import type { Series } from '../../store/series.js';
import type { Reporter } from '../../report/report.js';
import type { Evaluation } from '../../gate/evaluate.js';
import type { SloSpec } from '../../gate/slo-file.js';

export interface CiReportInput {
  config: Config;
  /** What was pushed (the gate's result series included). */
  series: readonly Series[];
  gate?: { spec: SloSpec; evaluation: Evaluation };
  /** When the run started (ms since the epoch). */
  started: number;
  reporter: Reporter;
}

/** The series with the run's context labels taken off (a label a rule set to another value stays). */
export function withoutContextLabels(series: readonly Series[], context: Readonly<Record<string, string>>): Series[] {
  return series.map((s) => {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.labels)) if (context[k] !== v) labels[k] = v;
    return { ...s, labels };
  });
}

export async function writeCiReports(input: CiReportInput): Promise<void> {
  const { config, reporter } = input;
  const { fileProblem, writeBoundedText } = await import('../../files.js');
  const write = async (flag: string, path: string, text: string): Promise<void> => {
    try {
      await writeBoundedText(path, text, { append: false });
      reporter.verbose(`${flag}: wrote ${path}`);
    } catch (err) {
      reporter.error(`cannot write ${flag} ${path}: ${fileProblem(err)}`);
    }
  };
  if (config.metricsReport !== undefined) {
    const { renderExposition } = await import('../../sinks/pushgateway/serialize.js');
    const exposition = await renderExposition(withoutContextLabels(input.series, config.labels), {
      help: 'jes-metrics-pipe --metrics-report',
    });
    await write('--metrics-report', config.metricsReport, exposition.text);
  }
  const junitFile = config.gate?.junitFile;
  if (junitFile !== undefined && input.gate) {
    const { junitReport } = await import('../../gate/junit.js');
    const text = junitReport(input.gate.evaluation, input.gate.spec, {
      timestamp: new Date(input.started).toISOString().replace(/\.\d+Z$/, 'Z'),
      seconds: (Date.now() - input.started) / 1000,
    });
    await write('--slo-junit', junitFile, text);
  }
}
