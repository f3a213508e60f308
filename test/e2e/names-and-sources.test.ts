// Label names that collide or that Object.prototype knows, a wrapped script whose interpreter is
// missing, and a directory on stdin: each said plainly, nothing invented.

import t from 'tap';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CLI, cleanEnv, runCli } from '../support/cli.js';
import { runInProcess } from '../support/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'jmp-names-'));

t.test('labels named constructor, toString, hasOwnProperty: no false collision warnings, values kept', async (t) => {
  const line = '{"name":"m","value":1,"labels":{"constructor":"a","toString":"b","hasOwnProperty":"c"}}\n';
  const r = await runInProcess(['--integration', 'p', '--dry-run'], { input: line });
  t.equal(r.status, 0, r.stderr);
  t.notMatch(r.stderr, /both become/);
  t.match(r.stderr, /^keptn_p_m\{ci_platform="keptn",constructor="a",hasOwnProperty="c",toString="b"\} 1$/m);
  t.match(
    r.stderr,
    /^keptn_p_m,ci_platform=keptn,constructor=a,hasownproperty=c,tostring=b,dt\.metrics\.source=jes-metrics-pipe gauge,1$/m,
  );
});

t.test('Dynatrace: labels that normalize to the same dimension key are warned about', async (t) => {
  const r = await runInProcess(['--integration', 'p', '--dry-run'], {
    input: '{"name":"n","value":2,"labels":{"Region":"eu","region":"us"}}\n',
  });
  t.equal(r.status, 0, r.stderr);
  t.match(
    r.stderr,
    /warning: dynatrace: labels 'Region' and 'region' both become the dimension 'region': the value of 'region' is sent/,
  );
});

t.test('wrap mode: a script whose #! interpreter is missing names the interpreter', async (t) => {
  const script = join(dir, 'tool.sh');
  writeFileSync(script, '#!/no/such/interpreter\necho found=1\n');
  chmodSync(script, 0o755);
  const r = await runCli(['--integration', 'w', '--dry-run', '--', script]);
  t.equal(r.status, 127);
  t.match(
    r.stderr,
    /cannot run .*tool\.sh: its interpreter \/no\/such\/interpreter \(from the #! line of .*tool\.sh\) was not found/,
  );
});

t.test('wrap mode: a tool not on the PATH says so', async (t) => {
  const r = await runCli(['--integration', 'w', '--dry-run', '--', 'no-such-tool-here']);
  t.equal(r.status, 127);
  t.match(r.stderr, /cannot run no-such-tool-here: ENOENT \(not found on the PATH\)/);
});

t.test('stdin that is a directory is an error, not a silent "0 lines read"', async (t) => {
  const r = spawnSync('sh', ['-c', `exec "${process.execPath}" "${CLI}" --integration d --dry-run < "${dir}"`], {
    env: cleanEnv(),
    encoding: 'utf8',
  });
  t.match(r.stderr, /error: reading input failed: stdin is a directory/);
});
