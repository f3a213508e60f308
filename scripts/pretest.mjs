// npm test's pretest: the build (`npm run build`) and the tests' type check (`tsc -p
// tsconfig.test.json`) side by side. Each is one busy core for 6 to 10 s; one after the other
// they were about 20 s of `npm test`. The generated preset module (scripts/presets.js) is
// written first, so that both read the same lib/ (it is rewritten only when it changed).
import { spawn } from 'node:child_process';
import process from 'node:process';

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', (e) => {
      process.stderr.write(`pretest: ${command}: ${e.message}\n`);
      resolve(1);
    });
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const status = await run(process.execPath, ['scripts/presets.js']);
const [build, types] =
  status === 0
    ? await Promise.all([
        run(npm, ['run', '--silent', 'build']),
        run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']),
      ])
    : [status, 0];
process.exitCode = build !== 0 ? build : types;
