// loadProtobuf: protobufjs's minimal build, loaded once on first use, with a Writer and Reader that round-trip.

import t from 'tap';
import { loadProtobuf } from '../../../lib/sinks/encoding/protobuf.js';

t.test('one module, loaded once; its Writer and Reader round-trip a field', async (t) => {
  const pb = await loadProtobuf();
  t.equal(await loadProtobuf(), pb, 'the same object on the second call');
  const bytes = pb.Writer.create()
    .uint32((1 << 3) | 2)
    .string('rps')
    .uint32((2 << 3) | 1)
    .double(12.5)
    .finish();
  const r = pb.Reader.create(bytes);
  t.equal(r.uint32(), (1 << 3) | 2);
  t.equal(r.string(), 'rps');
  t.equal(r.uint32(), (2 << 3) | 1);
  t.equal(r.double(), 12.5);
  t.equal(r.pos, bytes.length);
});
