// One way to read a yes/no typed by a person, wherever it is typed: a CSV cell (`inPayment`), a CLI flag
// (`--good-cause yes`), a circumstance field (`proofSupplied=y`), an environment variable
// (`TEMPORAL_TLS=1`, `HWC_ENCRYPTION=off`). Case and surrounding spaces do not matter; anything else is
// not guessed at and is refused by the caller, naming the field.
import { z } from 'zod';

const TRUE = ['true', 'yes', 'y', '1', 'on'];
const FALSE = ['false', 'no', 'n', '0', 'off'];

/** What the parser accepts, for messages and help texts. */
export const BOOLEAN_WORDS = 'true/false, yes/no, y/n, 1/0 or on/off';

/** `"Yes"` → true, `" 0 "` → false; undefined when the text is not a yes/no. */
export function parseBoolean(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (TRUE.includes(v)) return true;
  if (FALSE.includes(v)) return false;
  return undefined;
}

/** A yes/no given as text (environment variables): the parsed boolean, or an issue naming the words. */
export const BooleanText = z.string().transform((s, ctx) => {
  const b = parseBoolean(s);
  if (b === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be ${BOOLEAN_WORDS}` });
    return z.NEVER;
  }
  return b;
});
