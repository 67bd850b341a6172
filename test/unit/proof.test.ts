// The pure verifier that runs inside the journey's Update validator: every way an attacker might get an event
// accepted without a signed-in person behind it is refused, with a reason naming the field.
import { describe, expect, it } from 'vitest';
import { ROLES_FOR_EVENT } from '../../domain/schemas';
import { publicKeyOf, verifyEventProof, verifyTrustChange, type TrustedKey } from '../../identity/proof';
import { issueCredential, newPrivateKey, signEvent, signTrustChange, type IssuerKey } from '../../identity/signer';

const issuerKey = (kid: string): IssuerKey => {
  const privateKey = newPrivateKey();
  return { kid, privateKey, publicKey: publicKeyOf(privateKey) };
};
const issuer = issuerKey('k-issuer1');
const trust: TrustedKey[] = [{ kid: issuer.kid, publicKey: issuer.publicKey }];
const NOW = Date.parse('2026-03-02T10:00:00.000Z');
const WF = 'hwc-C-1001';
const coach = issueCredential(
  issuer,
  { staffId: 'WC-01', roles: ['work_coach'], offices: ['LEEDS'] },
  { nowMs: NOW - 60_000 },
);
const attended = { type: 'ATTENDED', at: '2026-03-02T10:00:00.000Z' };

function verify(
  event: Record<string, unknown>,
  o: Partial<{ wf: string; office: string; now: number; used: string[]; trust: TrustedKey[] }> = {},
) {
  return verifyEventProof({
    event,
    workflowId: o.wf ?? WF,
    office: o.office ?? 'LEEDS',
    trust: o.trust ?? trust,
    nowMs: o.now ?? NOW,
    rolesForEvent: ROLES_FOR_EVENT[event.type as 'ATTENDED'] ?? ['work_coach'],
    nonceUsed: (n) => (o.used ?? []).includes(n),
  });
}
const refusal = (r: ReturnType<typeof verify>) => (r.ok ? 'accepted' : r.error);

describe('event proofs', () => {
  it('accepts a signed event and names the proven person, role and office', () => {
    const r = verify(signEvent(coach, WF, attended, { nowMs: NOW }));
    expect(r).toMatchObject({
      ok: true,
      sender: { staffId: 'WC-01', role: 'work_coach', office: 'LEEDS', kid: 'k-issuer1' },
    });
  });

  it('refuses an unsigned event, saying how to sign', () => {
    expect(refusal(verify(attended))).toMatch(/^ATTENDED\.proof: missing; .*hwc login/);
  });

  it('refuses a claimed identity that is not the signed-in person', () => {
    const e = signEvent(coach, WF, { ...attended, by: { staffId: 'TL-01', role: 'work_coach' } }, { nowMs: NOW });
    expect(refusal(verify(e))).toMatch(/by\.staffId: TL-01 is not the signed-in person \(WC-01\)/);
  });

  it('refuses a payload changed after signing', () => {
    const e = signEvent(
      coach,
      WF,
      { type: 'FTA_CALL', contacted: true, goodCause: false, at: attended.at },
      { nowMs: NOW },
    );
    expect(refusal(verify({ ...e, goodCause: true }))).toMatch(
      /proof\.digest: the event is not the one that was signed/,
    );
  });

  it('refuses a proof replayed to another journey, or a second time', () => {
    const e = signEvent(coach, WF, attended, { nowMs: NOW });
    expect(refusal(verify(e, { wf: 'hwc-C-2002' }))).toMatch(/proof\.wf: signed for journey hwc-C-1001, not this one/);
    const nonce = (e.proof as { nonce: string }).nonce;
    expect(refusal(verify(e, { used: [nonce] }))).toMatch(/proof\.nonce: this signed event was already used/);
  });

  it('refuses an expired proof and a proof from the future', () => {
    const e = signEvent(coach, WF, attended, { nowMs: NOW });
    expect(refusal(verify(e, { now: NOW + 6 * 60_000 }))).toMatch(/proof: expired at/);
    expect(refusal(verify(e, { now: NOW - 10 * 60_000 }))).toMatch(/iat: .* is in the future/);
  });

  it('refuses the wrong office and the wrong role', () => {
    expect(refusal(verify(signEvent(coach, WF, attended, { nowMs: NOW }), { office: 'MAN01' }))).toMatch(
      /WC-01 acts for LEEDS, not for this journey's office MAN01/,
    );
    const dm = signEvent(coach, WF, { type: 'DM_DECISION', sanction: true, at: attended.at }, { nowMs: NOW });
    expect(refusal(verify(dm))).toMatch(/by\.role: work_coach may not record DM_DECISION; needs decision_maker/);
    const claimed = signEvent(
      coach,
      WF,
      { ...attended, by: { staffId: 'WC-01', role: 'team_leader' } },
      { nowMs: NOW },
    );
    expect(refusal(verify(claimed))).toMatch(/by\.role: WC-01 does not hold the role team_leader/);
  });

  it('refuses a certificate from a key the journey does not trust, and a forged certificate', () => {
    const rogue = issuerKey('k-issuer1'); // same id, different key
    const forged = issueCredential(
      rogue,
      { staffId: 'WC-01', roles: ['decision_maker'], offices: ['*'] },
      { nowMs: NOW },
    );
    expect(refusal(verify(signEvent(forged, WF, attended, { nowMs: NOW })))).toMatch(
      /proof\.cert\.sig: not a valid signature/,
    );
    const other = issueCredential(
      issuerKey('k-other'),
      { staffId: 'WC-01', roles: ['work_coach'], offices: ['LEEDS'] },
      { nowMs: NOW },
    );
    expect(refusal(verify(signEvent(other, WF, attended, { nowMs: NOW })))).toMatch(/key k-other is not trusted/);
    // Privilege escalation by editing the certificate: the issuer's signature no longer matches.
    const e = signEvent(coach, WF, attended, { nowMs: NOW });
    const edited = { ...e, proof: { ...e.proof, cert: { ...e.proof.cert, roles: ['decision_maker'] } } };
    expect(refusal(verify(edited))).toMatch(/proof\.cert\.sig: not a valid signature/);
  });

  it('refuses a proof signed with another session key for the same certificate', () => {
    const thief = { cert: coach.cert, sessionKey: newPrivateKey() };
    expect(refusal(verify(signEvent(thief, WF, attended, { nowMs: NOW })))).toMatch(
      /proof\.sig: not a valid signature/,
    );
  });

  it('refuses a certificate past its lifetime or signed by a retired key', () => {
    const late = NOW + 13 * 60 * 60_000;
    expect(refusal(verify(signEvent(coach, WF, attended, { nowMs: late }), { now: late }))).toMatch(
      /proof\.cert: expired/,
    );
    const retired = [{ ...trust[0], notAfter: new Date(NOW - 2 * 60 * 60_000).toISOString() }];
    expect(refusal(verify(signEvent(coach, WF, attended, { nowMs: NOW }), { trust: retired }))).toMatch(
      /was retired at/,
    );
  });
});

describe('trust changes (key rotation)', () => {
  const next = issuerKey('k-issuer2');
  it('adds a key when signed by a trusted key, then proofs from the new key verify', () => {
    const change = signTrustChange(issuer, WF, { add: [{ kid: next.kid, publicKey: next.publicKey }] }, { nowMs: NOW });
    const r = verifyTrustChange({ change, workflowId: WF, trust, nowMs: NOW, nonceUsed: () => false });
    expect(r.ok).toBe(true);
    const cred = issueCredential(next, { staffId: 'WC-01', roles: ['work_coach'], offices: ['LEEDS'] }, { nowMs: NOW });
    expect(verify(signEvent(cred, WF, attended, { nowMs: NOW }), { trust: r.ok ? r.trust : [] }).ok).toBe(true);
  });
  it('refuses a change signed by an untrusted key or for another journey', () => {
    const bad = signTrustChange(next, WF, { add: [{ kid: 'k-evil', publicKey: next.publicKey }] }, { nowMs: NOW });
    expect(verifyTrustChange({ change: bad, workflowId: WF, trust, nowMs: NOW, nonceUsed: () => false })).toMatchObject(
      {
        ok: false,
        error: expect.stringMatching(/key k-issuer2 is not trusted/),
      },
    );
    const other = signTrustChange(issuer, 'hwc-C-9', { add: [] }, { nowMs: NOW });
    expect(
      verifyTrustChange({ change: other, workflowId: WF, trust, nowMs: NOW, nonceUsed: () => false }),
    ).toMatchObject({
      ok: false,
    });
  });
});
