// The GitHub Action (action.yml): the committed bundle (action/dist/index.cjs) is what a fresh
// `node scripts/bundle.js --action` writes, and it runs as the runner runs it: a copy alone in a
// directory (an action has no node_modules), its inputs as INPUT_* variables (hyphens kept, as
// the runner sets them), GITHUB_OUTPUT, GITHUB_STEP_SUMMARY and GITHUB_ACTIONS=true, pushing to a
// real Pushgateway.

import t from 'tap';
import { execFile, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { startPushgateway } from '../support/pushgateway.js';
import { makeSandbox, ROOT, runCommand } from './sandbox.js';
import { actionArgs, annotations, escapeData, outputLines, splitArgs } from '../../lib/cli/github-action.js';

const execFileAsync = promisify(execFile);
const COMMITTED = join(ROOT, 'action', 'dist', 'index.cjs');
const dir = mkdtempSync(join(tmpdir(), 'jes-action-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const { NODE_OPTIONS: _loaders, ...plainEnv } = process.env;

interface ActionYml {
  runs: { using: string; main: string };
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, unknown>;
}
const actionYml = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYml;

t.test('action.yml: node24, the committed bundle, the inputs and outputs the code knows', async (t) => {
  t.equal(actionYml.runs.using, 'node24');
  t.equal(actionYml.runs.main, 'action/dist/index.cjs');
  t.ok(existsSync(COMMITTED), 'the bundle is committed');
  // Every input reaches the CLI: set each one and see it in the arguments.
  const env: Record<string, string> = {};
  for (const name of Object.keys(actionYml.inputs))
    env[`INPUT_${name.toUpperCase()}`] = ['fail-on-push-error', 'dry-run'].includes(name) ? 'true' : `v-${name}`;
  env['INPUT_ARGS'] = '--verbose';
  const { argv, errors } = actionArgs(env);
  t.same(errors, []);
  for (const name of Object.keys(actionYml.inputs)) {
    if (['fail-on-push-error', 'dry-run', 'args'].includes(name)) continue;
    t.ok(argv.includes(`v-${name}`), `input ${name} is passed on`);
  }
  t.same(Object.keys(actionYml.outputs).sort(), ['pushed', 'series', 'slo-result', 'slo-score']);
  t.same(
    outputLines(undefined)
      .trim()
      .split('\n')
      .map((l) => l.split('=')[0])
      .sort(),
    Object.keys(actionYml.outputs).sort(),
    'the outputs written are the ones declared',
  );
});

t.test('the committed bundle equals a fresh build (npm run bundle:action)', async (t) => {
  if (!existsSync(join(ROOT, 'dist', 'bin', 'github-action.js'))) return t.fail('not built: run npm run build');
  const fresh = join(dir, 'fresh', 'index.cjs');
  await execFileAsync(process.execPath, [join(ROOT, 'scripts', 'bundle.js'), '--action', '--outfile', fresh], {
    cwd: ROOT,
    env: plainEnv,
  });
  const same = readFileSync(fresh).equals(readFileSync(COMMITTED));
  t.ok(same, 'action/dist/index.cjs is current (if not: npm run bundle:action, and commit it)');
});

// The bundle alone, as the runner has it: the repository's file, copied where no node_modules is.
const bundle = join(dir, 'alone', 'index.cjs');
const sloFile = join(dir, 'slo.yaml');
writeFileSync(
  sloFile,
  'spec_version: "1.0"\nobjectives:\n  - sli: p95\n    pass:\n      - criteria: ["<0.5"]\n    warning:\n      - criteria: ["<=0.8"]\n  - sli: cost\n    key_sli: true\n    pass:\n      - criteria: ["<=250"]\ntotal_score:\n  pass: "90%"\n  warning: "75%"\n',
);

async function runAction(
  inputs: Record<string, string>,
  name: string,
  more: { env?: Record<string, string>; cwd?: string } = {},
) {
  const output = join(dir, `${name}.out`);
  const summary = join(dir, `${name}.md`);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_WORKFLOW: 'perf',
    GITHUB_JOB: 'load',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
  };
  Object.assign(env, more.env);
  for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
  const r = await runCommand(process.execPath, [bundle], { env, cwd: more.cwd ?? dir });
  const outputs = Object.fromEntries(
    (existsSync(output) ? readFileSync(output, 'utf8') : '')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return {
    ...r,
    stdoutText: r.stdout.toString('utf8'),
    outputs,
    summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '',
  };
}

t.test('runs as the runner runs it', async (t) => {
  copyFileSync(COMMITTED, join(dir, 'index.cjs'));
  await execFileAsync('mkdir', ['-p', join(dir, 'alone')]);
  copyFileSync(COMMITTED, bundle);

  t.test('a push to a real Pushgateway; the step ends with the command exit status', async (t) => {
    const pgw = await startPushgateway();
    t.teardown(() => pgw.stop());
    const r = await runAction(
      {
        run: 'printf "p95=0.3\\ncost=120\\n"; exit 5',
        integration: 'ci',
        pushgateway: pgw.url,
        slo: sloFile,
        args: `--label 'team=perf and load' --metrics-report ${join(dir, 'm.txt')}`,
      },
      'push',
    );
    t.equal(r.status, 5, "the command's exit status");
    t.match(r.stdoutText, /^p95=0\.3\ncost=120\n/, 'its output passed through');
    t.same(
      r.outputs,
      { series: '4', pushed: 'true', 'slo-result': 'pass', 'slo-score': '100' },
      'outputs: p95, cost, exit_code, duration_seconds',
    );
    t.notMatch(r.stdoutText, /::error/, 'no annotation: the gate passed');
    t.match(r.summary, /Quality gate: pass/, 'the gate table in the job summary');
    const stored = await pgw.series();
    const p95 = stored.find((s) => s.name === 'keptn_ci_p95');
    t.equal(p95?.value, '0.3', 'pushed');
    t.equal(p95?.labels.team, 'perf and load', "args' quoting kept");
    t.equal(p95?.labels.ci_repository, 'octo/app', 'the CI context, from the GitHub variables');
    // --label is run context: the same on every series, left out of the report.
    t.match(readFileSync(join(dir, 'm.txt'), 'utf8'), /^keptn_ci_p95 0\.3$/m, '--metrics-report through args');
  });

  t.test('a dry run with a failing gate: annotations and outputs', async (t) => {
    const r = await runAction(
      { run: 'echo p95=0.7; echo cost=300', integration: 'ci', 'dry-run': 'true', slo: sloFile },
      'gate',
    );
    t.equal(r.status, 4, 'the gate failed: 4');
    t.same(
      r.outputs,
      { series: '5', pushed: 'false', 'slo-result': 'fail', 'slo-score': '25' },
      'p95, cost and the run metrics (last_success_timestamp_seconds too: the command passed)',
    );
    t.match(r.stdoutText, /^::warning title=Quality gate::p95: 0\.7 violates <0\.5 \(warning\)$/m);
    t.match(r.stdoutText, /^::error title=Quality gate::cost: 300 violates <=250 \(fail\)$/m);
    t.match(r.stdoutText, /^::error title=Quality gate::fail, score 25\/100/m);
    t.match(r.summary, /Quality gate: fail/);
  });

  t.test('a push that fails: a warning annotation, pushed=false, the step still passes', async (t) => {
    const r = await runAction(
      { run: 'echo x=1', integration: 'ci', pushgateway: 'http://127.0.0.1:9', args: '--timeout 1s --deadline 2s' },
      'refused',
    );
    t.equal(r.status, 0);
    t.equal(r.outputs.pushed, 'false');
    t.match(r.stdoutText, /^::warning title=Metrics not pushed::pushgateway: /m);
  });

  t.test('GITHUB_OUTPUT cannot be written: said on stderr, the step keeps the run status', async (t) => {
    const r = await runAction({ run: 'echo x=1', integration: 'ci', 'dry-run': 'true' }, 'no-output', {
      env: { GITHUB_OUTPUT: join(dir, 'no', 'such', 'out') },
    });
    t.equal(r.status, 0);
    t.match(
      r.stderr.toString(),
      /error: GITHUB_OUTPUT \S+: the folder \S+ does not exist: the outputs are not written/,
    );
  });

  t.test('GITHUB_OUTPUT a FIFO nobody reads: said on stderr, the step does not hang', async (t) => {
    const fifo = join(dir, 'output-fifo');
    execFileSync('mkfifo', [fifo]);
    const r = await runAction({ run: 'echo x=1', integration: 'ci', 'dry-run': 'true' }, 'fifo-output', {
      env: { GITHUB_OUTPUT: fifo },
    });
    t.equal(r.status, 0);
    t.match(r.stderr.toString(), /error: GITHUB_OUTPUT \S+: is a FIFO .*: the outputs are not written/);
  });

  t.test('wrong inputs: exit 2 and an error annotation, before anything runs', async (t) => {
    const r = await runAction({ run: 'touch ran', integration: 'ci', 'dry-run': 'yes', args: "--label 'a=b" }, 'bad');
    t.equal(r.status, 2);
    t.match(r.stdoutText, /::error title=jes-metrics-pipe::input dry-run: "yes" is not true or false/);
    t.match(r.stdoutText, /::error title=jes-metrics-pipe::input args: an unclosed ' quote/);
    t.notOk(existsSync(join(dir, 'ran')), 'the command did not run');
    const none = await runAction({ integration: 'ci' }, 'norun');
    t.equal(none.status, 2);
    t.match(none.stdoutText, /input run: the command to run is required/);
  });

  t.test('examples/github-actions/action-quality-gate.yml, in dry-run mode on recorded k6 output', async (t) => {
    const sandbox = makeSandbox(t);
    const workflow = parse(readFileSync(join(ROOT, 'examples/github-actions/action-quality-gate.yml'), 'utf8')) as {
      jobs: Record<
        string,
        { steps: Array<{ uses?: string; with?: Record<string, string>; env?: Record<string, string>; run?: string }> }
      >;
    };
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const step = steps.find((s) => /\/jes-metrics-pipe@v0$/.test(s.uses ?? ''));
    if (!step?.with) return t.fail('a step uses <owner>/jes-metrics-pipe@v0');
    t.same(
      Object.keys(step.with).filter((k) => !(k in actionYml.inputs)),
      [],
      'every `with:` key is an input of action.yml',
    );
    mkdirSync(join(sandbox.dir, 'quality-gate'));
    copyFileSync(join(ROOT, 'examples/keptn/slo-k6.yaml'), join(sandbox.dir, 'quality-gate', 'slo.yaml'));
    copyFileSync(join(ROOT, 'examples/keptn/sli-k6.yaml'), join(sandbox.dir, 'quality-gate', 'sli.yaml'));
    // No secrets here: the pushgateway expression is empty, and a dry run sends nothing.
    const inputs = Object.fromEntries(
      Object.entries(step.with).map(([k, v]) => [k, v.replace(/\$\{\{[^}]*\}\}/g, '')]),
    );
    const r = await runAction({ ...inputs, 'dry-run': 'true' }, 'example', {
      env: { PATH: sandbox.env().PATH!, ...step.env },
      cwd: sandbox.dir,
    });
    t.equal(r.status, 0, 'the gate passes', { stderr: r.stderr.toString() });
    t.same(sandbox.toolCalls(), [['k6', 'run', 'load.js']], 'k6 ran, with its arguments');
    t.same([r.outputs['slo-result'], r.outputs['slo-score']], ['pass', '100'], 'outputs for the next step');
    t.match(r.summary, /Quality gate: pass/);
    t.match(
      readFileSync(join(sandbox.dir, 'slo-junit.xml'), 'utf8'),
      /<testcase name="Response time p95 \(s\) \(response_time_p95\)"/,
      '--slo-junit through args',
    );
    const next = steps.find((s) => s.run?.includes('steps.gate.outputs'));
    for (const m of (next?.run ?? '').matchAll(/steps\.gate\.outputs\.([\w-]+)/g))
      t.ok(m[1]! in actionYml.outputs, `output ${m[1]} exists`);
  });
});

t.test('splitArgs: as a shell splits, nothing expanded', async (t) => {
  const cases: [string, string[]][] = [
    ['', []],
    ['  --a  b ', ['--a', 'b']],
    ["--label 'k=v w'", ['--label', 'k=v w']],
    ['--label "k=\\"q\\" $HOME"', ['--label', 'k="q" $HOME']],
    ['a\'b\'"c"d', ['abcd']],
    ['a\\ b', ['a b']],
    ["''", ['']],
    ['--x\n--y', ['--x', '--y']],
  ];
  for (const [text, want] of cases) t.same(splitArgs(text), want, JSON.stringify(text));
  t.throws(() => splitArgs('"open'), /unclosed "/);
});

t.test('escapeData and annotations', async (t) => {
  t.equal(escapeData('50%\r\nnext'), '50%25%0D%0Anext');
  t.same(annotations(undefined), []);
  t.same(annotations({ status: 0, series: 1, pushed: false, pushFailures: ['otlp: 503\nbusy'] }), [
    '::warning title=Metrics not pushed::otlp: 503%0Abusy',
  ]);
});

t.test('inputs: presets comma- or line-separated, rules and remote-write one a line', async (t) => {
  const { argv } = actionArgs({
    INPUT_RUN: 'k6 run x.js',
    INPUT_PRESET: 'k6, junit\ntrivy',
    INPUT_RULES: 'a.yaml\n\nb.yaml',
    'INPUT_REMOTE-WRITE': 'http://a/w\nhttp://b/w',
  });
  t.same(argv, [
    '--preset',
    'k6',
    '--preset',
    'junit',
    '--preset',
    'trivy',
    '--rules',
    'a.yaml',
    '--rules',
    'b.yaml',
    '--remote-write',
    'http://a/w',
    '--remote-write',
    'http://b/w',
    '--',
    'bash',
    '-e',
    '-c',
    'k6 run x.js',
  ]);
  t.same(
    actionArgs({ INPUT_RUN: 'x', 'INPUT_DT-URL': 'https://abc.live.dynatrace.com' }).argv.slice(0, 2),
    ['--dynatrace', 'https://abc.live.dynatrace.com'],
    'INPUT_DT-URL: the hyphen kept',
  );
});
