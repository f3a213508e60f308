// The pre-check's one law: a line an enabled parser accepts is never turned away.
// Proved on every line of every parser table and every line of every tool fixture.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parseJson } from '../../../lib/extract/parsers/json.js';
import { parseKv } from '../../../lib/extract/parsers/kv.js';
import { firstCode, mayTake, Precheck, type PrecheckOptions } from '../../../lib/extract/parsers/precheck.js';
import { DEFAULT_PARSERS } from '../../../lib/extract/parsers/default-parsers.js';
import { parseProm } from '../../../lib/extract/parsers/prom.js';
import { newParseState, type LineParser, type ParseState } from '../../../lib/extract/parsers/sample.js';
import { jsonCases, kvCases, plainLogLines, promCases, type LineCase } from './parse-cases.js';
import { label } from './parse-assert.js';

const ALL: PrecheckOptions = { kv: true, json: true, prom: true };
const PARSERS: ReadonlyArray<readonly [keyof PrecheckOptions, LineParser]> = [
  ['kv', parseKv],
  ['json', parseJson],
  ['prom', parseProm],
];

function only(name: keyof PrecheckOptions): PrecheckOptions {
  return { kv: name === 'kv', json: name === 'json', prom: name === 'prom' };
}

/** The line inside a bigger buffer (other lines around it), as the caller hands it over. */
function embedded(line: string, suffix = ''): { buf: Buffer; start: number; end: number } {
  const before = Buffer.from('{"name":"x","value":1}\nlevel=info\n', 'utf8');
  const body = Buffer.from(line + suffix, 'utf8');
  const after = Buffer.from('\n"value" x=1\n', 'utf8');
  return { buf: Buffer.concat([before, body, after]), start: before.length, end: before.length + body.length };
}

function stateFor(c: LineCase): ParseState {
  const state = newParseState();
  for (const [name, type] of Object.entries(c.declared ?? {})) state.promTypes.set(name, type);
  return state;
}

t.test('every table line a parser accepts passes the pre-check', async (t) => {
  const tables: ReadonlyArray<readonly [string, readonly LineCase[]]> = [
    ['kv', kvCases],
    ['json', jsonCases],
    ['prom', promCases],
  ];
  let accepted = 0;
  for (const [tableName, cases] of tables) {
    for (const c of cases) {
      // Every parser sees every table's lines: a prom table line may be a kv line too.
      for (const [name, parse] of PARSERS) {
        if (parse(c.line, stateFor(c)) === null) continue;
        accepted++;
        for (const suffix of ['', '\r']) {
          const { buf, start, end } = embedded(c.line, suffix);
          const where = `${name} accepts ${label(c.line)}${suffix ? ' + CR' : ''} (from the ${tableName} table)`;
          t.ok(new Precheck(only(name)).mayBeMetric(buf, start, end), `${where}: pre-check with only ${name}`);
          t.ok(new Precheck(ALL).mayBeMetric(buf, start, end), `${where}: pre-check with all`);
          const plain = new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length));
          t.ok(new Precheck(ALL).mayBeMetric(plain, start, end), `${where}: on a plain Uint8Array`);
        }
      }
    }
  }
  t.ok(accepted > 100, `the tables hold many accepted lines (${accepted})`);
});

// The extractor offers a decoded line only to the parsers mayTake() allows (lib/extract/extractor.ts):
// the same law on text, for the lines that reach the parsers without the byte gate.
t.test('every table line a parser accepts is offered to it (mayTake on the decoded line)', async (t) => {
  let accepted = 0;
  for (const c of [...kvCases, ...jsonCases, ...promCases]) {
    for (const [name, parse] of PARSERS) {
      if (parse(c.line, stateFor(c)) === null) continue;
      accepted++;
      t.ok(mayTake(DEFAULT_PARSERS[name], firstCode(c.line)), `${name} is offered ${label(c.line)}`);
      t.ok(
        mayTake(DEFAULT_PARSERS[name], firstCode(`\r \t${c.line}`)),
        `${name} is offered ${label(c.line)} after blanks`,
      );
    }
  }
  t.ok(accepted > 100, `the tables hold many accepted lines (${accepted})`);
});

t.test('mayTake turns a parser away only where it can never take the line', async (t) => {
  t.equal(firstCode(' \t\r x'), 0x78);
  t.equal(firstCode(' \t'), -1, 'a blank line has no first character');
  t.notOk(mayTake(DEFAULT_PARSERS.kv, firstCode('2024-05-14T00:00:00Z INFO x=1')), 'kv: a line starting with a digit');
  t.notOk(mayTake(DEFAULT_PARSERS.kv, firstCode('{"name":"x","value":1}')), 'kv: a JSON line');
  t.notOk(mayTake(DEFAULT_PARSERS.json, firstCode('x=1')), 'json: a kv line');
  t.notOk(mayTake(DEFAULT_PARSERS.prom, firstCode('{"name":"x","value":1}')), 'prom: a JSON line');
  t.ok(mayTake(DEFAULT_PARSERS.prom, firstCode('# TYPE x counter')), 'prom: a # line');
  t.notOk(mayTake(DEFAULT_PARSERS.prom, firstCode('')), 'nothing takes an empty line');
  t.ok(mayTake(DEFAULT_PARSERS.kv, firstCode('é=1')), 'a non-ASCII first character is left to the parser');
});

t.test('common log lines are turned away', async (t) => {
  const precheck = new Precheck(ALL);
  for (const line of plainLogLines) {
    const { buf, start, end } = embedded(line);
    t.notOk(precheck.mayBeMetric(buf, start, end), label(line));
  }
  const rejected: readonly string[] = [
    'level=info msg=x',
    'level=Info',
    'x=nano',
    'x=info',
    'x=1 y=2',
    'x=1 ms',
    'ts=2024-01-01T00:00:00Z x',
    'Done nothing',
    'Total +',
    'abc -',
    '# TYPE',
    '# TYPEx',
    '#TYPE x gauge',
    '# HELPx',
    '# HEL x',
    '[1,2,3]',
    '{"msg":"no metric here"}',
    '{"values":[1]}',
    '"value":1',
    '{"level":"info","value":1}',
    '{"ts":"x","name":"a","value":1}',
    '[{"ts":1,"value":2}]',
    '[1,{"name":"x","value":1}]',
    '[]',
    '{}',
    '[ ]',
    '{ "msg" : "x", "value": 1}',
    'x=',
    'x= ',
    '=1',
    '(x)=1',
    'x',
    'éx=1',
  ];
  for (const line of rejected) {
    const { buf, start, end } = embedded(line);
    t.notOk(precheck.mayBeMetric(buf, start, end), `turned away: ${label(line)}`);
  }
});

t.test('JSON lines: the first key decides before the "value" search', async (t) => {
  const letThrough: readonly string[] = [
    '{"labels":{"a":"b"},"name":"x","value":1}',
    '{ "type" : "gauge", "name":"x","value":1}',
    '[ {"value":1,"name":"x"}]',
    '{"timestamp":1,"name":"x","value":1}',
    '{"dimensions":{},"name":"x","value":1}',
    '{"unit":"s","name":"x","value":1}',
    '{"help":"h","name":"x","value":1}',
    '{"description":"d","name":"x","value":1}',
    // an escaped key may spell a metric key: only JSON.parse can tell
    '{"n\\u0061me":"x","value":1}',
    '{"lev\\u0065l":"x","value":1}',
  ];
  for (const line of letThrough) {
    const { buf, start, end } = embedded(line);
    t.ok(new Precheck(ALL).mayBeMetric(buf, start, end), `let through: ${label(line)}`);
  }
  t.ok(parseJson('{"n\\u0061me":"x","value":1}', newParseState()), 'JSON.parse does read the escaped key as name');
});

t.test("a disabled parser's lines are turned away", async (t) => {
  const cases: ReadonlyArray<readonly [string, keyof PrecheckOptions]> = [
    ['x=1', 'kv'],
    ['{"name":"x","value":1}', 'json'],
    ['[{"name":"x","value":1}]', 'json'],
    ['x_y 1', 'prom'],
    ['x{a="b"} 1', 'prom'],
    ['# TYPE x gauge', 'prom'],
    ['# HELP x text', 'prom'],
  ];
  for (const [line, parser] of cases) {
    const { buf, start, end } = embedded(line);
    t.ok(new Precheck(only(parser)).mayBeMetric(buf, start, end), `${label(line)} with ${parser}`);
    t.notOk(new Precheck({ ...ALL, [parser]: false }).mayBeMetric(buf, start, end), `${label(line)} without ${parser}`);
  }
  t.notOk(new Precheck({ kv: false, json: false, prom: false }).mayBeMetric(Buffer.from('x=1'), 0, 3));
});

t.test('bounds: only buf[start, end) counts', async (t) => {
  const precheck = new Precheck(ALL);
  const buf = Buffer.from('xx{"name":"a","value":1}yy');
  t.ok(precheck.mayBeMetric(buf, 2, 24));
  t.notOk(new Precheck(ALL).mayBeMetric(buf, 2, 20), '"value" cut by the end is not seen');
  t.notOk(precheck.mayBeMetric(buf, 0, 0), 'empty');
  t.notOk(precheck.mayBeMetric(buf, 5, 5), 'empty in the middle');
  const kv = Buffer.from('x=1\nx=1a');
  t.ok(new Precheck(ALL).mayBeMetric(kv, 0, 3));
  t.notOk(new Precheck(ALL).mayBeMetric(kv, 4, 8));
  t.ok(new Precheck(ALL).mayBeMetric(kv, 4, 7), 'x=1 of x=1a');
});

t.test('the amortized "value" search gives the same answers as a fresh search per line', async (t) => {
  const lines = [
    '{"level":30,"msg":"a"}',
    '{"name":"a","value":1}',
    '{"level":30,"msg":"b"}',
    '{"level":30,"msg":"c"}',
    '[{"name":"b","value":2}]',
    'plain "value" text',
    '{"level":30,"msg":"d"}',
    '{"name":"c","value":3}',
    '{"level":30,"msg":"e"}',
  ];
  const chunk = Buffer.from(`${lines.join('\n')}\n`);
  const cached = new Precheck(ALL);
  const ranges: Array<[number, number]> = [];
  let at = 0;
  for (const line of lines) {
    const length = Buffer.byteLength(line);
    ranges.push([at, at + length]);
    at += length + 1;
  }
  const fresh = ranges.map(([s, e]) => new Precheck(ALL).mayBeMetric(chunk, s, e));
  t.same(fresh, [false, true, false, false, true, false, false, true, false], 'fresh answers');
  t.same(
    ranges.map(([s, e]) => cached.mayBeMetric(chunk, s, e)),
    fresh,
    'in order',
  );
  t.same(
    [...ranges].reverse().map(([s, e]) => cached.mayBeMetric(chunk, s, e)),
    [...fresh].reverse(),
    'backwards',
  );
  t.same(
    [2, 1, 7, 0, 4].map((i) => cached.mayBeMetric(chunk, ...(ranges[i] as [number, number]))),
    [2, 1, 7, 0, 4].map((i) => fresh[i]),
    'jumping',
  );

  // A scratch buffer refilled from its start needs no forget(): a start at or before the last one searches again.
  const scratch = Buffer.alloc(64, 0x20);
  const reuse = new Precheck(ALL);
  const fill = (text: string) => {
    scratch.fill(0x20);
    scratch.write(text, 0);
    return Buffer.byteLength(text);
  };
  let end = fill('{"level":30}');
  t.notOk(reuse.mayBeMetric(scratch, 0, end));
  end = fill('{"name":"a","value":1}');
  t.ok(reuse.mayBeMetric(scratch, 0, end), 'refilled from 0');
  end = fill('{"level":30}');
  t.notOk(reuse.mayBeMetric(scratch, 0, end), 'and again');
  // Refilled further in: forget() is the documented way.
  scratch.fill(0x20);
  scratch.write('{"name":"a","value":1}', 10);
  reuse.forget();
  t.ok(reuse.mayBeMetric(scratch, 10, 10 + 22), 'after forget()');
});

t.test('NUL bytes, invalid UTF-8 and binary noise do not throw', async (t) => {
  const precheck = new Precheck(ALL);
  const noise = Buffer.from([0x00, 0xff, 0xfe, 0x7b, 0x22, 0x76, 0xc3, 0x28, 0x0d, 0x3d, 0x31, 0x00]);
  for (let s = 0; s <= noise.length; s++) {
    for (let e = s; e <= noise.length; e++) t.doesNotThrow(() => precheck.mayBeMetric(noise, s, e));
  }
  t.notOk(precheck.mayBeMetric(Buffer.from('x\u0000=1'), 0, 4));
});

t.test('every line of every tool fixture: parser accepts ⇒ pre-check accepts', async (t) => {
  const root = fileURLToPath(new URL('../../fixtures/tools/', import.meta.url));
  if (!existsSync(root)) {
    t.comment('test/fixtures/tools/ does not exist: nothing to check');
    return;
  }
  const files = listFiles(root);
  let lines = 0;
  let accepted = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    // One Precheck per file over the file's one buffer: the amortized search is exercised as in a run.
    const prechecks = {
      all: new Precheck(ALL),
      kv: new Precheck(only('kv')),
      json: new Precheck(only('json')),
      prom: new Precheck(only('prom')),
    };
    const state = newParseState();
    let start = 0;
    while (start < bytes.length) {
      let end = bytes.indexOf(0x0a, start);
      if (end < 0) end = bytes.length;
      let text = bytes.toString('utf8', start, end);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      lines++;
      const passesAll = prechecks.all.mayBeMetric(bytes, start, end);
      for (const [name, parse] of PARSERS) {
        const outcome = parse(text, state);
        if (outcome === null) continue;
        accepted++;
        if (!passesAll || !prechecks[name].mayBeMetric(bytes, start, end)) {
          t.fail(
            `${file.slice(root.length)}:${lines}: ${name} accepts ${label(text)} but the pre-check turned it away`,
          );
        }
        break;
      }
      start = end + 1;
    }
  }
  t.pass(`${files.length} files, ${lines} lines, ${accepted} accepted by a parser`);
});

function listFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? listFiles(path) : [path];
    });
}
