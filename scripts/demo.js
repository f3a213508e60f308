// `npm run demo`: the program at work on an embedded sample, in four steps a newcomer can follow.
// Each step runs the built CLI (dist/cli.cjs) as a user would; nothing is sent anywhere.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// A reader that goes away (`npm run demo | head`) ends the demo quietly.
process.stdout.on('error', () => process.exit(0));
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = `${root}dist/cli.cjs`;
const sample = readFileSync(`${root}examples/demo-output.txt`);
const k6 = readFileSync(`${root}test/fixtures/recorded/k6-docs-compact-summary/input`);
const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  KEPTN_PROJECT: 'sockshop',
  KEPTN_STAGE: 'dev',
  KEPTN_SERVICE: 'carts',
};

const bold = process.stdout.isTTY ? (t) => `\x1b[1m${t}\x1b[0m` : (t) => `== ${t}`;
const say = (text) => process.stdout.write(`\n${bold(text)}\n`);
const indent = (text) => text.replace(/^/gm, '    ');
const run = (args, input) => spawnSync(process.execPath, [cli, ...args], { input, env, encoding: 'utf8' });

say("jes-metrics-pipe demo: a test job's output (examples/demo-output.txt) piped through");
say("1. stdout: the tool's output, passed through byte for byte (what the job log shows)");
const dry = run(['--integration', 'demo', '--dry-run'], sample);
process.stdout.write(indent(dry.stdout));

say('2. stderr, with --dry-run: what would be pushed to a Pushgateway and to Dynatrace');
process.stdout.write(indent(dry.stderr));

say('3. --explain: what each parser took and what it skipped, and why (sends nothing)');
const explain = run(['--integration', 'demo', '--explain'], sample);
const lines = explain.stderr.split('\n').filter((l) => /took|skipped|not a metric|default parser/.test(l));
process.stdout.write(indent(`${lines.slice(0, 14).join('\n')}\n`));

say("4. a preset on a real tool's output: k6's end-of-test summary, --preset k6 (Pushgateway part)");
const preset = run(['--preset', 'k6', '--dry-run'], k6);
const pushgateway = preset.stderr.split('# dynatrace:')[0] ?? '';
process.stdout.write(
  indent(
    pushgateway
      .split('\n')
      .filter((l) => !l.startsWith('# HELP'))
      .slice(0, 24)
      .join('\n'),
  ),
);
process.stdout.write(
  '\n    … (the rest, and the Dynatrace lines: jes-metrics-pipe --preset k6 --dry-run < k6-output.txt)\n',
);

say('Next: jes-metrics-pipe --help, and docs/guide.md "Recipes" for GitHub Actions, GitLab CI and Keptn JES.');
if (dry.status !== 0 || explain.status !== 0 || preset.status !== 0) process.exitCode = 1;
