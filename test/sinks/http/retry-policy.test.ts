// Tables for the pure retry rules: which statuses and errors are retried, backoff bounds, Retry-After.

import t from 'tap';
import {
  backoffMs,
  isRetryableError,
  isRetryableStatus,
  parseRetryAfter,
} from '../../../lib/sinks/http/retry-policy.js';

t.test('retryable statuses: 408, 429, 5xx; nothing else', async (t) => {
  const table: Array<[number, boolean]> = [
    [200, false],
    [202, false],
    [204, false],
    [301, false],
    [307, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [407, false],
    [409, false],
    [413, false],
    [422, false],
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [599, true],
  ];
  for (const [status, want] of table) t.equal(isRetryableStatus(status), want, String(status));
});

t.test('retryable errors: network trouble yes, bad certificates and bad arguments no', async (t) => {
  const err = (code: string): Error => Object.assign(new Error(code), { code });
  const table: Array<[unknown, boolean]> = [
    [err('ECONNREFUSED'), true],
    [err('ECONNRESET'), true],
    [err('EPIPE'), true],
    [err('ETIMEDOUT'), true],
    [err('ENOTFOUND'), true],
    [err('EAI_AGAIN'), true],
    [err('UND_ERR_SOCKET'), true],
    [err('UND_ERR_CONNECT_TIMEOUT'), true],
    [err('UND_ERR_HEADERS_TIMEOUT'), true],
    [new Error('no code'), true],
    [err('DEPTH_ZERO_SELF_SIGNED_CERT'), false],
    [err('SELF_SIGNED_CERT_IN_CHAIN'), false],
    [err('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), false],
    [err('CERT_HAS_EXPIRED'), false],
    [err('ERR_TLS_CERT_ALTNAME_INVALID'), false],
    [err('UND_ERR_INVALID_ARG'), false],
  ];
  for (const [e, want] of table) t.equal(isRetryableError(e), want, (e as Error).message);
});

t.test('full jitter: the wait is within [0, min(max, base·2^(n−1))]', async (t) => {
  const opts = { baseMs: 500, maxMs: 10_000 };
  const ceilings = [500, 1000, 2000, 4000, 8000, 10_000, 10_000];
  ceilings.forEach((ceiling, i) => {
    const retry = i + 1;
    t.equal(
      backoffMs(retry, opts, () => 0),
      0,
      `retry ${retry}, random 0`,
    );
    t.equal(
      backoffMs(retry, opts, () => 0.5),
      ceiling / 2,
      `retry ${retry}, random 0.5`,
    );
    t.equal(
      backoffMs(retry, opts, () => 0.999999),
      ceiling - 1,
      `retry ${retry}, random → 1`,
    );
  });
  // With the real Math.random: never outside the bounds.
  for (let i = 0; i < 1000; i++) {
    const w = backoffMs(3, opts);
    if (w < 0 || w >= 2000) t.fail(`backoff ${w} outside [0, 2000)`);
  }
});

t.test('Retry-After: delta-seconds, HTTP-date, past dates, garbage', async (t) => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
  const table: Array<[string | string[] | undefined, number | undefined]> = [
    ['0', 0],
    ['1', 1000],
    [' 120 ', 120_000],
    [['5', '9'], 5000],
    ['Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
    // RFC 850 and asctime forms are still HTTP-dates (RFC 9110 §5.6.7).
    ['Wednesday, 21-Oct-15 07:28:10 GMT', 10_000],
    ['Wed Oct 21 07:28:05 2015', 5000],
    ['Wed, 21 Oct 2015 07:27:00 GMT', 0],
    [undefined, undefined],
    ['', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
  ];
  for (const [value, want] of table) t.equal(parseRetryAfter(value, now), want, JSON.stringify(value));
});
