// DocumentCollector: the whole input for --json-path, kept up to a limit.

import t from 'tap';
import { DOCUMENT_LIMIT, DocumentCollector } from '../../lib/input/document.js';

t.test('chunks are joined into the text; a character split across chunks is whole', async (t) => {
  const doc = new DocumentCollector();
  t.equal(doc.limit, DOCUMENT_LIMIT);
  const euro = Buffer.from('{"cost":"1 €"}');
  doc.add(euro.subarray(0, 11));
  doc.add(euro.subarray(11));
  t.equal(doc.text(), '{"cost":"1 €"}');
  t.equal(doc.overflow, false);
});

t.test('each chunk is copied: a reused buffer does not change what was kept', async (t) => {
  const doc = new DocumentCollector();
  const buf = Buffer.from('abc');
  doc.add(buf);
  buf.write('xyz');
  doc.add(buf);
  t.equal(doc.text(), 'abcxyz');
});

t.test("an owned chunk (the early queue's own copy) is kept as it is, not copied again", async (t) => {
  const doc = new DocumentCollector();
  const owned = Buffer.from('abc');
  doc.add(owned, true);
  owned.write('xyz'); // only to show it was not copied: an owned chunk is never changed
  t.equal(doc.text(), 'xyz');
});

t.test('up to the limit is kept; past it nothing is, and nothing more is taken', async (t) => {
  const exact = new DocumentCollector(4);
  exact.add(Buffer.from('ab'));
  exact.add(Buffer.from('cd'));
  t.equal(exact.overflow, false);
  t.equal(exact.text(), 'abcd');
  const over = new DocumentCollector(4);
  over.add(Buffer.from('abc'));
  over.add(Buffer.from('de'));
  t.equal(over.overflow, true);
  t.equal(over.text(), '');
  over.add(Buffer.from('f'));
  t.equal(over.text(), '', 'a later small chunk is not taken either');
});

t.test(
  'a chunk that fills its buffer is kept itself (true: the input reads into a new one); a small one copied',
  async (t) => {
    const doc = new DocumentCollector(1024);
    const whole = Buffer.allocUnsafeSlow(4);
    whole.write('{"a"');
    t.equal(doc.add(whole), true, 'kept: not to be refilled');
    const big = Buffer.allocUnsafeSlow(64 * 1024);
    big.write(':1}');
    t.equal(doc.add(big.subarray(0, 3)), false, 'three bytes of 64 KiB: copied');
    big.write('xxx'); // refilled
    t.equal(doc.add(Buffer.from('\n'), true), false, 'owned: kept as it is, nothing asked of the input');
    t.equal(doc.text(), '{"a":1}\n');
    t.equal(doc.add(Buffer.allocUnsafeSlow(2048)), false, 'over the limit: not kept');
  },
);
