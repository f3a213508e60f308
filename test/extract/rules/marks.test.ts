// Document marks: which marks a whole input shows (a JSONPath that selects something, an XML root).

import t from 'tap';
import { documentMarksSeen, xmlRoot } from '../../../lib/extract/rules/marks.js';
import type { Mark } from '../../../lib/extract/rules/model.js';

const MARKS: Mark[] = [
  { kind: 'json', path: '$.numTotalTests' },
  { kind: 'json', path: '$.results[*].Target' },
  { kind: 'xml', root: 'testsuites' },
  { kind: 'xml', root: 'checkstyle' },
];

t.test('a JSON document: the marks whose path selects something', async (t) => {
  const jest = JSON.stringify({ numTotalTests: 3, success: true });
  t.same([...(await documentMarksSeen(jest, MARKS))], [0]);
  const trivy = JSON.stringify({ results: [{ Target: 'alpine' }] });
  t.same([...(await documentMarksSeen(trivy, MARKS))], [1]);
  t.same([...(await documentMarksSeen(JSON.stringify({ results: [] }), MARKS))], [], 'an empty array selects nothing');
});

t.test('JSON after log lines, and JSON lines', async (t) => {
  const text = `npm test\n> jest --json\n${JSON.stringify({ numTotalTests: 1 }, null, 2)}\n`;
  t.same([...(await documentMarksSeen(text, MARKS))], [0]);
  const lines = `${JSON.stringify({ numTotalTests: 1 })}\n${JSON.stringify({ other: 2 })}\n`;
  t.ok((await documentMarksSeen(lines, MARKS)).has(0));
});

t.test('an XML document: the mark naming its root', async (t) => {
  const junit = '<?xml version="1.0"?>\n<testsuites tests="2"><testsuite name="a"/></testsuites>\n';
  t.same([...(await documentMarksSeen(junit, MARKS))], [2]);
  t.equal(await xmlRoot('build output\n<checkstyle version="8"><file/></checkstyle>'), 'checkstyle');
  t.equal(await xmlRoot('no xml here'), undefined);
});

t.test('neither: no mark; no marks asked: nothing parsed', async (t) => {
  t.same([...(await documentMarksSeen('plain log\nrps=3\n', MARKS))], []);
  t.same([...(await documentMarksSeen('{"numTotalTests":1}', []))], []);
});
