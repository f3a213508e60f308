// The quality gate, the one entry point the run uses (--slo FILE):
//
//   const gate = await startGate(options, context, io);   // at the start: files read and checked,
//                                                        // earlier results requested
//   if ('errors' in gate) … usage errors (exit 2), the input still passes through
//   const outcome = await gate.evaluate(series);          // at the end, before the push
//   push [...series, ...outcome.series]; exit outcome.status (4 when the gate failed)
//
// Reading and checking are pure (slo-file.ts, sli-file.ts, selector.ts); evaluation is pure
// (evaluate.ts, history.ts); files, HTTP and the step summary go through `io`.

import { fileProblem } from '../files.js';
import { maskEvaluation } from './mask.js';
import { seriesKey, type Series } from '../store/series.js';
import { fullMetricName } from '../store/metric-name.js';
import { groupingLabels } from '../sinks/pushgateway/grouping-key.js';
import { BRANCH_LABEL } from './branch.js';
import { evaluateSlo, type Evaluation, type ObjectiveInput } from './evaluate.js';
import { baselines, type PreviousRun } from './history.js';
import type { GateOptions } from './options.js';
import {
  hasPushTimes,
  historyQuery,
  parseMatrix,
  rawSamplesQuery,
  runsFromSamples,
  runsFromScrapes,
} from './prometheus-history.js';
import { previousRunFromGroups } from './pushgateway-history.js';
import { jsonReport, markdownTable, textTable, totalLine } from './render.js';
import { TREND_RUNS } from './trend.js';
import { resultName, resultSeries } from './result-series.js';
import { fillPlaceholders, parseSelector, resolveSelector, type Selector } from './selector.js';
import { checkSliDocument } from './sli-file.js';
import { checkSloDocument, type SloSpec } from './slo-file.js';

/** Exit status of a failed gate (and of a warning with --slo-fail-on-warning). */
export const GATE_FAILED_STATUS = 4;

export interface GateContext {
  prefix: string;
  integration: string;
  /** The labels every series of the run carries (ci_platform, keptn_*, --label). */
  labels: Readonly<Record<string, string>>;
  keptn: { project?: string; stage?: string; service?: string };
  /** The CI context's grouping-key parts (lib/cli/ci-context.ts). */
  ci?: ReadonlyArray<readonly [string, string]>;
  job: string;
  grouping: ReadonlyArray<readonly [string, string]>;
  /** Where single_result's previous run is read, when a Pushgateway is configured. */
  pushgateway?: { url: URL; username?: string; password?: string };
  /** --dry-run: the backends are not contacted, so the Pushgateway is not read either. */
  dryRun?: boolean;
  /** This run's branch (the ci_branch label; lib/gate/branch.ts). */
  branch?: string;
  /** A pull or merge request's target branch: the earlier results are its runs. */
  baselineBranch?: string;
}

export interface GateIo {
  readText(path: string): Promise<string>;
  writeText(path: string, text: string): Promise<void>;
  appendText(path: string, text: string): Promise<void>;
  /** GET; resolves with any status, rejects when no answer came. */
  get(url: URL, auth?: { username?: string; password?: string }): Promise<{ status: number; body: string }>;
  /** Releases what `get` holds (sockets). */
  close(): Promise<void>;
  now(): number;
  /** $GITHUB_STEP_SUMMARY, when set. */
  stepSummaryFile?: string;
  log: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
  /** Masks the run's known secrets in a text (lib/gate/mask.ts); none when absent. */
  mask?: (text: string) => string;
}

export interface GateOutcome {
  evaluation: Evaluation;
  /** The run's series with `_slo_score` and `_slo_result` added (replacing input series of the same name and labels): what to push. */
  series: Series[];
  /** 0, or GATE_FAILED_STATUS. */
  status: number;
  /** For the end of the summary line. */
  summary: string;
}

export interface Gate {
  readonly spec: SloSpec;
  evaluate(series: readonly Series[]): Promise<GateOutcome>;
}

type History = { runs: PreviousRun[]; source: string } | { error: string };

/** The grouping whose runs are the baseline: the target branch's in a pull/merge request, else this one's. */
export function baselineGrouping(
  grouping: ReadonlyArray<readonly [string, string]>,
  baselineBranch: string | undefined,
): Array<readonly [string, string]> {
  if (baselineBranch === undefined) return [...grouping];
  const out = grouping.map(([k, v]) => (k === BRANCH_LABEL ? ([k, baselineBranch] as const) : ([k, v] as const)));
  if (!out.some(([k]) => k === BRANCH_LABEL)) out.push([BRANCH_LABEL, baselineBranch]);
  return out;
}

// The files are checked, the SLIs resolved and the earlier results requested at the start, so that
// every error of a file is reported at once, before any input; the evaluation is evaluate.ts.
export async function startGate(
  options: GateOptions,
  ctx: GateContext,
  io: GateIo,
): Promise<Gate | { errors: string[] }> {
  const started = io.now();
  const files = await readGateFiles(options, io);
  if ('errors' in files) return files;
  const { spec, indicators, sloText } = files;
  const selectors = objectiveSelectors(spec, indicators, options, ctx);
  if ('errors' in selectors) return selectors;

  const naming = { prefix: ctx.prefix, integration: ctx.integration };
  const fullName = (name: string): string => fullMetricName(ctx.prefix, ctx.integration, name);
  // Earlier results are requested now, while the input runs, and before any push of this run.
  // With --slo-history the earlier runs are read for the trend too, even without relative criteria.
  const history =
    spec.needsBaseline || options.historyUrl !== undefined
      ? readHistory(spec, selectors, options, ctx, io, fullName, started)
      : Promise.resolve<History>({ runs: [], source: 'none' });

  return {
    spec,
    async evaluate(series: readonly Series[]): Promise<GateOutcome> {
      const h = await history;
      await io.close();
      const evaluated = evaluateWithHistory(spec, selectors, series, h, fullName, io);
      // Known secrets masked in every output of the gate (an answer's body reaches its messages).
      const evaluation = maskEvaluation(evaluated.evaluation, io.mask);
      const { comparedRuns } = evaluated;
      logVerdict(evaluation, spec, options, io);
      await writeGateFiles(evaluation, spec, options, io, { sloFileContent: sloText, started, comparedRuns });
      const failed = evaluation.result === 'fail' || (evaluation.result === 'warning' && options.failOnWarning);
      const own = resultSeries(evaluation, naming, ctx.labels);
      const ownKeys = new Set(own.map((x) => seriesKey(x.name, x.labels)));
      const replaced = series.filter((x) => ownKeys.has(seriesKey(x.name, x.labels)));
      // The same series twice would make the Pushgateway refuse the whole push.
      for (const x of replaced) io.log.warn(`the input's ${x.name} is replaced by the quality gate's`);
      return {
        evaluation,
        series: [...series.filter((x) => !ownKeys.has(seriesKey(x.name, x.labels))), ...own],
        status: failed ? GATE_FAILED_STATUS : 0,
        summary: totalLine(evaluation),
      };
    },
  };
}

/** The SLO file and, with --sli, the SLI file: read, parsed as YAML and checked; their warnings logged. */
async function readGateFiles(
  options: GateOptions,
  io: GateIo,
): Promise<{ spec: SloSpec; indicators: ReadonlyMap<string, string>; sloText: string } | { errors: string[] }> {
  const { parse } = await import('yaml');
  const read = async (file: string, what: string): Promise<{ text: string; doc: unknown } | { error: string }> => {
    let text: string;
    try {
      text = await io.readText(file);
    } catch (err) {
      return { error: `cannot read the ${what} ${file}: ${fileProblem(err)}` };
    }
    try {
      return { text, doc: parse(text) as unknown };
    } catch (err) {
      return { error: `${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}` };
    }
  };

  const slo = await read(options.sloFile, 'SLO file (--slo)');
  if ('error' in slo) return { errors: [slo.error] };
  const checked = checkSloDocument(slo.doc, options.sloFile);
  if ('errors' in checked) return { errors: checked.errors };
  const spec = checked.value;
  for (const w of checked.warnings) io.log.warn(w);

  let indicators: ReadonlyMap<string, string> = new Map();
  if (options.sliFile !== undefined) {
    const sli = await read(options.sliFile, 'SLI file (--sli)');
    if ('error' in sli) return { errors: [sli.error] };
    const checkedSli = checkSliDocument(sli.doc, options.sliFile);
    if ('errors' in checkedSli) return { errors: checkedSli.errors };
    for (const w of checkedSli.warnings) io.log.warn(w);
    indicators = checkedSli.value;
  }
  return { spec, indicators, sloText: slo.text };
}

/** Each objective's selector: the SLI file's query for its name, else the name itself. */
function objectiveSelectors(
  spec: SloSpec,
  indicators: ReadonlyMap<string, string>,
  options: GateOptions,
  ctx: GateContext,
): Selector[] | { errors: string[] } {
  const placeholders = {
    PROJECT: ctx.keptn.project,
    STAGE: ctx.keptn.stage,
    SERVICE: ctx.keptn.service,
    ...spec.filter,
  };
  const errors: string[] = [];
  const selectors: Selector[] = [];
  spec.objectives.forEach((o, i) => {
    const mapped = indicators.get(o.sli);
    const where =
      mapped !== undefined
        ? `${options.sliFile}: indicators.${o.sli}`
        : `${spec.file}: objectives[${i}] (sli ${o.sli}): sli`;
    const filled = fillPlaceholders(mapped ?? o.sli, placeholders);
    const sel = 'error' in filled ? filled : parseSelector(filled.text);
    if ('error' in sel) errors.push(`${where}: ${sel.error}`);
    else selectors.push(sel);
  });
  if (errors.length > 0) return { errors };
  return selectors;
}

/** The objectives evaluated on this run's series against the earlier runs (a history out of reach fails the gate). */
function evaluateWithHistory(
  spec: SloSpec,
  selectors: readonly Selector[],
  series: readonly Series[],
  h: History,
  fullName: (n: string) => string,
  io: GateIo,
): { evaluation: Evaluation; comparedRuns: number } {
  const inputs: ObjectiveInput[] = selectors.map((sel) => {
    const r = resolveSelector(sel, series, fullName);
    return { value: 'value' in r ? { value: r.value } : { error: r.error } };
  });
  if ('error' in h) {
    // Keptn fails an evaluation whose earlier results cannot be read; a gate must not pass
    // because its history is out of reach.
    return {
      evaluation: {
        ...evaluateSlo(spec, inputs),
        result: 'fail',
        message: `earlier results could not be read: ${h.error}`,
      },
      comparedRuns: 0,
    };
  }
  const b = baselines(
    h.runs,
    selectors,
    spec.comparison,
    fullName,
    spec.objectives.map((o) => o.regression?.maxSamples ?? 0),
    TREND_RUNS,
  );
  b.values.forEach((v, i) => {
    if (v !== undefined) inputs[i]!.baseline = v;
  });
  b.samples.forEach((v, i) => {
    if (spec.objectives[i]!.regression) inputs[i]!.samples = v;
  });
  b.recent.forEach((v, i) => {
    inputs[i]!.recent = v;
  });
  const evaluation = evaluateSlo(spec, inputs);
  if (b.skipped > 0)
    io.log.warn(`quality gate: ${b.skipped} earlier run${b.skipped === 1 ? '' : 's'} had NaN or ±Inf values, left out`);
  if (spec.needsBaseline) io.log.info(`quality gate: ${baselineText(b.runs)} (${h.source})`);
  return { evaluation, comparedRuns: b.runs };
}

/** The table on stderr, and why the exit status will be GATE_FAILED_STATUS when it will. */
function logVerdict(evaluation: Evaluation, spec: SloSpec, options: GateOptions, io: GateIo): void {
  for (const line of textTable(evaluation, spec)) io.log.info(line);
  if (evaluation.result === 'fail')
    io.log.error(`${totalLine(evaluation)}: exit status ${GATE_FAILED_STATUS} once the metrics are pushed`);
  else if (evaluation.result === 'warning' && options.failOnWarning)
    io.log.error(`${totalLine(evaluation)} and --slo-fail-on-warning: exit status ${GATE_FAILED_STATUS}`);
}

/** The step summary ($GITHUB_STEP_SUMMARY), --slo-markdown and --slo-report; a file that cannot be written is said, not fatal. */
async function writeGateFiles(
  evaluation: Evaluation,
  spec: SloSpec,
  options: GateOptions,
  io: GateIo,
  run: { sloFileContent: string; started: number; comparedRuns: number },
): Promise<void> {
  const markdown = `${markdownTable(evaluation, spec)}\n`;
  if (io.stepSummaryFile) {
    await io
      .appendText(io.stepSummaryFile, markdown)
      .catch((err: Error) =>
        io.log.warn(`cannot append to $GITHUB_STEP_SUMMARY ${io.stepSummaryFile}: ${fileProblem(err)}`),
      );
  }
  if (options.markdownFile !== undefined) {
    await io
      .writeText(options.markdownFile, markdown)
      .catch((err: NodeJS.ErrnoException) =>
        io.log.error(`cannot write --slo-markdown ${options.markdownFile}: ${err.code ?? err.message}`),
      );
  }
  if (options.reportFile !== undefined) {
    const report = jsonReport(evaluation, spec, {
      sloFileContent: run.sloFileContent,
      timeStart: new Date(run.started).toISOString(),
      timeEnd: new Date(io.now()).toISOString(),
      comparedRuns: run.comparedRuns,
    });
    await io
      .writeText(options.reportFile, report)
      .catch((err: NodeJS.ErrnoException) =>
        io.log.error(`cannot write --slo-report ${options.reportFile}: ${fileProblem(err)}`),
      );
  }
}

/** The earlier runs: a Prometheus-compatible query API (--slo-history) when given, else this group on the Pushgateway. */
async function readHistory(
  spec: SloSpec,
  selectors: readonly Selector[],
  options: GateOptions,
  ctx: GateContext,
  io: GateIo,
  fullName: (n: string) => string,
  started: number,
): Promise<History> {
  const own = groupingLabels({
    job: ctx.job,
    integration: ctx.integration,
    keptn: ctx.keptn,
    ci: ctx.ci,
    grouping: ctx.grouping,
  });
  const where: HistoryWhere = {
    grouping: baselineGrouping(own, ctx.baselineBranch),
    branchNote: ctx.baselineBranch !== undefined ? `, ${BRANCH_LABEL}="${ctx.baselineBranch}" (the target branch)` : '',
    result: resultName(ctx),
    started,
  };
  try {
    if (options.historyUrl) {
      const names = selectors.flatMap((s) => [s.name, fullName(s.name)]).concat(where.result);
      return await readQueryApi(options.historyUrl, options.historyWindowMs, names, ctx, io, where);
    }
    warnWithoutHistory(spec, io);
    if (ctx.dryRun) {
      io.log.warn(
        `${spec.file}: --dry-run: the Pushgateway is not read, so relative criteria have no baseline (--slo-history is still read)`,
      );
      return { runs: [], source: 'dry run' };
    }
    if (!ctx.pushgateway) {
      io.log.warn(
        `${spec.file}: relative criteria need earlier results: give --pushgateway (the last run) or --slo-history (several runs); they have no baseline`,
      );
      return { runs: [], source: 'no Pushgateway or --slo-history' };
    }
    return await readPushgateway(ctx.pushgateway, io, where);
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Where the earlier runs are looked for: the group's labels, its result series, and the run's start. */
interface HistoryWhere {
  grouping: ReturnType<typeof baselineGrouping>;
  branchNote: string;
  result: string;
  started: number;
}

/** --slo-history: a Prometheus-compatible query API. */
async function readQueryApi(
  historyUrl: URL,
  windowMs: number,
  names: string[],
  ctx: GateContext,
  io: GateIo,
  where: HistoryWhere,
): Promise<History> {
  const { url: base, auth } = withoutCredentials(historyUrl);
  const api = (path: string, params: Record<string, string>): URL => {
    const url = new URL(base.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
    url.search = new URLSearchParams(params).toString();
    return url;
  };
  // A scraped Pushgateway's runs first (push_time_seconds tells them apart) …
  const q = historyQuery(names, where.grouping, where.started, windowMs);
  const res = await io.get(
    api('/api/v1/query_range', { query: q.query, start: String(q.start), end: String(q.end), step: String(q.step) }),
    auth,
  );
  if (res.status !== 200)
    return { error: `${historyUrl.origin} answered ${res.status} to query_range: ${oneLine(res.body)}` };
  const scraped = parseMatrix(res.body, `${historyUrl.origin} /api/v1/query_range`);
  if ('error' in scraped) return scraped;
  if (hasPushTimes(scraped)) {
    const runs = runsFromScrapes(scraped, where.result, where.started / 1000);
    return {
      runs,
      source: `Prometheus API ${historyUrl.origin}, scraped Pushgateway, ${runs.length} runs in the window${where.branchNote}`,
    };
  }
  // … else remote write or OTLP: the raw samples, one run per timestamp. Those series carry
  // the run's labels, not the Pushgateway's job and integration (the name holds the integration).
  const labels = where.grouping.filter(([k]) => k in ctx.labels || k === BRANCH_LABEL);
  const r = rawSamplesQuery(names, labels, where.started, windowMs);
  const raw = await io.get(api('/api/v1/query', { query: r.query, time: String(r.time) }), auth);
  if (raw.status !== 200)
    return { error: `${historyUrl.origin} answered ${raw.status} to query: ${oneLine(raw.body)}` };
  const samples = parseMatrix(raw.body, `${historyUrl.origin} /api/v1/query`);
  if ('error' in samples) return samples;
  const runs = runsFromSamples(samples, where.result, where.started / 1000);
  return {
    runs,
    source: `Prometheus API ${historyUrl.origin}, raw samples, ${runs.length} runs in the window${where.branchNote}`,
  };
}

/** What needs --slo-history and is asked without it: said, and the gate goes on with less. */
function warnWithoutHistory(spec: SloSpec, io: GateIo): void {
  if (spec.objectives.some((o) => o.regression !== undefined)) {
    io.log.warn(
      `${spec.file}: regression: needs --slo-history URL (a Prometheus-compatible query API with the earlier runs); the Pushgateway holds only the last run, too few to judge`,
    );
  }
  if (spec.comparison.compareWith === 'several_results') {
    io.log.warn(
      `${spec.file}: compare_with several_results needs --slo-history URL (a Prometheus that scrapes the Pushgateway); comparing with the last run only`,
    );
  }
}

/** The last run of the group on the Pushgateway (its /api/v1/metrics). */
async function readPushgateway(
  pushgateway: NonNullable<GateContext['pushgateway']>,
  io: GateIo,
  where: HistoryWhere,
): Promise<History> {
  const url = new URL(pushgateway.url.href);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/metrics`;
  const res = await io.get(url, { username: pushgateway.username, password: pushgateway.password });
  if (res.status !== 200) return { error: `the Pushgateway answered ${res.status} to GET /api/v1/metrics` };
  const run = previousRunFromGroups(res.body, where.grouping, where.result);
  if (run !== undefined && 'error' in run) return run;
  return {
    runs: run ? [run] : [],
    source: run
      ? `the last run on the Pushgateway${where.branchNote}`
      : `the Pushgateway has no earlier run of this group${where.branchNote}`,
  };
}

/** An answer's body for a message: one line, at most 200 characters. */
function oneLine(body: string): string {
  return body.replace(/\s+/g, ' ').trim().slice(0, 200);
}

function withoutCredentials(u: URL): { url: URL; auth?: { username: string; password: string } } {
  const url = new URL(u.href);
  if (url.username === '' && url.password === '') return { url };
  const auth = { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  return { url, auth };
}

/** `no baseline`, `compared with 1 earlier result`, `compared with 3 earlier results`. */
function baselineText(runs: number): string {
  if (runs === 0) return 'no baseline';
  return `compared with ${runs} earlier result${runs === 1 ? '' : 's'}`;
}
