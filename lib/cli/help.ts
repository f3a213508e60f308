// -h (the first screen), --help (every flag) and docs/reference/cli.md, all made from the flag
// table in lib/cli/flags.ts. At most 80 columns.

import { FLAGS, GROUPS, type Flag, type FlagGroup } from './flags.js';

const WIDTH = 80;
/** Where a flag's text starts. */
const TEXT_COLUMN = 25;

const USAGE = `Usage:
  TOOL | jes-metrics-pipe [OPTIONS]           filter mode
  jes-metrics-pipe [OPTIONS] -- TOOL [ARGS…]  wrap mode: runs TOOL, exits with
                                              its status

Passes the input to stdout byte for byte, extracts the numbers in it, and at
the end pushes them to a Prometheus Pushgateway, Dynatrace, an OTLP receiver
or a Prometheus remote-write receiver.

Examples:
  jes-metrics-pipe --preset k6 --pushgateway http://pushgateway:9091 \\
      -- k6 run load.js
  infracost breakdown --path . --format json | jes-metrics-pipe \\
      --preset infracost --dynatrace https://x.live.dynatrace.com
  echo 'coverage=87.5' | jes-metrics-pipe --integration tests --dry-run
  go test -bench . | jes-metrics-pipe --preset go-bench --explain
`;

const EXIT_STATUS = `Exit status:
  0    input passed through (a failed push is a warning: --fail-on-push-error)
  2    usage or configuration error, a rule file that does not load (reported
       at once; the input is still passed through)
  3    a backend did not accept everything and --fail-on-push-error was given
  4    the quality gate (--slo) failed, or warned with --slo-fail-on-warning
       (after the push)
  74   writing to stdout failed (disk full, EIO; not a reader gone, | head -1)
  129, 130, 143  filter mode: SIGHUP, SIGINT, SIGTERM (after pushing what was
       collected)
  131  SIGQUIT (a second signal: its own 128+N): left at once, values printed
  wrap mode: TOOL's status when it is not 0 (128+N if killed by signal N;
       127 when it cannot be started); a tool that exits 0 after a forwarded
       SIGTERM gives 0; the summary says what the tool returned
`;

/** Greedy word wrap of one paragraph to `width` columns. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** `-q, --quiet`, `--pushgateway URL`. */
function synopsis(f: Flag): string {
  return `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.arg ? ` ${f.arg}` : ''}`;
}

/** A flag in --help: its synopsis, then its text wrapped in the text column (a preformatted line stays). */
function flagEntry(f: Flag, text: string): string[] {
  const aliases = f.aliases?.length ? ` (also ${f.aliases.map((a) => `--${a}`).join(', ')})` : '';
  const [first = '', ...preformatted] = `${text}${aliases}`.split('\n');
  const body = [...wrap(first, WIDTH - TEXT_COLUMN), ...preformatted];
  const head = `  ${synopsis(f)}`;
  const pad = ' '.repeat(TEXT_COLUMN);
  if (head.length <= TEXT_COLUMN - 1) return [head.padEnd(TEXT_COLUMN) + body[0], ...body.slice(1).map((l) => pad + l)];
  return [head, ...body.map((l) => pad + l)];
}

function flagsOf(group: FlagGroup): Flag[] {
  return (FLAGS as readonly Flag[]).filter((f) => f.group === group);
}

/** --help: every flag by group, the environment notes, the exit statuses. */
export function fullHelp(): string {
  const parts = [USAGE];
  for (const g of GROUPS) {
    const lines = [...wrap(`${g.title}:`, WIDTH)];
    for (const f of flagsOf(g.id)) lines.push(...flagEntry(f, f.text));
    if (g.note) lines.push(...g.note.split('\n').map((l) => `  ${l}`));
    parts.push(`${lines.join('\n')}\n`);
  }
  parts.push(EXIT_STATUS);
  return parts.join('\n');
}

/** -h: the first screen, the "Start here" flags and where to read on (at most 40 lines). */
export function shortHelp(): string {
  const lines = flagsOf('start').flatMap((f) => flagEntry(f, f.summary));
  const backends = ['dynatrace', 'otlp', 'remote-write'].map((n) =>
    (FLAGS as readonly Flag[]).find((f) => f.name === n)!,
  );
  lines.push(...backends.flatMap((f) => flagEntry(f, f.summary)));
  return `${USAGE}
Start here:
${lines.join('\n')}

All options: jes-metrics-pipe --help, or docs/reference/cli.md.
`;
}

/** docs/reference/cli.md: the same table as Markdown (npm run docs writes it; a test compares). */
export function cliReference(): string {
  const out = [
    '# Command line',
    '',
    '<!-- Made by `npm run docs` from lib/cli/flags.ts: edit the table there, not this file. -->',
    '',
    '```text',
    USAGE.trimEnd(),
    '```',
    '',
    'Aliases are the spellings of earlier versions and of the JES recipes; they keep working.',
  ];
  for (const g of GROUPS) {
    out.push('', `## ${g.title}`, '', '| flag | what it does |', '|---|---|');
    for (const f of flagsOf(g.id)) {
      const names = [synopsis(f), ...(f.aliases ?? []).map((a) => `--${a}`)].map((n) => `\`${n}\``).join(', ');
      const env = f.env?.length ? ` Environment: ${f.env.map((e) => `\`${e}\``).join(', ')}.` : '';
      const text = f.text.split('\n').map(markdownCell).join('<br>');
      out.push(`| ${names.replace(/\|/g, '\\|')} | ${text}.${env} |`.replace(/\.\. \|/, '. |'));
    }
    if (g.note) out.push('', g.note.replace(/\n/g, ' '));
  }
  out.push('', '## Exit status', '', '```text', EXIT_STATUS.trimEnd(), '```', '');
  return out.join('\n');
}

function markdownCell(text: string): string {
  return text
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/^ +/, (s) => '&nbsp;'.repeat(s.length));
}
