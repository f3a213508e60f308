// findJsonDocumentsNear (lib/extract/rules/documents.ts): --preset auto's JSON marks read the JSON
// lines near the input's start and end only; a whole document is found whole, as findJsonDocuments finds it.
import t from 'tap';
import { findJsonDocuments, findJsonDocumentsNear } from '../../../lib/extract/rules/documents.js';

const jsonLine = (i: number): string => JSON.stringify({ i, msg: 'x'.repeat(40) });

t.test('JSON lines: only those starting in the first head or the last tail characters', (t) => {
  const lines = ['a plain banner'];
  for (let i = 0; i < 2000; i++) lines.push(i % 3 === 0 ? `plain ${i}` : jsonLine(i));
  const text = lines.join('\n') + '\n';
  const full = findJsonDocuments(text);
  t.equal(full.lines, true);
  const near = findJsonDocumentsNear(text, 1000, 1000);
  t.equal(near.lines, true);
  const ids = near.documents.map((d) => (d as { i: number }).i);
  t.ok(ids.length > 0 && ids.length < full.documents.length / 10, `${ids.length} of ${full.documents.length}`);
  // Exactly the lines that start in [0, 1000) or at or after text.length - 1000.
  let at = 0;
  const want: number[] = [];
  for (const l of lines) {
    if (l.startsWith('{') && (at < 1000 || at >= text.length - 1000)) want.push((JSON.parse(l) as { i: number }).i);
    at += l.length + 1;
  }
  t.same(ids, want);
  t.ok(ids.includes(1) && ids.includes(1999), 'the first and the last JSON line');
  t.end();
});

t.test('a short input, a whole document, concatenated documents: as findJsonDocuments', (t) => {
  const short = `${jsonLine(1)}\n${jsonLine(2)}\n`;
  t.same(findJsonDocumentsNear(short, 1000, 1000), findJsonDocuments(short));
  const whole = JSON.stringify({ tests: Array.from({ length: 500 }, (_, i) => ({ i })) }, null, 2);
  t.ok(whole.length > 4000);
  t.same(findJsonDocumentsNear(whole, 100, 100), findJsonDocuments(whole));
  const banner = `npm notice\n${whole}\nDone in 3s\n`;
  t.same(findJsonDocumentsNear(banner, 100, 100).documents, [JSON.parse(whole)]);
  const two = `${whole}\n${whole}\n`;
  t.equal(findJsonDocumentsNear(two, 100, 100).documents.length, 2);
  t.end();
});

t.test('JSON lines only in the middle: none near the ends, and findJsonDocuments still finds them all', (t) => {
  const plain = Array.from({ length: 200 }, (_, i) => `plain line ${i}`);
  const text = [...plain, ...Array.from({ length: 50 }, (_, i) => jsonLine(i)), ...plain].join('\n');
  const near = findJsonDocumentsNear(text, 500, 500);
  t.same(near.documents, []);
  t.equal(findJsonDocuments(text).documents.length, 50);
  t.end();
});
