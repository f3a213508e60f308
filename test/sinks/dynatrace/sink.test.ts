// Reading the ingest API's answers: the real bodies quoted in the reference (§2.2), the
// OneAgent form, both warning shapes, and bodies that are not JSON at all.

import t from 'tap';
import { describeLine, parseIngestAnswer } from '../../../lib/sinks/dynatrace/sink.js';

t.test('documented and observed bodies', async (t) => {
  t.same(parseIngestAnswer('{"linesOk":7,"linesInvalid":0,"error":null}'), {
    linesOk: 7,
    linesInvalid: 0,
    invalidLines: [],
    warnings: [],
  });
  t.same(parseIngestAnswer('{"linesOk":1,"linesInvalid":0,"error":null,"warnings":null}'), {
    linesOk: 1,
    linesInvalid: 0,
    invalidLines: [],
    warnings: [],
  });
  t.same(
    parseIngestAnswer('{"error":null,"linesValid":1,"linesInvalid":0}'),
    { linesOk: 1, linesInvalid: 0, invalidLines: [], warnings: [] },
    'OneAgent',
  );
  t.same(
    parseIngestAnswer(
      '{"linesOk":0,"linesInvalid":1,"error":{"code":400,"message":"1 invalid lines","invalidLines":[{"line":1,"error":"invalid metric key"}]},"warnings":null}',
    ),
    {
      linesOk: 0,
      linesInvalid: 1,
      message: '1 invalid lines',
      invalidLines: [{ line: 1, error: 'invalid metric key' }],
      warnings: [],
    },
  );
  t.same(
    parseIngestAnswer(
      '{"linesOk":1,"linesInvalid":1,"error":{"code":400,"message":"1 invalid lines","invalidLines":[{"line":2,"error":"x"}]},"warnings":{"message":"m","changedMetricKeys":[{"line":1,"warning":"metric key \'a\' changed to \'a.count\'"}]}}',
    ).warnings,
    ["line 1: metric key 'a' changed to 'a.count'"],
  );
  t.same(
    parseIngestAnswer(
      '{"linesOk":22,"linesInvalid":0,"error":null,"warnings":{"message":"First 22 warnings reported","warningLines":[{"line":3,"warning":"w"}]}}',
    ).warnings,
    ['line 3: w'],
  );
  t.same(parseIngestAnswer('{"error":{"code":401,"message":"Token Authentication failed"}}'), {
    message: 'Token Authentication failed',
    invalidLines: [],
    warnings: [],
  });
});

t.test('anything else gives an empty answer, never a throw', async (t) => {
  for (const body of [
    '',
    'not json',
    '<html>502 Bad Gateway</html>',
    'null',
    '[1,2]',
    '42',
    '{"linesOk":"7"}',
    '{"error":{"invalidLines":[{"line":"x"}]}}',
  ]) {
    t.same(parseIngestAnswer(body), { invalidLines: [], warnings: [] }, body);
  }
});

t.test('describeLine names a series with its labels', async (t) => {
  t.equal(describeLine({ name: 'keptn_k6_rps', labels: {} }), 'keptn_k6_rps');
  t.equal(
    describeLine({ name: 'keptn_k6_rps', labels: { region: 'eu "west"' } }),
    'keptn_k6_rps{region="eu \\"west\\""}',
  );
});
