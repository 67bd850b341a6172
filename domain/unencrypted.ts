// What a worker's payload codec hands the workflow in place of a payload that arrived unencrypted while
// encryption is on (worker/codec.ts). Throwing in the codec would fail the workflow task again and again
// (each attempt adds events to the history and the journey stalls until the sender gives up); a marker
// value instead reaches the Update validator, which refuses it, and a refused Update leaves nothing in
// history. Pure and sandbox-safe: workflows import it.
export const UNENCRYPTED_MARKER_FIELD = '__hwcUnencryptedPayload';

export const UNENCRYPTED_REFUSAL =
  'payload not encrypted: this deployment accepts only payloads encrypted with its keys (send through hwc)';

/** The value an unencrypted payload decodes to on a worker with encryption on. */
export const unencryptedMarker = () => ({ [UNENCRYPTED_MARKER_FIELD]: true }) as const;

/** True for the marker, at the top level or as any argument of an Update/Signal (pass the args array). */
export function isUnencryptedMarker(x: unknown): boolean {
  if (Array.isArray(x)) return x.some(isUnencryptedMarker);
  return typeof x === 'object' && x !== null && (x as Record<string, unknown>)[UNENCRYPTED_MARKER_FIELD] === true;
}
