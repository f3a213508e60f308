// The run's inputs (lib/cli/run/inputs.ts): filter mode reads our stdin, wrap mode the tool's
// stdout (and, with --parse-stderr, its stderr); every byte passes through unchanged from the
// first moment, and the lines read before the extractor existed reach it on connect(). Real
// streams and real processes (sh); every process started is killed by PID at the end.

import t, { type Test } from 'tap';
import { PassThrough, Writable } from 'node:stream';
import { parseConfig } from '../../../lib/cli/args.js';
import { startInputs, type Inputs, type Streams } from '../../../lib/cli/run/inputs.js';
import { Extractor } from '../../../lib/extract/extractor.js';
import { Reporter } from '../../../lib/report/report.js';
import { SeriesStore } from '../../../lib/store/series.js';

const BOUND_MS = 30_000;
const pids = new Set<number>();
t.teardown(() => {
  for (const pid of pids)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone already
    }
});

async function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${BOUND_MS / 1000}s`)), BOUND_MS);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

function sink(): { stream: Writable; text: () => string } {
  const got: Buffer[] = [];
  const stream = new Writable({ write: (c: Buffer, _e, done) => (got.push(Buffer.from(c)), done()) });
  return { stream, text: () => Buffer.concat(got).toString('utf8') };
}

interface Setup {
  inputs: Inputs;
  stdin: PassThrough;
  stdout: () => string;
  stderr: () => string;
  messages: string[];
  /** name → value of what the extractor stored (after end()). */
  end: (interrupted?: boolean) => Record<string, number>;
}

/** Starts the inputs, lets `before` happen (input read before the rules exist), then connects an extractor. */
async function setup(t: Test, args: string[], before: (stdin: PassThrough) => Promise<void>): Promise<Setup> {
  const parsed = parseConfig(['--integration', 't', ...args], {});
  t.same(parsed.usageErrors, [], 'the flags parse');
  const { config } = parsed;
  const stdin = new PassThrough();
  const out = sink();
  const err = sink();
  const io: Streams = { stdin, stdout: out.stream, stderr: err.stream };
  const started = startInputs(config, {}, io);
  await before(stdin);
  const messages: string[] = [];
  const reporter = new Reporter({ write: (s) => messages.push(...s.replace(/\n$/, '').split('\n')), budget: 1 << 30 });
  const store = new SeriesStore(config.maxSeries);
  const extractor = new Extractor(config, store, reporter);
  const inputs = started.connect(extractor, reporter);
  const child = inputs.tool?.child?.pid;
  if (child !== undefined) pids.add(child);
  return {
    inputs,
    stdin,
    stdout: out.text,
    stderr: err.text,
    messages,
    end: (interrupted = false) => {
      inputs.endLines(interrupted);
      extractor.drain();
      extractor.finish();
      return Object.fromEntries(store.list().map((s) => [s.name.replace(/^keptn_t_/, ''), s.value]));
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

t.test('filter mode: stdin passed through byte for byte, lines read before connect() parsed', async (t) => {
  const input = 'a_total=1\nplain text é\r\nb_total=2\nlast_total=3';
  const s = await setup(t, [], async (stdin) => {
    stdin.write('a_total=1\nplain text é\r\n');
    await tick();
  });
  t.equal(s.inputs.tool, undefined, 'no tool in filter mode');
  s.stdin.end('b_total=2\nlast_total=3');
  t.equal(await within(s.inputs.finished(), 'end of stdin'), undefined, 'no tool exit');
  t.equal(s.stdout(), input, 'every byte, the one before connect() included');
  const values = s.end();
  t.same(values, { a_total: 1, b_total: 2, last_total: 3 }, 'the final line without \\n counts');
  t.equal(s.inputs.lines(), 4);
  t.equal(s.inputs.stdoutBroken(), false);
  t.equal(s.inputs.stdoutLost(), false);
});

t.test('filter mode, interrupted: reading stops, the cut final line is not parsed', async (t) => {
  const s = await setup(t, [], async (stdin) => {
    stdin.write('a_total=1\nhalf_total=2');
    await tick();
  });
  s.inputs.interrupt('SIGINT');
  t.equal(await within(s.inputs.finished(), 'interrupted stdin'), undefined, 'finished without an end of input');
  t.same(s.end(true), { a_total: 1 }, 'the line a signal may have cut is left out');
});

t.test('wrap mode: the tool stdout parsed, its stderr passed through, its exit status', async (t) => {
  const s = await setup(t, ['--', 'sh', '-c', 'echo x_total=1; echo y_total=2 >&2; exit 4'], async () => undefined);
  t.ok(s.inputs.tool?.child !== undefined, 'the tool was started');
  t.same(await within(s.inputs.finished(), 'the tool'), { status: 4 });
  t.equal(s.stdout(), 'x_total=1\n');
  t.equal(s.stderr(), 'y_total=2\n', 'its stderr reaches ours');
  t.same(s.end(), { x_total: 1 }, 'its stderr is not parsed without --parse-stderr');
  t.equal(s.inputs.lines(), 1);
});

t.test('wrap mode with --parse-stderr: both streams parsed, stderr still passed through', async (t) => {
  const cmd = 'echo x_total=1; echo y_total=2 >&2';
  const s = await setup(t, ['--parse-stderr', '--', 'sh', '-c', cmd], async () => undefined);
  t.same(await within(s.inputs.finished(), 'the tool'), { status: 0 });
  t.equal(s.stderr(), 'y_total=2\n');
  t.same(s.end(), { x_total: 1, y_total: 2 });
  t.equal(s.inputs.lines(), 2);
});

t.test('wrap mode: a signal is forwarded to the tool; a tool that cannot start is said', async (t) => {
  const s = await setup(t, ['--', 'sh', '-c', 'echo ready; exec sleep 120'], async () => undefined);
  const until = Date.now() + BOUND_MS;
  while (!s.stdout().includes('ready') && Date.now() < until) await tick();
  s.inputs.interrupt('SIGTERM');
  t.same(await within(s.inputs.finished(), 'the tool after SIGTERM'), { status: 143, signal: 'SIGTERM' });

  const missing = await setup(t, ['--', '/nonexistent/jes-tool'], async () => undefined);
  const exit = await within(missing.inputs.finished(), 'a missing tool');
  t.equal(exit?.status, 127);
  t.ok(
    missing.messages.some((m) => m.includes('cannot run /nonexistent/jes-tool: ENOENT (not found)')),
    missing.messages.join('\n'),
  );
});
