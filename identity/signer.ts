// Issuing proofs, in the services that authenticated a person: the web front door and `hwc login` certify a
// fresh session key when someone signs in, and that session key signs each event the person sends. Node-only
// (random nonces and keys come from node:crypto); the checks live in the pure `proof.ts`.
import { randomBytes } from 'node:crypto';
import type { Role } from '../domain/schemas';
import type { StaffRole } from '../domain/staff';
import {
  CERT_LIFETIME_MS,
  PROOF_LIFETIME_MS,
  certBytes,
  eventDigest,
  proofBytes,
  publicKeyOf,
  signBytes,
  trustBytes,
  type EventProof,
  type SessionCert,
  type TrustChange,
  type TrustedKey,
} from './proof';

/** An issuer key with its private half: only in the processes that sign people in. */
export interface IssuerKey {
  kid: string;
  privateKey: string;
  publicKey: string;
}

/** What a signed-in person holds: the certificate and the session's private key (never sent anywhere). */
export interface Credential {
  cert: SessionCert;
  sessionKey: string;
}

export interface CredentialSubject {
  staffId: string;
  roles: StaffRole[];
  offices: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
export const newPrivateKey = () => randomBytes(32).toString('hex');
export const newNonce = () => randomBytes(16).toString('hex');

/** Certifies a new session key for a person who has just proven who they are. */
export function issueCredential(
  issuer: IssuerKey,
  who: CredentialSubject,
  o: { nowMs?: number; lifetimeMs?: number } = {},
): Credential {
  const now = o.nowMs ?? Date.now();
  const lifetime = Math.min(o.lifetimeMs ?? 8 * 60 * 60_000, CERT_LIFETIME_MS);
  const sessionKey = newPrivateKey();
  const unsigned = {
    v: 1 as const,
    iss: issuer.kid,
    sub: who.staffId,
    roles: [...who.roles],
    offices: [...who.offices],
    key: publicKeyOf(sessionKey),
    iat: iso(now),
    exp: iso(now + lifetime),
  };
  return { cert: { ...unsigned, sig: signBytes(certBytes(unsigned), issuer.privateKey) }, sessionKey };
}

export const credentialExpired = (c: Credential, nowMs = Date.now()) => Date.parse(c.cert.exp) <= nowMs;

/**
 * The event with its proof attached, for one journey. `by` is filled in from the credential when the event
 * has none (the person's first role allowed for the event, as the journey would choose).
 */
export function signEvent(
  cred: Credential,
  workflowId: string,
  event: Record<string, unknown> & { type: string },
  o: { nowMs?: number; role?: Role; lifetimeMs?: number } = {},
): Record<string, unknown> & { type: string; proof: EventProof } {
  const now = o.nowMs ?? Date.now();
  const { proof: _old, ...payload } = event;
  const body = o.role ? { ...payload, by: { staffId: cred.cert.sub, role: o.role } } : payload;
  const unsigned = {
    v: 1 as const,
    wf: workflowId,
    digest: eventDigest(body),
    iat: iso(now),
    exp: iso(now + Math.min(o.lifetimeMs ?? PROOF_LIFETIME_MS, PROOF_LIFETIME_MS)),
    nonce: newNonce(),
  };
  const proof: EventProof = {
    ...unsigned,
    cert: cred.cert,
    sig: signBytes(proofBytes(unsigned, cred.cert.sig), cred.sessionKey),
  };
  return { ...body, type: event.type, proof };
}

/** A signed change of the keys one journey trusts (key rotation for journeys that run for weeks). */
export function signTrustChange(
  signer: IssuerKey,
  workflowId: string,
  change: { add?: TrustedKey[]; retire?: string[] },
  o: { nowMs?: number } = {},
): TrustChange {
  const now = o.nowMs ?? Date.now();
  const unsigned = {
    v: 1 as const,
    add: change.add ?? [],
    retire: change.retire ?? [],
    wf: workflowId,
    kid: signer.kid,
    iat: iso(now),
    exp: iso(now + PROOF_LIFETIME_MS),
    nonce: newNonce(),
  };
  return { ...unsigned, sig: signBytes(trustBytes(unsigned), signer.privateKey) };
}
