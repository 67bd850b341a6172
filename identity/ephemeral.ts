// A throwaway issuer for self-contained runs that still verify every event: `hwc simulate --temporal` (its own
// test server, its own journeys), the benchmark, the chaos run and tests. Its private key lives only in this
// process's memory; the journeys it starts trust it and nothing else, so nothing it signs is valid anywhere else.
import type { Role } from '../domain/schemas';
import type { StaffRole } from '../domain/staff';
import { publicKeyOf, type TrustedKey } from './proof';
import { issueCredential, newPrivateKey, signEvent, type IssuerKey } from './signer';
import { newKeyId } from './keys';

export interface EphemeralIssuer {
  issuer: IssuerKey;
  trust: TrustedKey[];
  /**
   * Signs an event as `staffId` holding `roles` (default: every role) for `offices` (default: every office), at
   * the given clock: a certificate is issued for each event, so a clock that jumps weeks ahead (time skipping)
   * never meets an expired session.
   */
  sign(
    workflowId: string,
    event: Record<string, unknown> & { type: string },
    o?: { nowMs?: number; staffId?: string; roles?: StaffRole[]; offices?: string[]; role?: Role },
  ): Record<string, unknown> & { type: string };
}

const EVERY_ROLE: StaffRole[] = ['sds', 'work_coach', 'team_leader', 'decision_maker'];

export function ephemeralIssuer(): EphemeralIssuer {
  const privateKey = newPrivateKey();
  const issuer: IssuerKey = { kid: newKeyId(), privateKey, publicKey: publicKeyOf(privateKey) };
  return {
    issuer,
    trust: [{ kid: issuer.kid, publicKey: issuer.publicKey }],
    sign(workflowId, event, o = {}) {
      const nowMs = o.nowMs ?? Date.now();
      const by = event.by as { staffId?: string; role?: Role } | undefined;
      const cred = issueCredential(
        issuer,
        { staffId: o.staffId ?? by?.staffId ?? 'scenario', roles: o.roles ?? EVERY_ROLE, offices: o.offices ?? ['*'] },
        { nowMs: nowMs - 1000 },
      );
      return signEvent(cred, workflowId, event, { nowMs, role: o.role ?? by?.role });
    },
  };
}
