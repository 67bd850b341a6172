// Signing in e2e tests that run a real `hwc dev`: the tests act as the deployment does (its identity key file
// in the data folder certifies the staff member), so every event still goes through the journey's verifier.
import { join } from 'node:path';
import { signerFor, type EventSigner } from '../../client/journeys';
import type { StaffRole } from '../../domain/staff';
import { readIdentityKeys } from '../../identity/keys';
import { issueCredential, type Credential } from '../../identity/signer';

const EVENT_ROLES: StaffRole[] = ['sds', 'work_coach', 'team_leader', 'decision_maker'];

export function deploymentIdentity(dataDir: string) {
  const keys = readIdentityKeys(join(dataDir, 'identity-keys.json'));
  if (!keys.issuer) throw new Error(`no issuer key in ${keys.path}`);
  const issuer = keys.issuer;
  return {
    trust: keys.trusted,
    /** A signed-in person's credential (certificate and session key), as the front door or hwc login issues. */
    credentialFor(staffId: string, o: { roles?: StaffRole[]; offices?: string[] } = {}): Credential {
      return issueCredential(issuer, { staffId, roles: o.roles ?? EVENT_ROLES, offices: o.offices ?? ['*'] });
    },
    /** A signer for `staffId` holding every event role, for every office (or the ones given). */
    signerFor(staffId: string, o: { roles?: StaffRole[]; offices?: string[] } = {}): EventSigner {
      return signerFor(
        issueCredential(issuer, { staffId, roles: o.roles ?? EVENT_ROLES, offices: o.offices ?? ['*'] }),
      );
    },
  };
}
