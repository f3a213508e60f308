// The few WebAssembly globals lib/scan/wasm-scanner.ts uses. TypeScript declares them in its DOM
// library only, which a Node program does not load; Node has them all (V8's).

declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, never>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
}
