// Who is who: the staff directory (HWC_STAFF_FILE) says which roles each staff id holds, for which offices,
// and how the person signs in (a password hash for the built-in sign-in, an OpenID Connect subject for single
// sign-on). Staff ids are pseudonymous operator ids, not names. The directory is read by the parts of hwc that
// authenticate people (the web front door, `hwc login`); journeys never read it: they verify signed proofs.
import { z } from 'zod';
import { ROLES, StaffIdentity, describeZodError, type Role } from './schemas';

/** Roles a person may hold: the four that record events (B2) and two that only read. */
export const STAFF_ROLES = [...ROLES, 'auditor', 'manager'] as const;
export const StaffRole = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof StaffRole>;

/** Office mnemonics (A7): uppercase letters and digits, 1–12; `*` in a directory means every office. */
export const OFFICE_PATTERN = /^[A-Z0-9]{1,12}$/;
export const OfficeScope = z
  .string()
  .refine((s) => s === '*' || OFFICE_PATTERN.test(s), 'must be an office mnemonic (A–Z, 0–9, up to 12) or "*"');

/** `scrypt$N$r$p$salt$hash` (identity/password.ts); never a plain password. */
const PasswordHash = z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, {
  message: 'must be a scrypt hash made by `hwc staff hash-password` (never a plain password)',
});

export const StaffMember = z.strictObject({
  staffId: StaffIdentity.shape.staffId,
  roles: z.array(StaffRole).min(1, 'needs at least one role'),
  /** Offices the person acts for; `["*"]` for roles that span offices. */
  offices: z.array(OfficeScope).min(1, 'needs at least one office (or "*")'),
  /** Shown as "Signed in as"; an operator's own name is not claimant data, but keep it short. */
  displayName: z.string().max(80).optional(),
  password: PasswordHash.optional(),
  /** OpenID Connect: the provider's `sub` claim for this person (and the issuer, when several are used). */
  oidc: z.strictObject({ subject: z.string().min(1).max(255), issuer: z.string().url().optional() }).optional(),
});
export type StaffMember = z.infer<typeof StaffMember>;

const V1Member = z.strictObject({
  staffId: StaffIdentity.shape.staffId,
  roles: z.array(z.enum(ROLES)).min(1, 'needs at least one role'),
  office: z.string().max(20).optional(),
});

const unique = (s: { staffId: string }[]) => new Set(s.map((x) => x.staffId)).size === s.length;

const V2Directory = z.strictObject({
  version: z.literal(2),
  staff: z.array(StaffMember).min(1, 'lists nobody').refine(unique, 'lists a staffId twice'),
});
// Version 1 (roles only) is still read; its people cannot sign in until they get a password or an OIDC subject.
const V1Directory = z.strictObject({
  version: z.literal(1),
  staff: z.array(V1Member).min(1, 'lists nobody').refine(unique, 'lists a staffId twice'),
});

export type StaffDirectory = { version: 2; staff: StaffMember[] };

export class StaffError extends Error {}

export function parseStaffDirectory(raw: unknown, source: string): StaffDirectory {
  const version = (raw as { version?: unknown } | null)?.version;
  if (version === 1) {
    const v1 = V1Directory.safeParse(raw);
    if (!v1.success) throw new StaffError(`${source}: ${describeZodError(v1.error)}`);
    return {
      version: 2,
      staff: v1.data.staff.map((s) => ({ staffId: s.staffId, roles: s.roles, offices: s.office ? [s.office] : ['*'] })),
    };
  }
  const parsed = V2Directory.safeParse(raw);
  if (!parsed.success) throw new StaffError(`${source}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

export const findStaff = (dir: StaffDirectory, staffId: string) => dir.staff.find((s) => s.staffId === staffId);

/** Does this person act for `office`? (`*`: every office.) */
export const actsFor = (offices: readonly string[], office: string) =>
  offices.includes('*') || offices.includes(office);

/** Refuses an identity the directory does not know, or a role it does not hold. */
export function authorise(dir: StaffDirectory, by: { staffId: string; role: Role }): void {
  const person = findStaff(dir, by.staffId);
  if (!person) throw new StaffError(`by.staffId: ${by.staffId} is not in the staff directory`);
  if (!person.roles.includes(by.role))
    throw new StaffError(`by.role: ${by.staffId} does not hold the role ${by.role} (holds ${person.roles.join(', ')})`);
}
