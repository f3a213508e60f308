// The default parsers' table: the names --parsers takes, each with its parser, gate and first bytes.

import t from 'tap';
import { DEFAULT_PARSERS, PARSER_NAMES } from '../../../lib/extract/parsers/default-parsers.js';
import { newParseState } from '../../../lib/extract/parsers/sample.js';

const LINES = { kv: 'rps=12', json: '{"name":"rps","value":12}', prom: 'rps{env="ci"} 12' } as const;

t.test('kv, json and prom, in that order, one entry each', async (t) => {
  t.same(PARSER_NAMES, ['kv', 'json', 'prom']);
  t.same(Object.keys(DEFAULT_PARSERS).sort(), [...PARSER_NAMES].sort());
});

t.test('each takes its own kind of line, which its gate and first bytes let through', async (t) => {
  for (const name of PARSER_NAMES) {
    const parser = DEFAULT_PARSERS[name];
    const line = LINES[name];
    const bytes = Buffer.from(line);
    t.equal(parser.firstBytes.length, 256, `${name}: 256 flags`);
    t.equal(parser.firstBytes[bytes[0]!], 1, `${name}: first byte`);
    t.equal(parser.gate()(bytes, 0, bytes.length), true, `${name}: gate`);
    t.match(parser.parse(line, newParseState()), { samples: [{ name: 'rps', value: 12 }] }, name);
  }
});
