// Demo staff for `hwc dev --demo`: one or more of every role, in two offices, all with one password
// (HWC_DEMO_PASSWORD, or a random one printed once). Written as a normal staff directory (hashed passwords,
// 0600) so that the web front door and `hwc login` sign demo people in exactly as they would real staff.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StaffDirectory, StaffMember } from '../domain/staff';
import { hashPassword } from '../identity/password';

export const DEMO_STAFF: Omit<StaffMember, 'password'>[] = [
  { staffId: 'SDS-01', roles: ['sds'], offices: ['LEEDS'], displayName: 'Demo support (Leeds)' },
  { staffId: 'WC-01', roles: ['work_coach'], offices: ['LEEDS'], displayName: 'Demo work coach 1 (Leeds)' },
  { staffId: 'WC-02', roles: ['work_coach'], offices: ['LEEDS'], displayName: 'Demo work coach 2 (Leeds)' },
  {
    staffId: 'TL-01',
    roles: ['team_leader', 'work_coach'],
    offices: ['LEEDS'],
    displayName: 'Demo team leader (Leeds)',
  },
  { staffId: 'WC-11', roles: ['work_coach'], offices: ['MAN01'], displayName: 'Demo work coach (Manchester)' },
  { staffId: 'TL-11', roles: ['team_leader'], offices: ['MAN01'], displayName: 'Demo team leader (Manchester)' },
  { staffId: 'DM-01', roles: ['decision_maker'], offices: ['*'], displayName: 'Demo decision maker' },
  { staffId: 'AUD-01', roles: ['auditor'], offices: ['*'], displayName: 'Demo auditor' },
  { staffId: 'MGR-01', roles: ['manager'], offices: ['LEEDS'], displayName: 'Demo manager (Leeds)' },
];

/** Creates the demo staff file when there is none; returns the password when it made one up. */
export async function ensureDemoStaff(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ created: boolean; generatedPassword?: string }> {
  if (existsSync(path)) return { created: false };
  const given = env.HWC_DEMO_PASSWORD;
  const password = given ?? randomBytes(12).toString('base64url');
  const hash = await hashPassword(password).catch((e: Error) => {
    throw new Error(`HWC_DEMO_PASSWORD: ${e.message.replace(/^password: /, '')}`);
  });
  // One hash for everyone: the demo password is one secret, and scrypt is slow on purpose.
  const dir: StaffDirectory = { version: 2, staff: DEMO_STAFF.map((s) => ({ ...s, password: hash })) };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(dir, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return given ? { created: true } : { created: true, generatedPassword: password };
}
