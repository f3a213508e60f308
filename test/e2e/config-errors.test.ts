// Values that could only fail later are refused at the start (exit 2, the input still passed
// through), and --dry-run shows what --job, --grouping and --method would send even without a
// Pushgateway URL.

import t from 'tap';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-config-'));
const input = 'log line\nfound=1\n';

const refused: ReadonlyArray<readonly [string, string[], RegExp]> = [
  [
    '--deadline beyond a timer',
    ['--deadline', '3000000'],
    /--deadline 3000000 is longer than the 24 days a timer can wait/,
  ],
  [
    '--flush-interval beyond a timer',
    ['--flush-interval', '2147484s'],
    /--flush-interval 2147484s is longer than the 24 days/,
  ],
  [
    '--header with a line break',
    ['--header', 'X-Team: a\r\nX-Evil: b'],
    /--header X-Team: the value must not hold a line break/,
  ],
  [
    '--header Content-Length',
    ['--header', 'Content-Length: 5'],
    /--header Content-Length: is set by the HTTP client itself/,
  ],
  [
    '--header Transfer-Encoding',
    ['--header', 'transfer-encoding: chunked'],
    /--header transfer-encoding: is set by the HTTP client/,
  ],
  ['--header Host', ['--header', 'Host: elsewhere'], /--header Host: is set by the HTTP client/],
  [
    '--dry-run-file in a missing folder',
    ['--dry-run-file', join(dir, 'no/such/folder/out.txt')],
    /--dry-run-file .*: the folder .* does not exist/,
  ],
];

for (const [name, args, message] of refused) {
  t.test(`refused at the start: ${name}`, async (t) => {
    const r = await runInProcess(['--integration', 'cfg', '--dry-run', ...args], { input });
    t.equal(r.status, 2, r.stderr);
    t.equal(r.stdout.toString(), input, 'the input is still passed through');
    t.match(r.stderr, message);
    t.notMatch(r.stderr, /# pushgateway:/, 'nothing is printed as sent');
  });
}

t.test('an ordinary --header and a day-long --deadline are fine', async (t) => {
  const r = await runInProcess(
    ['--integration', 'cfg', '--dry-run', '--header', 'X-Team: payments', '--deadline', '86400'],
    { input },
  );
  t.equal(r.status, 0, r.stderr);
});

t.test('--dry-run without --pushgateway shows --job, --grouping and --method', async (t) => {
  const file = join(dir, 'key');
  const r = await runInProcess(
    ['--integration', 'cfg', '--dry-run-file', file, '--job', 'ci', '--grouping', 'repo=shop', '--method', 'post'],
    { input },
  );
  t.equal(r.status, 0, r.stderr);
  t.match(readFileSync(file, 'utf8'), /^# pushgateway: POST \/metrics\/job\/ci\/integration\/cfg\/repo\/shop$/m);
});
