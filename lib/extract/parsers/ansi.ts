// Terminal escape sequences in a line, removed for parsing only (the passthrough keeps them):
// CI runners often set FORCE_COLOR, and `coverage=\x1b[32m87.5\x1b[0m` is still a metric.
// ECMA-48: CSI `ESC [ params intermediates final` (colours, cursor moves), OSC `ESC ] … BEL|ST`
// (titles, hyperlinks), and the two-byte escapes `ESC <0x40–0x5F>`.

const ESCAPES = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

export function stripEscapes(line: string): string {
  return line.replace(ESCAPES, '');
}
