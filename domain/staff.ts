// Who is who: the staff directory (HWC_STAFF_FILE) that says which roles each staff id may act in.
// Validated whole at start; an event whose sender is not in it, or lacks the role, is refused before it
// is sent. Staff ids are pseudonymous operator ids, not names.
import { z } from 'zod';
import { ROLES, StaffIdentity, describeZodError, type Role } from './schemas';

export const StaffDirectory = z.strictObject({
  version: z.literal(1),
  staff: z
    .array(
      z.strictObject({
        staffId: StaffIdentity.shape.staffId,
        roles: z.array(z.enum(ROLES)).min(1, 'needs at least one role'),
        office: z.string().max(20).optional(),
      }),
    )
    .min(1, 'lists nobody')
    .refine((s) => new Set(s.map((x) => x.staffId)).size === s.length, 'lists a staffId twice'),
});
export type StaffDirectory = z.infer<typeof StaffDirectory>;

export class StaffError extends Error {}

export function parseStaffDirectory(raw: unknown, source: string): StaffDirectory {
  const parsed = StaffDirectory.safeParse(raw);
  if (!parsed.success) throw new StaffError(`${source}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** Refuses an identity the directory does not know, or a role it does not hold. */
export function authorise(dir: StaffDirectory, by: { staffId: string; role: Role }): void {
  const person = dir.staff.find((s) => s.staffId === by.staffId);
  if (!person) throw new StaffError(`by.staffId: ${by.staffId} is not in the staff directory`);
  if (!person.roles.includes(by.role))
    throw new StaffError(`by.role: ${by.staffId} does not hold the role ${by.role} (holds ${person.roles.join(', ')})`);
}
