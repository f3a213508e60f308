// A credential never becomes a label (issue 24, item 4): --ci-label naming a credential
// variable is refused at the start (exit 2, the variable named, its value nowhere), and a known
// secret that still reaches a label value or a grouping-key part is sent as ***.
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-cred-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'rw-Secret-7f3a9c1e55b2';
const DT = 'dt0c01.ABCDEFGHIJKLMNOPQRSTUVWX.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV';

t.test('--ci-label token=REMOTE_WRITE_TOKEN: exit 2 naming the variable, its value nowhere', async (t) => {
  const file = join(dir, 'refused');
  const r = await runInProcess(
    [
      '--integration',
      'c',
      '--remote-write',
      'http://127.0.0.1:9/w',
      '--dry-run-file',
      file,
      '--ci-label',
      'token=REMOTE_WRITE_TOKEN',
    ],
    {
      input: 'a=1\n',
      env: { REMOTE_WRITE_TOKEN: SECRET },
    },
  );
  t.equal(r.status, 2, r.stderr);
  t.equal(r.stdout.toString(), 'a=1\n');
  t.match(r.stderr, /--ci-label token=REMOTE_WRITE_TOKEN: REMOTE_WRITE_TOKEN holds a credential/);
  t.notMatch(r.stderr, SECRET);
  let written = '';
  try {
    written = readFileSync(file, 'utf8');
  } catch {
    // nothing written: the run was refused
  }
  t.notMatch(written, SECRET);
});

t.test('a known secret in --label, --grouping and an input label is sent as ***', async (t) => {
  const file = join(dir, 'masked');
  const input = `up{key="${DT}"} 1\n`;
  const r = await runInProcess(
    [
      '--integration',
      'c',
      '--parsers',
      'prom',
      '--dry-run-file',
      file,
      '--label',
      `stolen=${DT}`,
      '--grouping',
      `g=x${DT}`,
    ],
    {
      input,
      env: { DT_API_TOKEN: DT },
    },
  );
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout.toString(), input);
  const text = readFileSync(file, 'utf8');
  t.notMatch(text, DT.split('.')[2]!);
  t.match(text, /stolen="\*\*\*"/);
  t.match(text, /key="\*\*\*"/);
  t.match(text, `/g@base64/${Buffer.from('x***').toString('base64url')}`, 'the grouping-key part');
  t.match(r.stderr, /a credential reached the label or grouping-key part/);
  t.match(r.stderr, /a credential reached the label key of/);
});
