// Node hands every read from a pipe over as a fresh 64 KiB buffer outside the JS heap. V8 frees
// those only when a young-generation collection finds their small JS wrappers dead, and a pipe
// filter allocates too little else to trigger one: about 64 MiB of spent buffers pile up before
// V8's external-memory limit forces a collection. Every new buffer is then fresh memory the
// kernel must fault in. A minor (young-generation) collection every few MiB of input keeps the
// spent buffers few and the memory warm: measured on 1 GiB through stdin.pipe(stdout), peak RSS
// 82 → 58 MiB and wall time 2.6 → 1.3 s (docs/decisions/stdin-relay.md). A minor collection of a heap this
// small costs well under a millisecond.

type MinorGc = (options: { type: 'minor'; execution: 'sync' }) => void;

export const RECLAIM_EVERY_BYTES = 8 * 1024 * 1024;

/** Returns a counter to call with each chunk's size; it collects every `everyBytes`. */
export function bufferReclaimer(everyBytes = RECLAIM_EVERY_BYTES): (bytes: number) => void {
  let gc: MinorGc | null | undefined;
  let since = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since = 0;
    // Set up on first use: small inputs never pay for it.
    if (gc === undefined) gc = exposeGc();
    gc?.({ type: 'minor', execution: 'sync' });
  };
}

/** V8's gc(), reachable only in a fresh context created while --expose-gc is on; null if refused. */
function exposeGc(): MinorGc | null {
  // node:v8 and node:vm are loaded here, on first use, not at every start.
  const { setFlagsFromString } = process.getBuiltinModule('node:v8');
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = process.getBuiltinModule('node:vm').runInNewContext('gc');
    return typeof gc === 'function' ? (gc as MinorGc) : null;
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
