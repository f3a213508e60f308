// A diagnostic is one line of plain text: every control character but tab is shown as an
// escape, so a server's body or a metric name from the input can neither forge a log line
// (`\n`, `\r`) nor drive the terminal (ESC and CSI/OSC sequences, BEL, the C1 controls).

/** C0 controls except tab, DEL, and C1 (U+0080–U+009F: 0x9B is a one-byte CSI on some terminals). */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r' };

/** `\n` → `\\n`, `\r` → `\\r`, ESC → `\\x1b`, U+009B → `\\x9b`; tab and everything else as is. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
