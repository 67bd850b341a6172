// Personal data at rest: values sealed with the deployment's keys (the payload codec's keys,
// worker/codec.ts) as AES-256-GCM with the key id in the text, so a copy of the database (a backup, a
// stolen file, a read-only SQL account) shows no claimant data. The associated data binds each sealed
// value to where it belongs (`claimants:<ref>`), so one claimant's record cannot be moved onto another's.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** The same shape as the codec's keys: the id of the key for new values, and every key still readable. */
export interface SealKeys {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

const PREFIX = 'hwc-sealed:v1:';

export class SealError extends Error {}

export const isSealed = (text: string) => text.startsWith(PREFIX);

export function seal(keys: SealKeys, value: unknown, context: string): string {
  const key = keys.keys.get(keys.current);
  if (!key) throw new SealError(`no key with the current id ${keys.current}`);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return `${PREFIX}${keys.current}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64')}`;
}

/** The value; a text that is not sealed is plain JSON (a database written with encryption off). */
export function unseal(keys: SealKeys | null, text: string, context: string): unknown {
  if (!isSealed(text)) return JSON.parse(text);
  const [id, b64] = text.slice(PREFIX.length).split(':');
  if (!keys)
    throw new SealError(`the stub database holds encrypted claimant data: set the codec keys (HWC_CODEC_KEY_FILE)`);
  const key = keys.keys.get(id);
  if (!key)
    throw new SealError(`no codec key with id ${id} for data in the stub database (keep old ids when rotating)`);
  const data = Buffer.from(b64 ?? '', 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    throw new SealError(`sealed data for ${context.split(':')[0]} does not decrypt with key ${id} (tampered or moved)`);
  }
}
