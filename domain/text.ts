// Characters free text must not carry. Case notes, reasons and names of things are typed by people and
// printed to terminals, logs and the Web UI; a control character in them is never content: it is a
// terminal escape (ESC), a carriage return that hides what came before, a NUL that truncates, or a
// bidirectional override that reorders what a reader sees ("Trojan Source"). Line feeds and tabs are
// ordinary in a note and stay allowed; printing code escapes them where one line is expected.

/**
 * C0 controls except tab and line feed, DEL, C1 controls, and the Unicode bidi controls (ALM, LRM, RLM,
 * LRE/RLE/PDF/LRO/RLO, LRI/RLI/FSI/PDI) plus the line and paragraph separators.
 */
export const UNSAFE_TEXT_CHARS =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu;

/** The first unsafe character of `s`, named for a message (`U+001B`), or null. */
export function unsafeCharIn(s: string): string | null {
  const m = s.match(new RegExp(UNSAFE_TEXT_CHARS.source, 'u'));
  return m ? `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

export const UNSAFE_TEXT_MESSAGE =
  'must not contain control characters (terminal escapes, carriage returns, bidirectional overrides)';
