// Untrusted text on the way to a terminal. A claimant ref, a note or a server line can carry terminal
// escapes (ESC [ … : colours, cursor moves, a rewritten title, a hyperlink), a carriage return that
// overwrites what was printed, or bidirectional controls that make `C-1001` display as something else.
// Every such character is shown as a visible `\u…` escape instead, so what a person reads is what is there.
import { UNSAFE_TEXT_CHARS } from '../domain/text';

const ESCAPE = (c: string) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`;

/** One line of untrusted text, printable: control and bidi characters (newlines too) escaped. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE_TEXT_CHARS, ESCAPE).replace(/[\n\t]/g, ESCAPE);
}

/** Several lines of text hwc wrote itself around untrusted values: line breaks kept, the rest escaped. */
export function terminalSafeLines(text: string): string {
  return text.replace(UNSAFE_TEXT_CHARS, ESCAPE);
}

/**
 * JSON for stdout: `JSON.stringify` escapes C0 controls but leaves C1 and bidi controls raw; here they are
 * `\u` escapes too. The JSON means exactly the same to a program and cannot drive the terminal it scrolls by.
 */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(UNSAFE_TEXT_CHARS, ESCAPE);
}
