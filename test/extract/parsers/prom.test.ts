import t from 'tap';
import { MAX_DECLARED_NAMES, parseProm } from '../../../lib/extract/parsers/prom.js';
import { newParseState, type ParseState } from '../../../lib/extract/parsers/sample.js';
import { promCases } from './parse-cases.js';
import { label, outcomeMismatch } from './parse-assert.js';

function stateWith(declared: Record<string, 'gauge' | 'counter' | 'untyped'> = {}): ParseState {
  const state = newParseState();
  for (const [name, type] of Object.entries(declared)) state.promTypes.set(name, type);
  return state;
}

t.test('prom table', async (t) => {
  for (const c of promCases) {
    const errors = outcomeMismatch(parseProm(c.line, stateWith(c.declared)), c.expect);
    t.same(errors, [], `${label(c.line)}${c.note ? ` (${c.note})` : ''}`);
  }
});

t.test('# TYPE and # HELP declare names for the lines that follow', async (t) => {
  const state = newParseState();
  const run = (line: string) => parseProm(line, state);
  t.equal(run('requests 5'), null, 'undeclared, no _ or : → prose');
  t.same(run('# TYPE requests counter'), { samples: [] });
  t.same(run('requests 5'), { samples: [{ name: 'requests', value: 5, labels: {}, type: 'counter' }] });
  t.same(run('# HELP temp Temperature'), { samples: [] });
  t.equal(state.promTypes.get('temp'), 'untyped', 'HELP declares the name');
  t.same(run('temp 21'), { samples: [{ name: 'temp', value: 21, labels: {}, type: 'untyped' }] });
  t.same(run('# TYPE temp gauge'), { samples: [] });
  t.equal(state.promTypes.get('temp'), 'gauge', 'TYPE after HELP sets the type');
  run('# HELP temp again');
  t.equal(state.promTypes.get('temp'), 'gauge', 'HELP after TYPE keeps the type');
  run('# TYPE lat histogram');
  t.same(run('lat_bucket{le="0.1"} 3'), {
    samples: [{ name: 'lat_bucket', value: 3, labels: { le: '0.1' }, type: 'untyped' }],
  });
  t.same(run('lat 3'), { samples: [{ name: 'lat', value: 3, labels: {}, type: 'untyped' }] }, 'histogram → untyped');
  run('# TYPE rps summary');
  t.same(run('rps{quantile="0.5"} 7'), {
    samples: [{ name: 'rps', value: 7, labels: { quantile: '0.5' }, type: 'untyped' }],
  });
  t.equal(run('# TYPE bad bogus'), null);
  t.notOk(state.promTypes.has('bad'), 'an invalid TYPE declares nothing');
});

t.test('declarations are bounded', async (t) => {
  const state = newParseState();
  for (let i = 0; i < MAX_DECLARED_NAMES + 50; i++) parseProm(`# HELP n${i} x`, state);
  t.equal(state.promTypes.size, MAX_DECLARED_NAMES);
  parseProm('# TYPE n0 counter', state);
  t.equal(state.promTypes.get('n0'), 'counter', 'a known name can still change type');
});

t.test('long lines are answered', async (t) => {
  const big = 'x'.repeat(1 << 20);
  t.equal(parseProm(`a_b{l="${big}`, newParseState()), null, 'unterminated label value');
  t.same(parseProm(`a_b{l="${big}"} 1`, newParseState())?.samples[0]?.labels['l']?.length, 1 << 20);
  t.equal(parseProm(`a_b ${'1'.repeat(1 << 20)}x`, newParseState()), null);
  t.equal(parseProm(`a_b{${'a="b",'.repeat(50_000)}} 1`, newParseState())?.problem?.includes('duplicate label'), true);
});
