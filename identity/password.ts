// Passwords for the built-in sign-in: salted scrypt (node:crypto), stored as `scrypt$N$r$p$salt$hash`.
// Verification takes the same time whether or not the person exists (a dummy hash is checked), so response
// times do not tell an attacker which staff ids are real.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

const COST = { N: 16384, r: 8, p: 1 };
const KEY_LENGTH = 32;
/** Longer than any passphrase a person types; stops a megabyte "password" from costing the server. */
export const MAX_PASSWORD_LENGTH = 256;

export async function hashPassword(password: string): Promise<string> {
  if (password.length < 12) throw new Error('password: must be at least 12 characters');
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new Error(`password: must be at most ${MAX_PASSWORD_LENGTH} characters`);
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, { ...COST, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${COST.N}$${COST.r}$${COST.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

let dummy: Promise<string> | null = null;

/** True when `password` matches `stored`; `stored` undefined (no such person) still costs one scrypt. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  if (password.length > MAX_PASSWORD_LENGTH) return false;
  if (!stored) {
    dummy ??= hashPassword('not-a-real-password-at-all');
    await verifyPassword(password, await dummy);
    return false;
  }
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const N = Number(n);
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: Number(r),
    p: Number(p),
    maxmem: 256 * N * Number(r) + 1024 * 1024,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
