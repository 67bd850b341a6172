// Password sign-in against the staff directory, shared by the web front door and `hwc login`: a locked
// account after repeated failures (kept in hwc's database, so every front door sees the same count), and
// the same answer for "no such person" and "wrong password".
import type { Db } from '../db';
import { findStaff, type StaffDirectory, type StaffMember } from '../domain/staff';
import { verifyPassword } from './password';

export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;

const MIGRATION = [
  `CREATE TABLE IF NOT EXISTS login_attempts (
     staff_id TEXT PRIMARY KEY,
     failures INTEGER NOT NULL,
     locked_until TEXT
   )`,
];

export async function prepareSignIn(db: Db) {
  await db.migrate('identity-login-attempts-1', MIGRATION);
}

export type SignInResult =
  | { ok: true; member: StaffMember }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; lockedUntil: string };

export async function signInWithPassword(
  db: Db,
  dir: StaffDirectory,
  staffId: string,
  password: string,
  nowMs = Date.now(),
): Promise<SignInResult> {
  const id = staffId.trim().slice(0, 40);
  const [row] = await db.query<{ failures: number; locked_until: string | null }>(
    `SELECT failures, locked_until FROM login_attempts WHERE staff_id = $1`,
    [id],
  );
  if (row?.locked_until && Date.parse(row.locked_until) > nowMs)
    return { ok: false, reason: 'locked', lockedUntil: row.locked_until };
  const member = findStaff(dir, id);
  const good = await verifyPassword(password, member?.password);
  if (good && member) {
    await db.run(`DELETE FROM login_attempts WHERE staff_id = $1`, [id]);
    return { ok: true, member };
  }
  // Failures are counted for unknown ids too: the lock must not tell an attacker which ids exist.
  const lockedUntil = new Date(nowMs + LOCK_MS).toISOString();
  const [after] = await db.transaction(async (tx) => {
    await tx.run(
      `INSERT INTO login_attempts (staff_id, failures, locked_until) VALUES ($1, 1, NULL)
       ON CONFLICT (staff_id) DO UPDATE SET failures = CASE
         WHEN login_attempts.locked_until IS NOT NULL THEN 1 ELSE login_attempts.failures + 1 END,
         locked_until = NULL`,
      [id],
    );
    await tx.run(`UPDATE login_attempts SET locked_until = $2 WHERE staff_id = $1 AND failures >= $3`, [
      id,
      lockedUntil,
      MAX_FAILURES,
    ]);
    return tx.query<{ locked_until: string | null }>(`SELECT locked_until FROM login_attempts WHERE staff_id = $1`, [
      id,
    ]);
  });
  if (after?.locked_until) return { ok: false, reason: 'locked', lockedUntil: after.locked_until };
  return { ok: false, reason: 'invalid' };
}
