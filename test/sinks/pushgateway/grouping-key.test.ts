// The grouping-key path: plain segments where the Pushgateway takes them as they are,
// `@base64` (base64url, no padding) for everything else, and refusals before any request.
// Expected encodings are what a real Pushgateway was seen to decode (its README, "URL"; the
// `@base64` suffix, RFC 4648 §5 base64url) or Python's base64.urlsafe_b64encode, not this code's output.

import t from 'tap';
import fc from 'fast-check';
import { groupingPath } from '../../../lib/sinks/pushgateway/sink.js';
import { GroupingKeyError, groupingLabels } from '../../../lib/sinks/pushgateway/grouping-key.js';

const base = { job: 'job-executor-service', integration: 'k6', keptn: {}, grouping: [] as Array<[string, string]> };

t.test('the full key: job, integration, the Keptn labels that are set, --grouping in order', async (t) => {
  t.equal(groupingPath(base), '/metrics/job/job-executor-service/integration/k6');
  t.equal(
    groupingPath({ ...base, keptn: { project: 'sockshop', stage: 'dev', service: 'carts' } }),
    '/metrics/job/job-executor-service/integration/k6/keptn_project/sockshop/keptn_stage/dev/keptn_service/carts',
  );
  t.equal(
    groupingPath({ ...base, keptn: { stage: 'dev' } }),
    '/metrics/job/job-executor-service/integration/k6/keptn_stage/dev',
    'unset parts are left out',
  );
  t.equal(
    groupingPath({
      ...base,
      keptn: { project: 'p' },
      grouping: [
        ['branch', 'main'],
        ['env', 'ci'],
      ],
    }),
    '/metrics/job/job-executor-service/integration/k6/keptn_project/p/branch/main/env/ci',
  );
});

t.test('values: plain or @base64 (base64url, no padding)', async (t) => {
  const table: Array<[string, string]> = [
    ['dev', 'keptn_stage/dev'],
    ['a.b_c~d-e', 'keptn_stage/a.b_c~d-e'],
    ['a/b', 'keptn_stage@base64/YS9i'],
    ['dev/eu-1', 'keptn_stage@base64/ZGV2L2V1LTE'],
    ['a b', 'keptn_stage@base64/YSBi'],
    ['a+b', 'keptn_stage@base64/YSti'],
    ['ü?>', 'keptn_stage@base64/w7w_Pg'],
    ['prod 🚀', 'keptn_stage@base64/cHJvZCDwn5qA'],
    ['100%', 'keptn_stage@base64/MTAwJQ'],
    ['a%2Fb', 'keptn_stage@base64/YSUyRmI'],
    ['', 'keptn_stage@base64/='],
    // URLs resolve `.` and `..` segments away: they must not go plain.
    ['.', 'keptn_stage@base64/Lg'],
    ['..', 'keptn_stage@base64/Li4'],
  ];
  for (const [value, want] of table) {
    t.equal(
      groupingPath({ ...base, keptn: { stage: value } }),
      `/metrics/job/job-executor-service/integration/k6/${want}`,
      JSON.stringify(value),
    );
  }
  t.equal(groupingPath({ ...base, job: '/var/tmp' }), '/metrics/job@base64/L3Zhci90bXA/integration/k6', 'the job too');
  t.equal(
    groupingPath({ ...base, integration: 'k6 load' }),
    '/metrics/job/job-executor-service/integration@base64/azYgbG9hZA',
  );
});

t.test('refused before any request', async (t) => {
  const bad: Array<[string, Parameters<typeof groupingPath>[0], RegExp]> = [
    ['empty job', { ...base, job: '' }, /job.*must not be empty/],
    ['invalid --grouping name', { ...base, grouping: [['bad-name', 'x']] }, /bad-name/],
    ['leading digit', { ...base, grouping: [['1a', 'x']] }, /1a/],
    ['reserved __ prefix', { ...base, grouping: [['__x', 'x']] }, /__x/],
    ['job again', { ...base, grouping: [['job', 'x']] }, /already in the grouping key/],
    [
      'a Keptn label again',
      { ...base, keptn: { stage: 'dev' }, grouping: [['keptn_stage', 'prod']] },
      /already in the grouping key/,
    ],
    [
      'twice the same',
      {
        ...base,
        grouping: [
          ['a', '1'],
          ['a', '2'],
        ],
      },
      /already in the grouping key/,
    ],
  ];
  for (const [what, ctx, message] of bad)
    t.throws(() => groupingPath(ctx), { name: 'GroupingKeyError', message }, what);
  t.ok(new GroupingKeyError('x') instanceof Error);
});

t.test('groupingLabels are the decoded key the gateway will store', async (t) => {
  t.same(groupingLabels({ ...base, keptn: { project: 'p', service: 's' }, grouping: [['b', 'x/y']] }), [
    ['job', 'job-executor-service'],
    ['integration', 'k6'],
    ['keptn_project', 'p'],
    ['keptn_service', 's'],
    ['b', 'x/y'],
  ]);
});

t.test('property: any value gives an even number of URL-safe segments that decode back to it', async (t) => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (value) => {
      const path = groupingPath({ ...base, keptn: { stage: value } });
      if (!/^[A-Za-z0-9_.~=@/-]+$/.test(path)) return false;
      const parts = path.split('/').slice(2); // drop '' and 'metrics'
      if (parts.length % 2 !== 0) return false;
      const name = parts[parts.length - 2] as string;
      const encoded = parts[parts.length - 1] as string;
      if (name === 'keptn_stage') return encoded === value && encoded !== '.' && encoded !== '..';
      if (name !== 'keptn_stage@base64') return false;
      const decoded = encoded === '=' ? '' : Buffer.from(encoded, 'base64url').toString('utf8');
      return decoded === value && !encoded.includes('=') === (value !== '');
    }),
    { numRuns: 500 },
  );
  t.pass('500 random values round-trip');
});
