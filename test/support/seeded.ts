// Deterministic "random" bytes (xorshift32): hostile binary input that is the same on every run,
// so a failure in CI can be reproduced byte for byte.
export function seededBytes(length: number, seed = 0x9e3779b9): Buffer {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    words[i] = x;
  }
  return Buffer.from(words.buffer, 0, length);
}
