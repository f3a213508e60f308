// The GitHub Action (action.yml at the repository's root): its inputs become the CLI's arguments,
// the run is the CLI's run(), and what it came to goes where GitHub shows it.
//
// The runner passes input `name` as the variable INPUT_<NAME>, upper-cased with spaces turned
// into `_` and hyphens kept (INPUT_DT-URL), the way actions/toolkit's core.getInput reads it
// (https://github.com/actions/toolkit/blob/main/packages/core/src/core.ts). Outputs are
// `name=value` lines appended to the file $GITHUB_OUTPUT, and `::error::` / `::warning::` lines
// on stdout become annotations on the run's page, their text escaped as the toolkit does (% CR LF)
// (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands).
// Secrets are never inputs: DT_API_TOKEN, REMOTE_WRITE_TOKEN and OTEL_EXPORTER_OTLP_HEADERS come
// from the step's `env:`, read by the CLI as always.

import { fileProblem, outputFileProblem, writeBoundedText } from '../files.js';
import type { Env } from './config.js';
import type { RunResult } from './run.js';

/** The action's inputs that map to one flag each (input name → flag). */
const STRING_INPUTS: ReadonlyArray<readonly [string, string]> = [
  ['integration', '--integration'],
  ['pushgateway', '--pushgateway'],
  ['dt-url', '--dynatrace'],
  ['otlp', '--otlp'],
  ['slo', '--slo'],
  ['sli', '--sli'],
  ['slo-history', '--slo-history'],
];
/** Inputs that take several values, one a line (--preset also comma-separated). */
const LIST_INPUTS: ReadonlyArray<readonly [string, string, RegExp]> = [
  ['preset', '--preset', /[\n,]/],
  ['rules', '--rules', /\n/],
  ['remote-write', '--remote-write', /\n/],
];
const BOOLEAN_INPUTS: ReadonlyArray<readonly [string, string]> = [
  ['fail-on-push-error', '--fail-on-push-error'],
  ['dry-run', '--dry-run'],
];

export function input(env: Env, name: string): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/**
 * A command line as a shell would split it, without the shell: words separated by white space,
 * '…' taken as it is, "…" with \" \\ \$ \` escapes, a backslash outside quotes escaping the next
 * character. Nothing is expanded. Throws on an unclosed quote.
 */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  let i = 0;
  const add = (c: string): void => {
    word = (word ?? '') + c;
  };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      if (word !== undefined) out.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new Error("an unclosed ' quote");
      add(text.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let part = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length && '"\\$`'.includes(text[j + 1]!)) {
          part += text[j + 1];
          j += 2;
        } else part += text[j++];
      }
      if (j >= text.length) throw new Error('an unclosed " quote');
      add(part);
      i = j + 1;
    } else if (c === '\\' && i + 1 < text.length) {
      add(text[i + 1]!);
      i += 2;
    } else {
      add(c);
      i++;
    }
  }
  if (word !== undefined) out.push(word);
  return out;
}

/** The CLI arguments for the action's inputs, or the problems with them. */
export function actionArgs(env: Env): { argv: string[]; errors: string[] } {
  const argv: string[] = [];
  const errors: string[] = [];
  for (const [name, flag, separator] of LIST_INPUTS) {
    for (const value of input(env, name).split(separator)) if (value.trim() !== '') argv.push(flag, value.trim());
  }
  for (const [name, flag] of STRING_INPUTS) {
    const value = input(env, name);
    if (value !== '') argv.push(flag, value);
  }
  for (const [name, flag] of BOOLEAN_INPUTS) {
    const value = input(env, name);
    // The YAML 1.2 core schema's booleans, as core.getBooleanInput accepts them.
    if (['true', 'True', 'TRUE'].includes(value)) argv.push(flag);
    else if (!['', 'false', 'False', 'FALSE'].includes(value))
      errors.push(`input ${name}: "${value}" is not true or false`);
  }
  const extra = input(env, 'args');
  if (extra !== '') {
    try {
      argv.push(...splitArgs(extra));
    } catch (err) {
      errors.push(`input args: ${(err as Error).message}`);
    }
  }
  const command = input(env, 'run');
  // The step's command, run by bash as a `run:` step's is by default (bash -e {0}); wrap mode, so the
  // step ends with the command's exit status.
  if (command !== '') argv.push('--', 'bash', '-e', '-c', command);
  else errors.push('input run: the command to run is required (wrap mode), e.g. run: k6 run script.js');
  return { argv, errors };
}

/** One workflow command's text: % CR LF escaped (actions/toolkit's escapeData). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** The outputs, as lines for $GITHUB_OUTPUT. */
export function outputLines(result: RunResult | undefined): string {
  const lines = [
    `series=${result?.series ?? 0}`,
    `pushed=${result?.pushed === true}`,
    `slo-result=${result?.gate?.result ?? ''}`,
    `slo-score=${result?.gate ? String(Math.round(result.gate.score * 100) / 100) : ''}`,
  ];
  return lines.map((l) => `${l}\n`).join('');
}

/** The annotations: every failed objective (error) and warning, the gate's total, push failures. */
export function annotations(result: RunResult | undefined): string[] {
  if (!result) return [];
  const out: string[] = [];
  const gate = result.gate;
  if (gate) {
    gate.evaluation.indicatorResults.forEach((r, i) => {
      if (r.status !== 'fail' && r.status !== 'warning') return;
      const sli = gate.spec.objectives[i]?.sli ?? r.value.metric;
      const value = r.value.success ? String(r.value.value) : (r.value.message ?? 'no value');
      const criteria = [...r.passTargets, ...r.warningTargets]
        .filter((t) => t.violated)
        .map((t) => t.criteria)
        .join(', ');
      const kind = r.status === 'fail' ? 'error' : 'warning';
      out.push(
        `::${kind} title=Quality gate::${escapeData(`${r.displayName ?? sli}: ${value}${criteria ? ` violates ${criteria}` : ''} (${r.status})`)}`,
      );
    });
    if (gate.result !== 'pass') {
      const kind = gate.result === 'fail' ? 'error' : 'warning';
      out.push(
        `::${kind} title=Quality gate::${escapeData(`${gate.result}, score ${Math.round(gate.score * 100) / 100}/100${gate.evaluation.message ? ` (${gate.evaluation.message})` : ''}`)}`,
      );
    }
  }
  for (const failure of result.pushFailures) out.push(`::warning title=Metrics not pushed::${escapeData(failure)}`);
  return out;
}

type Runner = (argv: readonly string[], env: Env, onResult: (r: RunResult) => void) => Promise<number>;

/** The action's run: the exit status for the step. */
export async function runAction(
  env: Env,
  runCli: Runner,
  stdout: (text: string) => Promise<void>,
  stderr: (text: string) => void,
): Promise<number> {
  const { argv, errors } = actionArgs(env);
  if (errors.length > 0) {
    await stdout(errors.map((e) => `::error title=jes-metrics-pipe::${escapeData(e)}\n`).join(''));
    await writeOutputs(env, undefined, stderr);
    return 2;
  }
  let result: RunResult | undefined;
  const status = await runCli(argv, env, (r) => (result = r));
  await writeOutputs(env, result, stderr);
  const lines = annotations(result);
  if (lines.length > 0) await stdout(lines.map((l) => `${l}\n`).join(''));
  return status;
}

/**
 * The outputs to $GITHUB_OUTPUT, opened without blocking (a FIFO nobody reads must not hang the
 * step: lib/files.ts); a file that cannot be written is said on stderr, and the step's status
 * stays the run's.
 */
async function writeOutputs(env: Env, result: RunResult | undefined, stderr: (text: string) => void): Promise<void> {
  const file = env.GITHUB_OUTPUT?.trim();
  if (!file) return;
  // The rule of every output file (lib/files.ts): a FIFO, a device other than /dev/null, a folder.
  const problem = outputFileProblem('GITHUB_OUTPUT', file);
  if (problem !== undefined) return stderr(`jes-metrics-pipe: error: ${problem}: the outputs are not written\n`);
  try {
    await writeBoundedText(file, outputLines(result), { append: true });
  } catch (err) {
    stderr(`jes-metrics-pipe: error: cannot write the outputs to GITHUB_OUTPUT ${file}: ${fileProblem(err)}\n`);
  }
}
