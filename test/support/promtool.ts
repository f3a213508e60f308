// `promtool check metrics` over a payload: exit 0 = clean, 1 = parse error (fatal: the
// Pushgateway would refuse it too), 3 = lint findings only (e.g. a counter without _total).

import { requireBinary } from './process.js';
import { spawn } from 'node:child_process';

export const PROMTOOL_BIN = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';

export function checkMetrics(text: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    requireBinary(PROMTOOL_BIN);
    const child = spawn(PROMTOOL_BIN, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), output }));
    child.stdin.on('error', () => {
      // promtool may exit before reading everything; the exit code says why.
    });
    child.stdin.end(text);
  });
}
