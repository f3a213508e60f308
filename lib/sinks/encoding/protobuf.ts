// protobufjs's minimal build (Writer, Reader), loaded on first use: dist/main.cjs keeps the
// dependencies outside the bundle, so a static import would load it at every start, in runs
// that send no protobuf at all.

import type Protobuf from 'protobufjs/minimal.js';

export type ProtobufMinimal = typeof Protobuf;

let loaded: ProtobufMinimal | undefined;

export async function loadProtobuf(): Promise<ProtobufMinimal> {
  loaded ??= (await import('protobufjs/minimal.js')).default;
  return loaded;
}
