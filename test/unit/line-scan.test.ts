// The WebAssembly line scanner (lib/scan/line-scan.c) must decide exactly as the TypeScript
// path: the same lines handed to the parsers, in the same order, with the same line numbers,
// the same counts. The TypeScript pre-check is held to the parsers elsewhere (precheck.test.ts,
// parse-fuzz.test.ts); holding the scanner to it, line for line, carries that law over.
import fc from 'fast-check';
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateChunks } from '../../bench/generate.js';
import { LineSplitter } from '../../lib/lines.js';
import { Precheck, type PrecheckOptions } from '../../lib/parse/precheck.js';
import { WasmLineScanner } from '../../lib/scan/wasm-scanner.js';
import { jsonCases, kvCases, plainLogLines, promCases } from './parse-cases.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ALL: PrecheckOptions = { kv: true, json: true, prom: true };
const OPTION_SETS: readonly PrecheckOptions[] = [ALL, { kv: true, json: false, prom: false }, { kv: false, json: true, prom: false }, { kv: false, json: false, prom: true }];

interface Seen {
  lines: Array<[number, string]>;
  count: number;
  overlong: number;
}

/** The input through a LineSplitter in `chunk`-byte pieces, with or without the scanner. */
function split(input: Buffer, chunk: number, wasm: boolean, opts: PrecheckOptions = ALL, maxLineBytes = 1 << 20): Seen {
  const lines: Array<[number, string]> = [];
  // scanMinBytes 1: the scanner takes every chunk with a complete line, however small.
  const splitter: LineSplitter = new LineSplitter({ maxLineBytes, precheck: new Precheck(opts), wasm, scanMinBytes: 1, onLine: (text) => lines.push([splitter.lines, text]) });
  for (let pos = 0; pos < input.length; pos += chunk) splitter.push(input.subarray(pos, pos + chunk));
  splitter.end();
  return { lines, count: splitter.lines, overlong: splitter.overlong };
}

t.test('the scanner is there (WebAssembly with SIMD on this Node)', async (t) => {
  t.ok(WasmLineScanner.create(ALL), 'created');
});

t.test('generated tool output: the same lines, numbers and counts as the TypeScript path', async (t) => {
  const input = Buffer.concat([...generateChunks(4 * 1024 * 1024, { seed: 7 })]);
  for (const chunk of [65536, 1 << 20, 10_000, 4097]) {
    for (const opts of OPTION_SETS) {
      const js = split(input, chunk, false, opts);
      const wasm = split(input, chunk, true, opts);
      t.equal(wasm.count, js.count, `${chunk}-byte chunks, ${JSON.stringify(opts)}: ${js.count} lines`);
      t.same(wasm.lines, js.lines, `the same ${js.lines.length} candidate lines`);
    }
  }
});

t.test('every fixture and every table line, padded so the scanner is used', async (t) => {
  const tools = join(ROOT, 'test', 'fixtures', 'tools');
  const texts = readdirSync(tools).map((d) => readFileSync(join(tools, d, 'input')));
  const table = [...kvCases, ...jsonCases, ...promCases].map((c) => c.line).concat(plainLogLines);
  texts.push(Buffer.from(`${table.join('\n')}\n${table.join('\r\n')}\r\n`));
  const padding = Buffer.from(`${'x'.repeat(99)}\n`.repeat(60));
  for (const text of texts) {
    const input = Buffer.concat([padding, text, padding]);
    const js = split(input, 1 << 20, false);
    const wasm = split(input, 1 << 20, true);
    t.equal(wasm.count, js.count);
    t.same(wasm.lines, js.lines, `${js.lines.length} candidate lines`);
  }
});

t.test('random bytes and syntax soup: CR, ESC, NUL, BOMs, overlong lines, long lines', async (t) => {
  const unit = fc.constantFrom('a', 'x', '_', ':', '=', '{', '}', '[', ']', '"', '\\', ',', ' ', '\t', '1', '.', 'e', '-', '+', 'N', 'I', 'n', 'f', '#', 'T', 'Y', 'P', 'E', 'H', 'L', 'v', 'l', 'u', '\r', '\n', '\n', '\n', '\u0000', '\u001b', 'é', '\uFEFF', '"value"', '"name"', '{"name":', '{"ts":', '{ "level" :', '[{', '[ {"labels":', ',"value":1', 'x=1', '# TYPE ');
  let runs = 0;
  fc.assert(
    fc.property(fc.string({ unit, minLength: 0, maxLength: 3000 }), fc.uint8Array({ maxLength: 600 }), fc.integer({ min: 1, max: 300 }), fc.constantFrom(...OPTION_SETS), (soup, bytes, maxLine, opts) => {
      runs++;
      const input = Buffer.concat([Buffer.from(soup), Buffer.from(bytes), Buffer.from(soup.slice(0, 700))]);
      // Chunks that cut lines; a small --max-line-bytes makes overlong lines.
      const js = split(input, 1000, false, opts, maxLine);
      const wasm = split(input, 1000, true, opts, maxLine);
      return wasm.count === js.count && wasm.overlong === js.overlong && JSON.stringify(wasm.lines) === JSON.stringify(js.lines);
    }),
    { seed: 20_251_125, numRuns: 400 },
  );
  t.pass(`${runs} inputs agreed`);
});

t.test('a line longer than the scanner window, a full candidate list, lines over --max-line-bytes', async (t) => {
  const long = `${'y'.repeat(200_000)} x=1\n`;
  const many = 'a=1\n'.repeat(20_000); // more candidates than the scanner returns at once
  const input = Buffer.from(`${many}${long}b=2\n${'z'.repeat(5000)}=3\n${many}`);
  for (const maxLine of [1 << 20, 4000]) {
    const js = split(input, 1 << 20, false, ALL, maxLine);
    const wasm = split(input, 1 << 20, true, ALL, maxLine);
    t.equal(wasm.count, js.count, `max ${maxLine}: ${js.count} lines`);
    t.equal(wasm.overlong, js.overlong, `${js.overlong} overlong`);
    t.same(wasm.lines, js.lines);
  }
});

t.test('the checked-in module is what scripts/build-wasm.sh makes of line-scan.c', async (t) => {
  const tools = ['clang', 'wasm-ld'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (tools.length > 0) {
    // .ci/run installs them; a developer machine may not have them.
    t.skip(`not checked: ${tools.join(' and ')} not installed (apt-get install clang lld)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'jmp-wasm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'line-scan-wasm.ts');
  const r = spawnSync('sh', [join(ROOT, 'scripts', 'build-wasm.sh'), out], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.equal(readFileSync(out, 'utf8'), readFileSync(join(ROOT, 'lib', 'scan', 'line-scan-wasm.ts'), 'utf8'), 'rebuilt byte for byte: run scripts/build-wasm.sh after changing line-scan.c');
});
