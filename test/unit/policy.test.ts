// The policy: what-if files are validated field by field, and every parameter changes exactly the deadline or
// decision it names (pure engine, no server). The default policy is the rulebook's (scenarios.test.ts pins
// every trace under it; golden-histories.test.ts shows journeys without a recorded policy replay unchanged).
import { describe, expect, it } from 'vitest';
import {
  CURRENT_POLICY,
  HWC_POLICY_V1,
  POLICY_WHEN_NONE_RECORDED,
  applyOverride,
  parsePolicyOverride,
  policyDifferences,
  recordedPolicy,
  type Policy,
} from '../../domain/policy';
import { Scenario, type Trace } from '../../domain/schemas';
import { startJourney } from '../../machines/step';
import { PureEngine } from '../../simulator/pure-engine';
import { runScenario } from '../../simulator/runner';

const claimant = {
  claimantRef: 'C-7001',
  office: 'LEEDS',
  dateOfBirth: '1980-04-02',
  claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 91.15 },
  lms: { mobile: '07700900123' },
};

const scenario = (events: object[], over: Record<string, unknown> = {}) =>
  Scenario.parse({ name: 'policy', start: '2026-01-20T09:00:00.000Z', office: 'LEEDS', claimant, events, ...over });

const run = (s: Scenario, policy: Policy = CURRENT_POLICY): Promise<Trace> =>
  runScenario(s, new PureEngine(s, undefined, policy));

const what = (o: Record<string, unknown>) => {
  const r = parsePolicyOverride(o);
  if (!r.ok) throw new Error(r.error);
  return applyOverride(CURRENT_POLICY, r.override);
};

const BC = { type: 'BOOKING_CALL', contacted: true };
const PC = { type: 'PRE_CALL', result: 'confirmed' };
const FTA = { type: 'FAILED_TO_ATTEND' };
const noGoodCauseWillRebook = { type: 'FTA_CALL', contacted: true, goodCause: false, willRebook: true };

describe('what-if files', () => {
  it.each([
    [{ doubtWindow: 10 }, /^doubtWindow: not a policy parameter; the parameters are contactWindowWorkingDays, /],
    [{ doubtWindowWorkingDays: '10' }, /^doubtWindowWorkingDays: must be a whole number of working days from 1 to 60$/],
    [{ doubtWindowWorkingDays: 2.5 }, /^doubtWindowWorkingDays: must be a whole number of working days from 1 to 60$/],
    [{ doubtWindowWorkingDays: 0 }, /^doubtWindowWorkingDays: must be a whole number of working days from 1 to 60$/],
    [{ wcaHorizonDays: 400 }, /^wcaHorizonDays: must be a whole number of days from 0 to 365$/],
    [{ easement: 'no' }, /^easement: must be true or false$/],
    [{ name: '' }, /^name: must not be empty$/],
    [[1, 2], /^\(root\): must be a JSON object of policy parameters/],
    [{ 'Janet Okon 1980-04-02': 1 }, /^\(a key\): not a policy parameter/],
  ])('%j is refused, naming the field', (value, message) => {
    const r = parsePolicyOverride(value);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(message);
  });

  it('an override changes only what it names, and says so in the name', () => {
    const p = what({ doubtWindowWorkingDays: 10 });
    expect(p).toEqual({
      ...HWC_POLICY_V1,
      doubtWindowWorkingDays: 10,
      name: 'HWC guidance with doubtWindowWorkingDays=10',
    });
    expect(policyDifferences(CURRENT_POLICY, p)).toEqual([{ parameter: 'doubtWindowWorkingDays', a: 7, b: 10 }]);
    expect(what({ name: 'ten days', doubtWindowWorkingDays: 10 }).name).toBe('ten days');
    expect(what({}).name).toBe(CURRENT_POLICY.name);
  });

  it('a journey keeps the policy of its input; one without (started before policies) runs under version 1', () => {
    const base = { office: 'LEEDS', record: scenario([]).claimant, start: '2026-01-20T09:00:00.000Z', holidays: [] };
    const p = what({ easement: false });
    expect(startJourney({ ...base, policy: p }).snapshot.context.policy).toEqual(p);
    expect(startJourney(base).snapshot.context.policy).toEqual(POLICY_WHEN_NONE_RECORDED);
    expect(POLICY_WHEN_NONE_RECORDED).toEqual(HWC_POLICY_V1);
    expect(recordedPolicy(undefined)).toBeUndefined();
    expect(recordedPolicy({ ...p, version: 0 })).toBeNull();
    expect(recordedPolicy(p)).toEqual(p);
  });
});

describe('each parameter moves its own deadline or decision', () => {
  const easementThenFailure = [BC, PC, FTA, noGoodCauseWillRebook, PC, FTA, noGoodCauseWillRebook];

  it('doubtWindowWorkingDays: the referral comes 10 working days after the doubt instead of 7', async () => {
    const s = scenario(easementThenFailure);
    const base = await run(s);
    const longer = await run(s, what({ doubtWindowWorkingDays: 10 }));
    expect(base.doubts[0].raisedAt).toBe('2026-02-05T10:00:00.000Z');
    expect(base.referredToDmAt).toBe('2026-02-16T17:00:00.000Z'); // Thu 5 Feb + 7 wd = Mon 16 Feb
    expect(longer.referredToDmAt).toBe('2026-02-19T17:00:00.000Z'); // + 10 wd = Thu 19 Feb
  });

  it('contactWindowWorkingDays: the safeguard visit is arranged when the longer contact window closes', async () => {
    const s = scenario([BC, PC, FTA, { type: 'FTA_CALL', contacted: false }]);
    const base = await run(s);
    const longer = await run(s, what({ contactWindowWorkingDays: 9 }));
    const visit = (t: Trace) => t.transitions.find((x) => x.event === 'CONTACT_WINDOW_CLOSED')?.at;
    expect(visit(base)).toBe('2026-02-11T17:00:00.000Z'); // Mon 2 Feb + 7 wd
    expect(visit(longer)).toBe('2026-02-13T17:00:00.000Z'); // + 9 wd
  });

  it('easement: without it, "prepared to rebook" goes straight to the doubt path', async () => {
    const s = scenario([BC, PC, FTA, noGoodCauseWillRebook]);
    const t = await run(s, what({ easement: false }));
    expect(t.easementUsed).toBe(false);
    expect(t.stage).toBe('awaitingDmDecision');
    expect(t.doubts).toEqual([{ raisedAt: '2026-02-02T10:00:00.000Z', withdrawnAt: null }]);
    expect((await run(s)).easementUsed).toBe(true);
  });

  it('preCallLeadWorkingDays: the pre-call is 3 working days before the HWC', async () => {
    const t = await run(scenario([BC]), what({ preCallLeadWorkingDays: 3 }));
    expect(t.appointments.filter((a) => a.kind === 'PRE_CALL').map((a) => a.at)).toEqual(['2026-01-28T10:00:00.000Z']);
  });

  it('targetAfterClaimStartDays and targetAfterScreeningWorkingDays move the target date', async () => {
    const hwcAt = async (p: Policy) => (await run(scenario([BC]), p)).appointments.find((a) => a.kind === 'HWC')?.at;
    expect(await hwcAt(CURRENT_POLICY)).toBe('2026-02-02T10:00:00.000Z'); // 5 Jan + 28 days
    expect(await hwcAt(what({ targetAfterClaimStartDays: 35 }))).toBe('2026-02-09T10:00:00.000Z');
    expect(await hwcAt(what({ targetAfterScreeningWorkingDays: 12 }))).toBe('2026-02-05T10:00:00.000Z'); // 20 Jan + 12 wd
  });

  it('wcaHorizonDays: a WCA 23 days after the target ends the journey only under a 28-day horizon', async () => {
    const s = scenario([], { claimant: { ...claimant, wca: { scheduledDate: '2026-02-25' } } });
    expect((await run(s)).outcome).toBeNull();
    const t = await run(s, what({ wcaHorizonDays: 28 }));
    expect([t.outcome, t.reason]).toEqual(['NOT_REQUIRED', 'WCA_WITHIN_3_WEEKS']);
  });

  it('bookingCallWorkingDays: booking without contact waits 4 working days', async () => {
    const t = await run(scenario([]), what({ bookingCallWorkingDays: 4 }));
    expect(t.transitions.find((x) => x.event === 'BOOKING_CALL_TIMEOUT')?.at).toBe('2026-01-26T17:00:00.000Z');
  });

  it('rebookingLeadWorkingDays: a rebooked HWC is 5 working days after the decision', async () => {
    const t = await run(scenario([BC, PC, FTA, noGoodCauseWillRebook]), what({ rebookingLeadWorkingDays: 5 }));
    expect(t.appointments.filter((a) => a.kind === 'HWC').map((a) => a.at)).toEqual([
      '2026-02-02T10:00:00.000Z',
      '2026-02-09T10:00:00.000Z',
    ]);
  });
});
