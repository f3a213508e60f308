// Byte classes shared by the parsers' gates (the cheap checks on raw bytes before a line is
// decoded). Each gate lives beside its parser (kv.ts, json.ts, prom.ts) and uses these.

export const SPACE = 0x20;
export const TAB = 0x09;
export const CR = 0x0d;

/** Bytes that may start a name as tools print it (`[A-Za-z_:]`). */
export const NAME_START = new Uint8Array(256);
/** Bytes of a name as tools print it (`[A-Za-z0-9_.:/-]`): a superset of Prometheus's, for the gates. */
export const NAME_BYTE = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  const digit = c >= 0x30 && c <= 0x39;
  NAME_START[c] = letter || c === 0x5f /* _ */ || c === 0x3a /* : */ ? 1 : 0;
  NAME_BYTE[c] =
    letter || digit || c === 0x5f || c === 0x3a || c === 0x2e /* . */ || c === 0x2f /* / */ || c === 0x2d /* - */
      ? 1
      : 0;
}

/** 256 flags: the bytes of `table` plus `extra`. */
export function byteSet(table: Uint8Array | null, extra = ''): Uint8Array {
  const set = table === null ? new Uint8Array(256) : Uint8Array.from(table);
  for (let k = 0; k < extra.length; k++) set[extra.charCodeAt(k)] = 1;
  return set;
}

export function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

export function isBlankOrCr(c: number): boolean {
  return c === SPACE || c === TAB || c === CR;
}

/** The index of the first byte at or after `at` that is not a blank or `\r`. */
export function skipBlanksOrCr(buf: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && isBlankOrCr(buf[i] as number)) i++;
  return i;
}

/** The index just after a name (`NAME_START NAME_BYTE*`) at buf[at], or `at` when there is none. */
export function nameEnd(buf: Uint8Array, at: number, end: number): number {
  if (at >= end || NAME_START[buf[at] as number] === 0) return at;
  let i = at + 1;
  while (i < end && NAME_BYTE[buf[i] as number] === 1) i++;
  return i;
}

export function skipBlanks(buf: Uint8Array, at: number, end: number): number {
  let i = at;
  while (i < end && isBlank(buf[i] as number)) i++;
  return i;
}
