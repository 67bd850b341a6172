// Payload encryption: AES-256-GCM over every payload a client or worker sends to Temporal, so that
// histories on the server hold ciphertext (claimant records, event notes). The key id travels in the
// payload's metadata, so keys can be rotated: new payloads use the current key, old ones still decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { z } from 'zod';
import { UNENCRYPTED_REFUSAL, unencryptedMarker } from '../domain/unencrypted';

// @temporalio/proto is CommonJS: its namespace comes through the default export under ESM.
const { temporal } = proto;
const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null | undefined) => (b ? new TextDecoder().decode(b) : '');

export interface CodecKeys {
  current: string;
  keys: Map<string, Buffer>;
}

/**
 * What `decode` does with a payload that is not encrypted:
 * - `marker` (workers): hands the workflow a marker value (domain/unencrypted.ts) that its Update
 *   validator refuses, so the refusal leaves nothing in history;
 * - `refuse` (clients): throws, one line;
 * - `pass` (replaying recorded histories, the Web UI's codec server): returns it as it is.
 */
export type UnencryptedPolicy = 'marker' | 'refuse' | 'pass';

export class UnencryptedPayloadError extends Error {}

const markerPayload = (): Payload => ({
  metadata: { encoding: enc('json/plain') },
  data: enc(JSON.stringify(unencryptedMarker())),
});

export class AesGcmCodec implements PayloadCodec {
  constructor(
    private readonly k: CodecKeys,
    private readonly unencrypted: UnencryptedPolicy = 'refuse',
  ) {
    if (!k.keys.has(k.current)) throw new Error(`codec: the current key id ${k.current} has no key`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.k.keys.get(this.k.current)!, iv);
      const plain = temporal.api.common.v1.Payload.encode(p).finish();
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      return {
        metadata: { encoding: enc(ENCODING), [KEY_ID]: enc(this.k.current) },
        data: Buffer.concat([iv, body, cipher.getAuthTag()]),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      if (dec(p.metadata?.encoding) !== ENCODING) {
        if (this.unencrypted === 'pass') return p;
        if (this.unencrypted === 'marker') return markerPayload();
        throw new UnencryptedPayloadError(UNENCRYPTED_REFUSAL);
      }
      const id = dec(p.metadata?.[KEY_ID]);
      const key = this.k.keys.get(id);
      if (!key) throw new Error(`codec: no key with id ${id} (rotate keys by adding, never removing, old ids)`);
      const data = Buffer.from(p.data ?? new Uint8Array());
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, 12));
      decipher.setAuthTag(data.subarray(data.length - 16));
      const plain = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain) as Payload;
    });
  }
}

export class KeyError extends Error {}

const KEY_ID_PATTERN = /^[\w.-]{1,64}$/;
const KeyFile = z.strictObject({
  current: z.string().regex(KEY_ID_PATTERN, 'must be a key id'),
  keys: z.record(
    z.string().regex(KEY_ID_PATTERN, 'must be a key id'),
    z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64'),
  ),
});

/** A random key id (`k-3f9a1c2e`): two deployments, or two machines, never make the same one. */
export const newCodecKeyId = () => `k-${randomBytes(4).toString('hex')}`;

const WHAT_TO_SET =
  "set HWC_CODEC_KEY_FILE to the deployment's key file (or HWC_CODEC_KEYS); only `hwc dev` creates one, in its data folder";

/** Refuses keys no deployment should run with: all zeros, or one key under two ids. */
function checkKeys(keys: Map<string, Buffer>, where: string) {
  const seen = new Map<string, string>();
  for (const [id, key] of keys) {
    if (key.every((b) => b === 0)) throw new KeyError(`${where}: key ${id} is all zeros; make a random one`);
    const hex = key.toString('hex');
    if (seen.has(hex)) throw new KeyError(`${where}: keys ${seen.get(hex)} and ${id} are the same key`);
    seen.set(hex, id);
  }
}

/** `hwc dev` only: a new key file with one random key, readable by its owner only. */
export function createKeyFile(path: string): CodecKeys {
  mkdirSync(dirname(path), { recursive: true });
  const id = newCodecKeyId();
  writeFileSync(path, JSON.stringify({ current: id, keys: { [id]: randomBytes(32).toString('base64') } }, null, 2), {
    mode: 0o600,
    flag: 'wx',
  });
  chmodSync(path, 0o600);
  return loadKeys(path);
}

/** `{current, keys: {id: base64}}` from a file; a missing file is an error that says what to set. */
export function loadKeys(path: string): CodecKeys {
  if (!existsSync(path)) throw new KeyError(`codec keys: no key file at ${path}: ${WHAT_TO_SET}`);
  let text: string;
  let raw: unknown;
  try {
    text = readFileSync(path, 'utf8');
    raw = JSON.parse(text);
  } catch {
    throw new KeyError(`codec key file ${path} is not readable JSON`);
  }
  const parsed = KeyFile.safeParse(raw);
  if (!parsed.success)
    throw new KeyError(
      `codec key file ${path}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`,
    );
  // JSON.parse keeps the last of two equal names silently: a key id written twice is refused, since the
  // two writers meant two different keys and one of them would be lost.
  for (const id of Object.keys(parsed.data.keys)) {
    const escaped = id.replace(/[.]/g, '\\.');
    if ((text.match(new RegExp(`"${escaped}"\\s*:`, 'g')) ?? []).length > 1)
      throw new KeyError(`codec key file ${path}: key id ${id} appears twice`);
  }
  const keys = new Map(Object.entries(parsed.data.keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]));
  if (!keys.has(parsed.data.current))
    throw new KeyError(`codec key file ${path}: current key ${parsed.data.current} is not in keys`);
  checkKeys(keys, `codec key file ${path}`);
  return { current: parsed.data.current, keys };
}

/** `HWC_CODEC_KEYS="id1:base64,id2:base64"` (the first is current) for containers without files. */
export function keysFromEnv(value: string): CodecKeys {
  const keys = new Map<string, Buffer>();
  let current = '';
  for (const part of value.split(',')) {
    const [id, b64, ...rest] = part.trim().split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!id || !KEY_ID_PATTERN.test(id) || rest.length || key.length !== 32)
      throw new KeyError('HWC_CODEC_KEYS: each entry must be id:base64 of 32 bytes, separated by commas');
    if (keys.has(id)) throw new KeyError(`HWC_CODEC_KEYS: key id ${id} appears twice`);
    keys.set(id, key);
    current ||= id;
  }
  checkKeys(keys, 'HWC_CODEC_KEYS');
  return { current, keys };
}
