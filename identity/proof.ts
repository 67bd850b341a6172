// Proof of who sent a person's event, verified where the decision is made: inside the journey's Update
// validator. Pure JavaScript (Ed25519 and SHA-256 from @noble), no Node API and no WebCrypto, because the
// workflow sandbox has neither; the same code signs in the front door and the CLI and re-verifies in `hwc audit`.
//
// Two signatures, so that the key that proves a person's identity never leaves the service that checked it:
//   1. a session certificate — an issuer key (held by the web front door or `hwc login`) certifies "staff
//      member S, roles R, offices O, may sign with session key K until T" when S signs in;
//   2. the event proof — the session key signs "this event payload (its SHA-256), for journey W, between
//      iat and exp, nonce N".
// The journey trusts issuer keys named in its input (and rotated by a signed `trust` Update), and checks:
// certificate signature and lifetime, proof signature, journey id, payload digest, freshness, nonce unused,
// role allowed for this event (B2) and held by the person, the person's office against the journey's office.
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { z } from 'zod';
import { Instant, StaffIdentity, type Role } from '../domain/schemas';
import { OfficeScope, StaffRole, actsFor } from '../domain/staff';
import { canonicalJson } from './canonical';

/** How long a signed event stays valid, and how far clocks may disagree. */
export const PROOF_LIFETIME_MS = 5 * 60_000;
/** A session certificate lasts at most a working day: sign in again tomorrow. */
export const CERT_LIFETIME_MS = 12 * 60 * 60_000;
export const CLOCK_SKEW_MS = 2 * 60_000;

const hex = (bytes: number, what: string) =>
  z.string().regex(new RegExp(`^[0-9a-f]{${bytes * 2}}$`), `must be ${bytes * 2} lowercase hex digits (${what})`);
export const KeyId = z.string().regex(/^[a-z0-9][a-z0-9-]{2,39}$/, 'must be a key id like k-3f9a1c2e');

export const TrustedKey = z.strictObject({
  kid: KeyId,
  publicKey: hex(32, 'an Ed25519 public key'),
  /** After this instant the key certifies nobody (it may still appear in older proofs of the history). */
  notAfter: Instant.optional(),
});
export type TrustedKey = z.infer<typeof TrustedKey>;

export const SessionCert = z.strictObject({
  v: z.literal(1),
  iss: KeyId,
  sub: StaffIdentity.shape.staffId,
  roles: z.array(StaffRole).min(1),
  offices: z.array(OfficeScope).min(1),
  key: hex(32, 'the session public key'),
  iat: Instant,
  exp: Instant,
  sig: hex(64, 'an Ed25519 signature'),
});
export type SessionCert = z.infer<typeof SessionCert>;

export const EventProof = z.strictObject({
  v: z.literal(1),
  cert: SessionCert,
  wf: z.string().min(1).max(200),
  digest: hex(32, 'SHA-256 of the event'),
  iat: Instant,
  exp: Instant,
  nonce: hex(16, 'a random nonce'),
  sig: hex(64, 'an Ed25519 signature'),
});
export type EventProof = z.infer<typeof EventProof>;

/** A change to the keys a journey trusts, signed directly by a key it already trusts. */
export const TrustChange = z.strictObject({
  v: z.literal(1),
  add: z.array(TrustedKey).max(10).default([]),
  retire: z.array(KeyId).max(10).default([]),
  wf: z.string().min(1).max(200),
  kid: KeyId,
  iat: Instant,
  exp: Instant,
  nonce: hex(16, 'a random nonce'),
  sig: hex(64, 'an Ed25519 signature'),
});
export type TrustChange = z.infer<typeof TrustChange>;

const DOMAIN = { cert: 'hwc-cert-v1\n', event: 'hwc-event-v1\n', trust: 'hwc-trust-v1\n' } as const;

type Unsigned<T> = Omit<T, 'sig'>;

export function certBytes(cert: Unsigned<SessionCert>): Uint8Array {
  const { sig: _sig, ...rest } = cert as SessionCert;
  return utf8ToBytes(DOMAIN.cert + canonicalJson(rest));
}

/** The proof's signed bytes name the certificate's signature, so a proof cannot be moved to another cert. */
export function proofBytes(p: Omit<EventProof, 'sig' | 'cert'>, certSig: string): Uint8Array {
  const { v, wf, digest, iat, exp, nonce } = p;
  return utf8ToBytes(DOMAIN.event + canonicalJson({ v, wf, digest, iat, exp, nonce, cert: certSig }));
}

export function trustBytes(t: Unsigned<TrustChange>): Uint8Array {
  const { sig: _sig, ...rest } = t as TrustChange;
  return utf8ToBytes(DOMAIN.trust + canonicalJson(rest));
}

/** SHA-256 of the event as canonical JSON, without its proof: what the sender signed. */
export function eventDigest(event: Record<string, unknown>): string {
  const { proof: _proof, ...payload } = event;
  return bytesToHex(sha256(utf8ToBytes(canonicalJson(payload))));
}

export const signBytes = (bytes: Uint8Array, privateKeyHex: string) =>
  bytesToHex(ed25519.sign(bytes, hexToBytes(privateKeyHex)));
export const publicKeyOf = (privateKeyHex: string) => bytesToHex(ed25519.getPublicKey(hexToBytes(privateKeyHex)));

function verifySig(sigHex: string, bytes: Uint8Array, publicKeyHex: string): boolean {
  try {
    return ed25519.verify(hexToBytes(sigHex), bytes, hexToBytes(publicKeyHex));
  } catch {
    return false;
  }
}

/** Who sent an event, as proven: what the journey records and the audit trail names. */
export interface VerifiedSender {
  staffId: string;
  role: Role;
  /** The journey's office, which the person acts for. */
  office: string;
  /** The issuer key that certified the session. */
  kid: string;
  nonce: string;
  /** When the proof stops being valid (ms): the nonce must be remembered until then. */
  expiresAtMs: number;
}

export type ProofCheck = { ok: true; sender: VerifiedSender } | { ok: false; error: string };

export interface VerifyOptions {
  event: Record<string, unknown>;
  workflowId: string;
  /** The journey's office. */
  office: string;
  trust: readonly TrustedKey[];
  /** The verifier's clock (the workflow's time inside a journey). */
  nowMs: number;
  /** Roles that may record this event (B2). */
  rolesForEvent: readonly Role[];
  nonceUsed: (nonce: string) => boolean;
}

const firstIssue = (e: z.ZodError) => {
  const i = e.issues[0];
  return `${i.path.length ? i.path.join('.') : 'value'}: ${i.message}`;
};

/** Finds a trusted, unexpired issuer key, or says why not. */
function issuerKey(trust: readonly TrustedKey[], kid: string, atMs: number, field: string): TrustedKey | string {
  const key = trust.find((k) => k.kid === kid);
  if (!key) return `${field}: key ${kid} is not trusted by this journey`;
  if (key.notAfter && Date.parse(key.notAfter) < atMs) return `${field}: key ${kid} was retired at ${key.notAfter}`;
  return key;
}

function checkWindow(iat: string, exp: string, nowMs: number, maxMs: number, what: string): string | null {
  const from = Date.parse(iat);
  const to = Date.parse(exp);
  if (to <= from) return `${what}.exp: must be after iat`;
  if (to - from > maxMs) return `${what}: valid for longer than ${Math.round(maxMs / 60_000)} minutes`;
  if (from > nowMs + CLOCK_SKEW_MS) return `${what}.iat: ${iat} is in the future`;
  if (to < nowMs) return `${what}: expired at ${exp}; sign in again or send the event again`;
  return null;
}

/**
 * Verifies the proof carried by a person's event. The event's `by`, if given, must be the proven person and a
 * role they hold; without `by`, the sender is the certificate's person in the first of their roles allowed here.
 */
export function verifyEventProof(o: VerifyOptions): ProofCheck {
  const fail = (error: string): ProofCheck => ({ ok: false, error });
  const type = String(o.event.type);
  if (o.event.proof === undefined)
    return fail(
      `${type}.proof: missing; every event must be signed by hwc for a signed-in person (hwc login, or the web front door)`,
    );
  const parsed = EventProof.safeParse(o.event.proof);
  if (!parsed.success) return fail(`${type}.proof.${firstIssue(parsed.error)}`);
  const p = parsed.data;
  const cert = p.cert;

  const key = issuerKey(o.trust, cert.iss, Date.parse(cert.iat), `${type}.proof.cert.iss`);
  if (typeof key === 'string') return fail(key);
  if (!verifySig(cert.sig, certBytes(cert), key.publicKey))
    return fail(`${type}.proof.cert.sig: not a valid signature`);
  const certWindow = checkWindow(cert.iat, cert.exp, o.nowMs, CERT_LIFETIME_MS, `${type}.proof.cert`);
  if (certWindow) return fail(certWindow.replace('send the event again', 'sign in again'));
  if (!verifySig(p.sig, proofBytes(p, cert.sig), cert.key)) return fail(`${type}.proof.sig: not a valid signature`);

  if (p.wf !== o.workflowId) return fail(`${type}.proof.wf: signed for journey ${p.wf}, not this one`);
  if (p.digest !== eventDigest(o.event)) return fail(`${type}.proof.digest: the event is not the one that was signed`);
  const window = checkWindow(p.iat, p.exp, o.nowMs, PROOF_LIFETIME_MS, `${type}.proof`);
  if (window) return fail(window);
  if (Date.parse(p.iat) < Date.parse(cert.iat) || Date.parse(p.exp) > Date.parse(cert.exp) + CLOCK_SKEW_MS)
    return fail(`${type}.proof: signed outside its session's lifetime`);
  if (o.nonceUsed(p.nonce)) return fail(`${type}.proof.nonce: this signed event was already used`);

  const by = o.event.by as { staffId?: unknown; role?: unknown } | undefined;
  if (by !== undefined && by.staffId !== cert.sub)
    return fail(`${type}.by.staffId: ${String(by.staffId)} is not the signed-in person (${cert.sub})`);
  let role: Role | undefined;
  if (by?.role !== undefined) {
    if (!cert.roles.includes(by.role as Role))
      return fail(`${type}.by.role: ${cert.sub} does not hold the role ${String(by.role)}`);
    role = by.role as Role;
  } else role = o.rolesForEvent.find((r) => cert.roles.includes(r));
  if (!role || !o.rolesForEvent.includes(role))
    return fail(
      `${type}.by.role: ${role ?? cert.roles.join('/')} may not record ${type}; needs ${o.rolesForEvent.join(' or ')}`,
    );
  if (!actsFor(cert.offices, o.office))
    return fail(
      `${type}.by: ${cert.sub} acts for ${cert.offices.join(', ')}, not for this journey's office ${o.office}`,
    );

  return {
    ok: true,
    sender: {
      staffId: cert.sub,
      role,
      office: o.office,
      kid: cert.iss,
      nonce: p.nonce,
      expiresAtMs: Date.parse(p.exp),
    },
  };
}

export type TrustCheck = { ok: true; change: TrustChange; trust: TrustedKey[] } | { ok: false; error: string };

/** Verifies a signed change of trusted keys and returns the journey's new key list. */
export function verifyTrustChange(o: {
  change: unknown;
  workflowId: string;
  trust: readonly TrustedKey[];
  nowMs: number;
  nonceUsed: (nonce: string) => boolean;
}): TrustCheck {
  const fail = (error: string): TrustCheck => ({ ok: false, error });
  const parsed = TrustChange.safeParse(o.change);
  if (!parsed.success) return fail(`trust.${firstIssue(parsed.error)}`);
  const t = parsed.data;
  const key = issuerKey(o.trust, t.kid, o.nowMs, 'trust.kid');
  if (typeof key === 'string') return fail(key);
  if (!verifySig(t.sig, trustBytes(t), key.publicKey)) return fail('trust.sig: not a valid signature');
  if (t.wf !== o.workflowId) return fail(`trust.wf: signed for journey ${t.wf}, not this one`);
  const window = checkWindow(t.iat, t.exp, o.nowMs, PROOF_LIFETIME_MS, 'trust');
  if (window) return fail(window);
  if (o.nonceUsed(t.nonce)) return fail('trust.nonce: this signed change was already used');
  const next = o.trust.filter((k) => !t.retire.includes(k.kid) && !t.add.some((a) => a.kid === k.kid));
  next.push(...t.add);
  if (next.length === 0) return fail('trust.retire: would leave the journey trusting no key');
  if (next.length > 20) return fail('trust.add: a journey trusts at most 20 keys');
  return { ok: true, change: t, trust: next };
}

/**
 * The sender a proof names, read without checking it: for a journey's Update handler, which runs only for
 * events its validator verified (live) or that history records as accepted (replay).
 */
export function senderOfProof(
  event: Record<string, unknown>,
  rolesForEvent: readonly Role[],
  office: string,
): VerifiedSender | null {
  const p = event.proof as Partial<EventProof> | undefined;
  const cert = p?.cert;
  if (!p || !cert || typeof cert.sub !== 'string' || !Array.isArray(cert.roles)) return null;
  const by = event.by as { role?: Role } | undefined;
  const role = by?.role ?? rolesForEvent.find((r) => cert.roles!.includes(r));
  if (!role) return null;
  return {
    staffId: cert.sub,
    role,
    office,
    kid: String(cert.iss),
    nonce: String(p.nonce),
    expiresAtMs: Date.parse(String(p.exp)),
  };
}

export type CertCheck = { ok: true; cert: SessionCert } | { ok: false; error: string };

/**
 * A session certificate on its own (no event): certified by a trusted issuer key, within its lifetime. For
 * services that let a signed-in person read (the codec server), where there is no event to sign.
 */
export function verifySessionCert(raw: unknown, trust: readonly TrustedKey[], nowMs: number): CertCheck {
  const parsed = SessionCert.safeParse(raw);
  if (!parsed.success) return { ok: false, error: `cert.${firstIssue(parsed.error)}` };
  const cert = parsed.data;
  const key = issuerKey(trust, cert.iss, Date.parse(cert.iat), 'cert.iss');
  if (typeof key === 'string') return { ok: false, error: key };
  if (!verifySig(cert.sig, certBytes(cert), key.publicKey))
    return { ok: false, error: 'cert.sig: not a valid signature' };
  const window = checkWindow(cert.iat, cert.exp, nowMs, CERT_LIFETIME_MS, 'cert');
  if (window) return { ok: false, error: window.replace('send the event again', 'sign in again') };
  return { ok: true, cert };
}
