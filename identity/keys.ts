// The deployment's issuer keys (Ed25519), in one JSON file readable by its owner only:
//   {"version": 1, "current": "k-3f9a1c2e", "keys": [{"kid", "publicKey", "privateKey"?, "createdAt", "notAfter"?}]}
// The processes that sign people in (web front door, `hwc login`) need the private half of the current key;
// workers and starters need only the public halves, which every new journey receives as its trusted keys.
// Only `hwc dev` creates a key file (for one machine); everything else refuses to start without one.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { Instant, describeZodError } from '../domain/schemas';
import { KeyId, publicKeyOf, type TrustedKey } from './proof';
import { newPrivateKey, type IssuerKey } from './signer';

const Hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits');

const KeyEntry = z
  .strictObject({
    kid: KeyId,
    publicKey: Hex32,
    privateKey: Hex32.optional(),
    createdAt: Instant,
    notAfter: Instant.optional(),
  })
  .superRefine((k, ctx) => {
    if (/^0+$/.test(k.publicKey) || (k.privateKey && /^0+$/.test(k.privateKey)))
      ctx.addIssue({ code: 'custom', path: ['privateKey'], message: 'an all-zero key is not a key' });
    if (k.privateKey && publicKeyOf(k.privateKey) !== k.publicKey)
      ctx.addIssue({ code: 'custom', path: ['publicKey'], message: 'does not belong to privateKey' });
  });

export const IdentityKeyFile = z
  .strictObject({ version: z.literal(1), current: KeyId, keys: z.array(KeyEntry).min(1).max(20) })
  .superRefine((f, ctx) => {
    if (new Set(f.keys.map((k) => k.kid)).size !== f.keys.length)
      ctx.addIssue({ code: 'custom', path: ['keys'], message: 'lists a kid twice' });
    if (!f.keys.some((k) => k.kid === f.current))
      ctx.addIssue({ code: 'custom', path: ['current'], message: 'names no key of the file' });
  });
export type IdentityKeyFile = z.infer<typeof IdentityKeyFile>;

export class IdentityKeyError extends Error {}

export interface IdentityKeys {
  path: string;
  /** Keys every new journey trusts (public halves, not yet past notAfter). */
  trusted: TrustedKey[];
  /** The current key with its private half, when this file has it. */
  issuer: IssuerKey | null;
  file: IdentityKeyFile;
}

export const newKeyId = () => `k-${randomBytes(4).toString('hex')}`;

export function readIdentityKeys(path: string): IdentityKeys {
  if (!existsSync(path))
    throw new IdentityKeyError(
      `identity keys: no key file at ${path}; set HWC_IDENTITY_KEY_FILE to the deployment's key file (hwc dev creates one in its data folder)`,
    );
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new IdentityKeyError(`identity keys: ${path} is not valid JSON`);
  }
  const parsed = IdentityKeyFile.safeParse(raw);
  if (!parsed.success) throw new IdentityKeyError(`identity keys: ${path}: ${describeZodError(parsed.error)}`);
  return fromFile(path, parsed.data);
}

function fromFile(path: string, file: IdentityKeyFile, nowMs = Date.now()): IdentityKeys {
  const current = file.keys.find((k) => k.kid === file.current)!;
  return {
    path,
    file,
    trusted: file.keys
      .filter((k) => !k.notAfter || Date.parse(k.notAfter) > nowMs)
      .map((k) => ({ kid: k.kid, publicKey: k.publicKey, ...(k.notAfter ? { notAfter: k.notAfter } : {}) })),
    issuer: current.privateKey
      ? { kid: current.kid, privateKey: current.privateKey, publicKey: current.publicKey }
      : null,
  };
}

function writeKeyFile(path: string, file: IdentityKeyFile) {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function newEntry(nowMs: number) {
  const privateKey = newPrivateKey();
  return { kid: newKeyId(), publicKey: publicKeyOf(privateKey), privateKey, createdAt: new Date(nowMs).toISOString() };
}

/** `hwc dev` only: the key file for one machine, created on first start and kept. */
export function ensureDevIdentityKeys(path: string): IdentityKeys & { created: boolean } {
  if (existsSync(path)) return { ...readIdentityKeys(path), created: false };
  const entry = newEntry(Date.now());
  const file: IdentityKeyFile = { version: 1, current: entry.kid, keys: [entry] };
  writeKeyFile(path, file);
  return { ...fromFile(path, file), created: true };
}

/**
 * A new current key; the old one keeps certifying until sessions it signed have expired (`graceMs`), then
 * stops (`notAfter`). Returns the old and new keys so the caller can tell running journeys (a `trust` Update).
 */
export function rotateIdentityKey(path: string, o: { graceMs: number; nowMs?: number }) {
  const now = o.nowMs ?? Date.now();
  const keys = readIdentityKeys(path);
  if (!keys.issuer)
    throw new IdentityKeyError(
      `identity keys: ${path} has no private key for ${keys.file.current}; rotate where the private keys are`,
    );
  const entry = newEntry(now);
  const retireAt = new Date(now + o.graceMs).toISOString();
  const file: IdentityKeyFile = {
    version: 1,
    current: entry.kid,
    keys: [
      ...keys.file.keys
        .filter((k) => !k.notAfter || Date.parse(k.notAfter) > now)
        .map((k) => (k.kid === keys.file.current ? { ...k, notAfter: retireAt } : k)),
      entry,
    ],
  };
  writeKeyFile(path, file);
  return {
    previous: keys.issuer,
    next: fromFile(path, file, now),
    added: { kid: entry.kid, publicKey: entry.publicKey },
    retireAt,
  };
}

/** The file without private halves: what workers and journey starters on other hosts need. */
export function publicKeyFile(keys: IdentityKeys): IdentityKeyFile {
  return { ...keys.file, keys: keys.file.keys.map(({ privateKey: _p, ...k }) => k) };
}
