// google.rpc.Status (googleapis google/rpc/status.proto: int32 code = 1; string message = 2),
// the body OTLP/HTTP receivers answer a refusal with in protobuf. Pure.

import { loadProtobuf } from '../encoding/protobuf.js';

export interface RpcStatus {
  code: number;
  message: string;
}

/** Undefined when the bytes are not such a message. */
export async function decodeRpcStatus(body: Uint8Array): Promise<RpcStatus | undefined> {
  const { Reader } = await loadProtobuf();
  try {
    const r = Reader.create(body);
    const out: RpcStatus = { code: 0, message: '' };
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t === 0x08) out.code = r.int32();
      else if (t === 0x12) out.message = r.string();
      else r.skipType(t & 7);
    }
    return out;
  } catch {
    return undefined;
  }
}
