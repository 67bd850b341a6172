// The staff directory: validated whole; unknown staff and roles not held are refused by name.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StaffError, authorise, parseStaffDirectory } from '../../domain/staff';

const example = JSON.parse(readFileSync(new URL('../../config/staff.example.json', import.meta.url), 'utf8'));

describe('staff directory', () => {
  it('accepts the example and authorises a role the person holds', () => {
    const dir = parseStaffDirectory(example, 'example');

    expect(() => authorise(dir, { staffId: 'TL-01', role: 'team_leader' })).not.toThrow();
    expect(() => authorise(dir, { staffId: 'TL-01', role: 'work_coach' })).not.toThrow();
  });

  it('refuses unknown staff and roles not held, naming the field', () => {
    const dir = parseStaffDirectory(example, 'example');

    expect(() => authorise(dir, { staffId: 'WC-99', role: 'work_coach' })).toThrow(
      /by\.staffId: WC-99 is not in the staff directory/,
    );
    expect(() => authorise(dir, { staffId: 'WC-01', role: 'decision_maker' })).toThrow(
      /by\.role: WC-01 does not hold the role decision_maker/,
    );
  });

  it.each([
    [{ version: 1, staff: [] }, /staff: lists nobody/],
    [{ version: 1, staff: [{ staffId: 'A', roles: [] }] }, /roles: needs at least one role/],
    [{ version: 1, staff: [{ staffId: 'A', roles: ['boss'] }] }, /roles/],
    [
      {
        version: 1,
        staff: [
          { staffId: 'A', roles: ['sds'] },
          { staffId: 'A', roles: ['sds'] },
        ],
      },
      /lists a staffId twice/,
    ],
    [{ version: 3, staff: [] }, /version/],
    [{ version: 2, staff: [{ staffId: 'A', roles: ['sds'], offices: ['leeds'] }] }, /offices/],
    [{ version: 2, staff: [{ staffId: 'A', roles: ['sds'], offices: ['*'], password: 'hunter2' }] }, /scrypt hash/],
    [{ version: 1, staff: [{ staffId: 'A', roles: ['sds'], name: 'Jane' }] }, /name/],
  ])('rejects a malformed directory %#', (raw, message) => {
    expect(() => parseStaffDirectory(raw, 'f.json')).toThrow(StaffError);
    expect(() => parseStaffDirectory(raw, 'f.json')).toThrow(message);
  });
});
