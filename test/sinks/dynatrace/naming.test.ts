// Dynatrace key and dimension normalization against the golden vectors of the official
// dynatrace-metric-utils libraries (github.com/dynatrace-oss/dynatrace-metric-utils-go normalize/*_test.go @81600d98), plus the length vectors.

import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  metricKeyProblem,
  normalizeDimensionKey,
  normalizeDimensionValue,
  normalizeMetricKey,
  truncateUtf8,
  utf8Length,
} from '../../../lib/sinks/dynatrace/naming.js';

type Vector = [string, string | null];
interface Vectors {
  metricKey: Vector[];
  dimensionKey: Vector[];
  dimensionValue: Vector[];
}
/** A test name TAP cannot mistake for a line break (U+0085 and U+2028 are line ends to it). */
const show = (s: string): string =>
  JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const vectors = JSON.parse(
  readFileSync(new URL('../../fixtures/dynatrace-normalize-vectors.json', import.meta.url), 'utf8'),
) as Vectors;

t.test('the fixture holds every vector of the reference', async (t) => {
  t.equal(vectors.metricKey.length, 30);
  t.equal(vectors.dimensionKey.length, 23);
  t.equal(vectors.dimensionValue.length, 17);
});

t.test('metric key golden vectors', async (t) => {
  for (const [input, want] of vectors.metricKey) t.equal(normalizeMetricKey(input), want, show(input));
});

t.test('dimension key golden vectors', async (t) => {
  for (const [input, want] of vectors.dimensionKey) t.equal(normalizeDimensionKey(input), want, show(input));
});

t.test('dimension value golden vectors (normalized and escaped)', async (t) => {
  for (const [input, want] of vectors.dimensionValue) t.equal(normalizeDimensionValue(input), want, show(input));
});

t.test('length vectors', async (t) => {
  t.equal(normalizeMetricKey('a'.repeat(270)), 'a'.repeat(250));
  t.equal(normalizeDimensionKey('a'.repeat(120)), 'a'.repeat(100));
  t.equal(normalizeDimensionValue('a'.repeat(270)), 'a'.repeat(250));
  t.equal(normalizeDimensionValue('='.repeat(250)), '\\='.repeat(125));
  t.equal(normalizeDimensionValue('='.repeat(270)), '\\='.repeat(125));
  t.equal(normalizeDimensionValue(`${'a'.repeat(249)}=`), 'a'.repeat(249), 'an escape is never split');
  t.equal(normalizeDimensionValue(`${'a'.repeat(248)}==`), `${'a'.repeat(248)}\\=`);
  t.equal(normalizeDimensionValue('\\'.repeat(270)), '\\\\'.repeat(125));
});

t.test('dimension values: every escaping case', async (t) => {
  const table: Array<[string, string]> = [
    ['plain', 'plain'],
    ['with space', 'with\\ space'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['say "hi"', 'say\\ \\"hi\\"'],
    ['C:\\path', 'C:\\\\path'],
    ['/var/log/x', '/var/log/x'],
    ["it's", "it's"],
    ['line1\nline2', 'line1_line2'],
    ['cr\r\nlf', 'cr_lf'],
    ['tab\there', 'tab_here'],
    ['del\u007fc1\u0085', 'del_c1_'],
    ['sep\u2028par\u2029', 'sep_par_'],
    ['🚀 launch', '🚀\\ launch'],
    // A zero-width-joiner emoji sequence stays whole (the ZWJ is a format character, kept).
    ['👩‍💻', '👩‍💻'],
    ['lone \ud800 surrogate', 'lone\\ _\\ surrogate'],
    ['ünïcödé', 'ünïcödé'],
  ];
  for (const [input, want] of table) t.equal(normalizeDimensionValue(input), want, show(input));
});

t.test('dimension values are capped at 250 UTF-8 bytes without splitting a character', async (t) => {
  const emoji = '😀'.repeat(100); // 400 bytes
  const out = normalizeDimensionValue(emoji);
  t.equal(out, '😀'.repeat(62), '62 × 4 bytes = 248');
  t.ok(utf8Length(out) <= 250);
  // An escaped value near the cap whose cut lands inside an emoji.
  const mixed = `${'a'.repeat(247)}😀`;
  t.equal(normalizeDimensionValue(mixed), 'a'.repeat(247));
  t.equal(truncateUtf8('aé😀', 3), 'aé');
  t.equal(truncateUtf8('aé😀', 7), 'aé😀');
  t.equal(truncateUtf8('aé😀', 6), 'aé');
});

t.test('dimension keys from toLowerCase growth stay within 100', async (t) => {
  const out = normalizeDimensionKey('İ'.repeat(100));
  t.ok(out !== null && out.length <= 100, String(out?.length));
  t.notOk(out?.endsWith('.'));
});

t.test('metricKeyProblem: what normalization cannot fix', async (t) => {
  t.equal(metricKeyProblem('keptn_k6_rps'), null);
  t.equal(metricKeyProblem('a.b_c'), null);
  t.match(metricKeyProblem('ab'), /shorter than 3/);
  t.match(metricKeyProblem('dt.something'), /reserved prefix/);
  t.match(metricKeyProblem('system.load.average.1m'), /starting with a digit/);
  t.equal(metricKeyProblem('dtx.ok'), null);
});

t.test('normalization is idempotent on its own output', async (t) => {
  for (const [input] of vectors.metricKey) {
    const once = normalizeMetricKey(input);
    if (once !== null) t.equal(normalizeMetricKey(once), once, show(input));
  }
  for (const [input] of vectors.dimensionKey) {
    const once = normalizeDimensionKey(input);
    if (once !== null) t.equal(normalizeDimensionKey(once), once, show(input));
  }
});
