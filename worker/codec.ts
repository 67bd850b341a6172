// Payload encryption: AES-256-GCM over every payload a client or worker sends to Temporal, so that
// histories on the server hold ciphertext (claimant records, event notes). The key id travels in the
// payload's metadata, so keys can be rotated: new payloads use the current key, old ones still decrypt.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { z } from 'zod';

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

export class AesGcmCodec implements PayloadCodec {
  constructor(private readonly k: CodecKeys) {
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
      if (dec(p.metadata?.encoding) !== ENCODING) return p;
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

const KeyFile = z.strictObject({
  current: z.string().regex(/^[\w.-]{1,64}$/, 'must be a key id'),
  keys: z.record(
    z.string().regex(/^[\w.-]{1,64}$/),
    z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64'),
  ),
});

export class KeyError extends Error {}

/** `{current, keys: {id: base64}}` from a file; `create` makes a fresh one (local development only). */
export function loadKeys(path: string, create = false): CodecKeys {
  if (!existsSync(path)) {
    if (!create) throw new KeyError(`codec key file ${path} not found: set HWC_CODEC_KEY_FILE to the key file`);
    mkdirSync(dirname(path), { recursive: true });
    const id = `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`;
    writeFileSync(path, JSON.stringify({ current: id, keys: { [id]: randomBytes(32).toString('base64') } }, null, 2), {
      mode: 0o600,
    });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new KeyError(`codec key file ${path} is not valid JSON`);
  }
  const parsed = KeyFile.safeParse(raw);
  if (!parsed.success)
    throw new KeyError(
      `codec key file ${path}: ${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}`,
    );
  const keys = new Map(Object.entries(parsed.data.keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]));
  if (!keys.has(parsed.data.current))
    throw new KeyError(`codec key file ${path}: current key ${parsed.data.current} is not in keys`);
  return { current: parsed.data.current, keys };
}

/** `HWC_CODEC_KEYS="id1:base64,id2:base64"` (the first is current) for containers without files. */
export function keysFromEnv(value: string): CodecKeys {
  const keys = new Map<string, Buffer>();
  let current = '';
  for (const part of value.split(',')) {
    const [id, b64] = part.split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!id || key.length !== 32) throw new KeyError('HWC_CODEC_KEYS: each entry must be id:base64 of 32 bytes');
    keys.set(id, key);
    current ||= id;
  }
  return { current, keys };
}
