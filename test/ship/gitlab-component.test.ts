// The GitLab CI/CD component (templates/metrics-pipe.yml): its two YAML documents (the
// `spec: inputs:` header and the job) are valid against GitLab's published CI JSON schema
// (test/fixtures/schemas/gitlab-ci.json, see the README there), before and after its inputs are
// filled in; and its script, run by dash as a GitLab runner's shell would run it, wraps a
// stand-in of k6 (its recorded output) and writes the two report files the job uploads.

import t from 'tap';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Ajv } from 'ajv';
import { makeSandbox, ROOT, runShell } from './sandbox.js';
import { checkMetrics } from '../support/promtool.js';

const TEMPLATE = join(ROOT, 'templates', 'metrics-pipe.yml');
const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/schemas/gitlab-ci.json'), 'utf8')) as Record<
  string,
  unknown
>;
// GitLab's schema is draft-07 with editor keywords (markdownDescription) and regexes written for
// Ruby/JavaScript without the u flag: strict mode off, unicodeRegExp off (check-jsonschema's
// --regex-variant nonunicode for this schema).
const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false, validateFormats: false });
const validate = ajv.compile(schema);

type Inputs = Record<string, { default?: string; description?: string }>;
interface Job {
  stage: string;
  image: string;
  variables: Record<string, string>;
  script: string[];
  artifacts: { when: string; reports: Record<string, string> };
}

const docs = parseAllDocuments(readFileSync(TEMPLATE, 'utf8'));
const header = docs[0]?.toJS() as { spec: { inputs: Inputs } };
const body = docs[1]?.toJS() as Record<string, Job>;

function errorsOf(doc: unknown): string {
  return validate(doc) ? '' : ajv.errorsText(validate.errors, { separator: '\n' });
}

/** GitLab's interpolation of `$[[ inputs.x ]]`, in keys and values (https://docs.gitlab.com/ci/inputs/). */
function interpolate<T>(value: T, inputs: Record<string, string>): T {
  const fill = (s: string): string =>
    s.replace(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g, (_, name: string) => {
      if (!(name in inputs)) throw new Error(`no input ${name}`);
      return inputs[name]!;
    });
  if (typeof value === 'string') return fill(value) as T;
  if (Array.isArray(value)) return value.map((v) => interpolate(v, inputs)) as T;
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k), interpolate(v, inputs)])) as T;
  return value;
}

function withDefaults(given: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(header.spec.inputs))
    if (spec.default !== undefined) out[name] = spec.default;
  return { ...out, ...given };
}

t.test('two documents, both valid against GitLab CI schema', async (t) => {
  t.equal(docs.length, 2, 'the spec header and the job, separated by ---');
  t.same(
    docs.map((d) => d.errors.length),
    [0, 0],
    'YAML parses',
  );
  t.equal(errorsOf(header), '', 'the header (spec: inputs:)');
  t.equal(errorsOf(body), '', 'the job, inputs not filled in');
  const filled = interpolate(body, withDefaults({ run: 'k6 run script.js' }));
  t.equal(errorsOf(filled), '', 'the job, inputs filled in');
  t.same(Object.keys(filled), ['metrics-pipe'], 'the job is named by an input');
  t.same(
    filled['metrics-pipe']!.artifacts,
    { when: 'always', reports: { metrics: 'metrics.txt', junit: 'slo-junit.xml' } },
    'reports uploaded whatever the job did',
  );
  t.ok(header.spec.inputs.run && header.spec.inputs.run.default === undefined, 'run is required (no default)');
  for (const [name, spec] of Object.entries(header.spec.inputs)) t.ok(spec.description, `input ${name} is described`);
});

t.test('the schema is not a rubber stamp: mistakes are found', async (t) => {
  const job = body['$[[ inputs.name ]]']!;
  const bad: [string, unknown][] = [
    ['an unknown report', { x: { ...job, artifacts: { reports: { metric: 'm.txt' } } } }],
    ['artifacts:when not a GitLab value', { x: { ...job, artifacts: { ...job.artifacts, when: 'sometimes' } } }],
    ['a header with something else than inputs', { spec: { inputs: {}, outputs: {} } }],
    ['script not a list of strings', { x: { ...job, script: [{ run: 'x' }] } }],
  ];
  for (const [what, doc] of bad) t.not(errorsOf(doc), '', what);
});

t.test("the job's script, run by dash: wraps the command, writes the reports", async (t) => {
  const sandbox = makeSandbox(t);
  const slo = join(sandbox.dir, 'slo.yaml');
  const sli = join(sandbox.dir, 'sli.yaml');
  writeFileSync(
    slo,
    'spec_version: "1.0"\nobjectives:\n  - sli: p95\n    pass:\n      - criteria: ["<1"]\ntotal_score:\n  pass: "90%"\n  warning: "75%"\n',
  );
  writeFileSync(sli, 'spec_version: "1.0"\nindicators:\n  p95: keptn_k6_http_req_duration_seconds{stat="p95"}\n');
  const job = interpolate(body, withDefaults({ run: 'k6 run script.js', preset: 'k6', install: '', slo, sli }))[
    'metrics-pipe'
  ]!;
  // GitLab runs the script lines as one shell script; the job's variables are its environment.
  const r = await runShell(job.script.join('\n'), {
    env: sandbox.env({ ...job.variables, GITLAB_CI: 'true', CI_PROJECT_PATH: 'group/app' }),
    cwd: sandbox.dir,
  });
  t.equal(r.status, 0, 'the job passes', { stderr: r.stderr });
  t.match(r.stdout.toString(), /http_req_duration/, "k6's output passed through");
  t.same(sandbox.toolCalls(), [['k6', 'run', 'script.js']], 'the command ran once');
  const metrics = join(sandbox.dir, 'metrics.txt');
  const junit = join(sandbox.dir, 'slo-junit.xml');
  t.ok(existsSync(metrics) && existsSync(junit), 'both reports written');
  const text = readFileSync(metrics, 'utf8');
  t.match(text, /^keptn_k6_http_req_duration_seconds\{stat="p95"\} /m, 'the p95 in the metrics report');
  const check = await checkMetrics(text);
  // 3 is lint only: the k6 preset's keptn_k6_checks_total is a gauge with a _total name, as it is
  // pushed to the Pushgateway; 1 would be a file that does not parse.
  t.ok(check.code === 0 || check.code === 3, `promtool check metrics parses it: ${check.output}`);
  t.match(readFileSync(junit, 'utf8'), /<testcase name="p95"/, 'the gate as JUnit');
});

t.test(
  'examples/gitlab-ci/component.yml: valid, its inputs known, its job run in dry-run mode on recorded infracost output',
  async (t) => {
    const example = parseAllDocuments(readFileSync(join(ROOT, 'examples/gitlab-ci/component.yml'), 'utf8')).map((d) =>
      d.toJS(),
    ) as [{ include: Array<{ component: string; inputs: Record<string, string> }> }];
    t.equal(example.length, 1);
    t.equal(errorsOf(example[0]), '', 'valid against the schema');
    const include = example[0].include[0]!;
    t.match(include.component, /\/jes-metrics-pipe\/metrics-pipe@\S+$/, 'names the component by its template file');
    t.same(
      Object.keys(include.inputs).filter((k) => !(k in header.spec.inputs)),
      [],
      'every input is one the component declares',
    );
    const sandbox = makeSandbox(t);
    // Installed already (the sandbox's PATH), and --dry-run: no Dynatrace here.
    const jobs = interpolate(body, withDefaults({ ...include.inputs, install: '', args: '--dry-run' }));
    const job = jobs[include.inputs.name ?? 'metrics-pipe']!;
    t.ok(job, 'the job has the name the example gives');
    t.equal(errorsOf(jobs), '', 'the job with these inputs is valid');
    const r = await runShell(job.script.join('\n'), {
      env: sandbox.env({
        ...job.variables,
        GITLAB_CI: 'true',
        CI_PROJECT_PATH: 'group/app',
        DT_TENANT: 'https://abc12345.live.dynatrace.com',
        DT_API_TOKEN: 'dt0c01.SAMPLE.SECRET',
      }),
      cwd: sandbox.dir,
    });
    t.equal(r.status, 0, 'the job passes', { stderr: r.stderr });
    t.same(sandbox.toolCalls(), [['infracost', 'breakdown', '--path', 'terraform', '--format', 'json']]);
    t.match(
      sandbox.takeDryRun(),
      /^keptn_infracost_monthly_cost,.*currency=USD.* gauge,228\.13$/m,
      'the monthly cost for Dynatrace',
    );
    t.match(
      readFileSync(join(sandbox.dir, 'metrics.txt'), 'utf8'),
      /^keptn_infracost_monthly_cost\{currency="USD"\} 228\.13$/m,
      'and in the metrics report',
    );
  },
);
