// Typos get the closest option; far-off words get none.
import t from 'tap';
import { closest, describeParseError } from '../../lib/cli/parse-errors.js';

const names = ['dry-run', 'dry-run-file', 'pushgateway', 'integration', 'json-path', 'job', 'verbose', 'version'];

for (const [given, want] of [
  ['dryrun', 'dry-run'],
  ['dry_run', 'dry-run'],
  ['DRY-RUN', 'dry-run'],
  ['pushgatway', 'pushgateway'],
  ['intergration', 'integration'],
  ['jsonpath', 'json-path'],
  ['jb', 'job'],
  ['verbos', 'verbose'],
  ['zzzzzzzz', undefined],
  ['x', undefined],
  ['', undefined],
] as const) {
  t.equal(closest(given, names), want, `${given} → ${want ?? 'nothing'}`);
}

t.test('parseArgs errors in the house style', async (t) => {
  const unknown = Object.assign(
    new Error(
      "Unknown option '--dryrun'. To specify a positional argument starting with a '-', place it at the end of the command after '--', as in '-- \"--dryrun\"",
    ),
    { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' },
  );
  t.equal(describeParseError(unknown, names), 'unknown option --dryrun: did you mean --dry-run? (see --help)');
  const missing = Object.assign(new Error("Option '--job <value>' argument missing"), {
    code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE',
  });
  t.equal(describeParseError(missing, names), '--job needs a value (see --help)');
  const positional = Object.assign(
    new Error("Unexpected argument 'stray'. This command does not take positional arguments"),
    {
      code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
    },
  );
  t.equal(
    describeParseError(positional, names),
    'unexpected argument "stray": options come first, and a tool to run goes after "--" (see --help)',
  );
});
