// What people do, drawn at random: for a weekly report (claimant records, no scripted events) the caseload
// simulator decides each wait's event from a behaviour model and a seeded generator, so a run is
// reproducible (`--seed`) and two policies can be compared on the same people making the same choices. The
// defaults come from the evaluation of the Employment and Health Discussion proof of concept (DWP ad hoc
// research report 113, May 2025) where it has a figure, and are stated assumptions where it has none
// (docs/mi.md lists which is which).
import { z } from 'zod';
import { addDays, addWorkingDays, atLocal, localDate } from '../domain/calendar';
import type { Policy } from '../domain/policy';
import { deferralCandidates } from '../domain/rules';
import { ROLES_FOR_EVENT, type ClaimantRecord, type JourneyEvent, type Trace } from '../domain/schemas';
import { isEnded, nextTimer, stageOf, startJourney, step, toTrace, type JourneyState } from '../machines/step';

const p = (what: string) =>
  z
    .number({ message: `must be a probability from 0 to 1 (${what})` })
    .min(0)
    .max(1);

export const BEHAVIOUR_PARAMETERS = {
  /** The booking call reaches the claimant (else nothing is recorded and the HWC is booked without contact). */
  bookingCallReached: p('booking call reaches the claimant'),
  /** The pre-call reaches the claimant (else `no_answer`). */
  preCallReached: p('pre-call reaches the claimant'),
  /** At the pre-call the claimant reports circumstances that end the need for the HWC. */
  preCallNoLongerRequired: p('pre-call finds the HWC no longer needed'),
  /** The claimant attends a booked HWC (else FAILED_TO_ATTEND). */
  attends: p('attends the HWC'),
  /** Having attended, the claimant fails to participate. */
  failsToParticipate: p('fails to participate after attending'),
  /** The FTA phone call reaches the claimant. */
  ftaCallReached: p('FTA call reaches the claimant'),
  /** A claimant who failed gives a reason accepted as good cause. */
  goodCause: p('good cause for a failure'),
  /** Without good cause, the claimant is prepared to rebook. */
  preparedToRebook: p('prepared to rebook'),
  /** The claimant makes contact within 7 working days of a contact or doubt window opening (longer or
   *  shorter windows scale this as a constant chance per working day). */
  contactWithinSevenWorkingDays: p('contact within 7 working days'),
  /** The claimant is seen at a safeguard visit. */
  seenAtSafeguardVisit: p('seen at the safeguard visit'),
  /** The decision maker decides to sanction. */
  sanction: p('decision maker sanctions'),
  /** The claim closes at some point during the journey (a day drawn within its first 60 days). */
  claimClosed: p('claim closes during the journey'),
  /** A work coach defers a deferral candidate (once; at the review the case proceeds). */
  deferralCandidateDeferred: p('deferral candidate deferred'),
  /** A team leader advises that an unclear case is exempt. */
  teamLeaderAdvisesExempt: p('team leader advises exempt'),
} as const;

export const BehaviourModel = z.strictObject(BEHAVIOUR_PARAMETERS);
export type BehaviourModel = z.infer<typeof BehaviourModel>;

/** Figures from the evaluation (report 113) where it has them; assumptions otherwise (docs/mi.md). */
export const DEFAULT_BEHAVIOUR: BehaviourModel = Object.freeze({
  bookingCallReached: 0.8, // assumption
  preCallReached: 0.8, // assumption
  preCallNoLongerRequired: 0.02, // assumption
  attends: 0.87, // Table 3.2.1: 87% of scheduled appointments attended
  failsToParticipate: 0.15, // §3.2.4: 22% returned for non-engagement, 69% of them after attending
  ftaCallReached: 0.6, // assumption
  goodCause: 0.62, // Table 3.2.1: of the 13% not attended, 8 points "unable to attend", 5 "failed to attend"
  preparedToRebook: 0.7, // assumption
  contactWithinSevenWorkingDays: 0.5, // assumption
  seenAtSafeguardVisit: 0.7, // assumption
  sanction: 0.5, // assumption
  claimClosed: 0.007, // §3.1.6: 8 of 1,219 referrals ended because the UC claim closed
  deferralCandidateDeferred: 0.5, // assumption
  teamLeaderAdvisesExempt: 0.3, // assumption
});

export const BehaviourOverride = BehaviourModel.partial();

/** mulberry32: small, fast, and good enough for drawing choices; seeded per claimant. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of the run's seed and the claimant: each person's choices do not depend on who else is in the
 *  report or in what order, so a what-if run meets the same people making the same first choices. */
export function seedFor(seed: number, claimantRef: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < claimantRef.length; i++) h = Math.imul(h ^ claimantRef.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

type Planned = { at: string; event: JourneyEvent };

export interface ClaimantRun {
  record: ClaimantRecord;
  office: string;
  start: string;
  holidays: string[];
  policy: Policy;
  model: BehaviourModel;
  seed: number;
}

/** A journey only simulated people act in: at most this many inputs (a loop would be a bug in the model). */
const MAX_INPUTS = 400;

const CONVERSATION: { actions: { what: string; where: string; when: string }[]; myValues: 'completed' } = {
  actions: [{ what: 'Voluntary action', where: 'Agreed with the work coach', when: 'Within a month' }],
  myValues: 'completed',
};

/** Runs one claimant's journey to its end (or to a wait with nothing ahead) and returns its trace. */
export function simulateClaimant(run: ClaimantRun): Trace {
  const { record, model, policy } = run;
  const cal = { holidays: run.holidays };
  const random = generator(seedFor(run.seed, record.claimantRef));
  const chance = (probability: number) => random() < probability;
  const by = (type: JourneyEvent['type']) => ({ staffId: 'simulated', role: ROLES_FOR_EVENT[type][0] });
  const at = (day: string, time: string) => atLocal(day, time);
  const after = (instant: string, minutes: number) => new Date(Date.parse(instant) + minutes * 60_000).toISOString();

  let state: JourneyState = startJourney({ ...run, policy });
  // The claim closing is not a reply to a wait: it happens on its own day, if it does.
  let closes = chance(model.claimClosed)
    ? at(addDays(localDate(run.start), 1 + Math.floor(random() * 60)), '12:00')
    : null;
  let deferredOnce = false;
  let planFor = -1;
  let planned: Planned | null = null;

  /** The working day on which a claimant makes contact within a window of `days`, if they do. */
  const contactDay = (days: number): number | null => {
    const perDay = 1 - Math.pow(1 - model.contactWithinSevenWorkingDays, 1 / 7);
    for (let k = 1; k <= days; k++) if (chance(perDay)) return k;
    return null;
  };
  const contactOutcome = () => {
    const goodCause = chance(model.goodCause);
    return goodCause ? { goodCause } : { goodCause, willRebook: chance(model.preparedToRebook) };
  };

  /** What the people involved do in this wait (decided once, when the journey enters it). */
  const plan = (s: JourneyState): Planned | null => {
    const c = s.snapshot.context;
    const now = c.now;
    const today = localDate(now);
    const nextDay = (n: number, time: string) => at(addWorkingDays(today, n, cal), time);
    switch (stageOf(s.snapshot)) {
      case 'awaitingReassignment':
        return { at: nextDay(1, '11:00'), event: { type: 'CASE_REASSIGNED' } };
      case 'awaitingTeamLeaderAdvice':
        return {
          at: nextDay(1, '11:00'),
          event: chance(model.teamLeaderAdvisesExempt)
            ? { type: 'TEAM_LEADER_ADVICE', exempt: true, category: 'TERMINAL_ILLNESS' }
            : { type: 'TEAM_LEADER_ADVICE', exempt: false },
        };
      case 'awaitingDeferralDecision': {
        const category = deferralCandidates(c.record, today)[0];
        if (!deferredOnce && category && chance(model.deferralCandidateDeferred)) {
          deferredOnce = true;
          return { at: nextDay(1, '11:00'), event: { type: 'DEFER', category, until: addDays(today, 28) } };
        }
        return { at: nextDay(1, '11:00'), event: { type: 'PROCEED' } };
      }
      case 'awaitingBookingCall':
        // Not reached: nobody records anything and the journey books without contact at its deadline.
        return chance(model.bookingCallReached)
          ? { at: laterOf(now, at(today, '11:00')), event: { type: 'BOOKING_CALL', contacted: true } }
          : null;
      case 'awaitingPreCallResult': {
        if (!chance(model.preCallReached))
          return { at: after(now, 15), event: { type: 'PRE_CALL', result: 'no_answer' } };
        const result = chance(model.preCallNoLongerRequired) ? 'no_longer_required' : 'confirmed';
        return { at: after(now, 15), event: { type: 'PRE_CALL', result } };
      }
      case 'awaitingAttendance':
        return chance(model.attends)
          ? { at: now, event: { type: 'ATTENDED' } }
          : { at: after(now, 60), event: { type: 'FAILED_TO_ATTEND' } };
      case 'inConversation':
        return chance(model.failsToParticipate)
          ? { at: after(now, 20), event: { type: 'FAILED_TO_PARTICIPATE', reason: 'did not take part (simulated)' } }
          : { at: after(now, 40), event: { type: 'CONVERSATION_COMPLETED', ...CONVERSATION } };
      case 'awaitingFtaCall':
        return chance(model.ftaCallReached)
          ? { at: after(now, 120), event: { type: 'FTA_CALL', contacted: true, ...contactOutcome() } }
          : { at: after(now, 120), event: { type: 'FTA_CALL', contacted: false } };
      case 'contactWindow':
      case 'doubtWindow': {
        const days =
          stageOf(s.snapshot) === 'contactWindow' ? policy.contactWindowWorkingDays : policy.doubtWindowWorkingDays;
        const k = contactDay(days);
        return k === null
          ? null
          : { at: nextDay(k, '11:00'), event: { type: 'CLAIMANT_CONTACT', ...contactOutcome() } };
      }
      case 'awaitingSafeguardVisit':
        return chance(model.seenAtSafeguardVisit)
          ? { at: nextDay(2, '11:00'), event: { type: 'SAFEGUARD_VISIT', seen: true, ...contactOutcome() } }
          : { at: nextDay(2, '11:00'), event: { type: 'SAFEGUARD_VISIT', seen: false } };
      case 'awaitingDmDecision':
        return { at: nextDay(5, '12:00'), event: { type: 'DM_DECISION', sanction: chance(model.sanction) } };
      default:
        return null; // waits that end at a deadline: deferred, awaitingPreCallTime, awaitingHwc
    }
  };

  for (let inputs = 0; inputs < MAX_INPUTS && !isEnded(state); inputs++) {
    if (state.transitions.length !== planFor) {
      planFor = state.transitions.length;
      planned = plan(state);
    }
    const timer = nextTimer(state);
    const closing = closes !== null && (!planned || closes < planned.at);
    const person: Planned | null = closing ? { at: closes!, event: { type: 'CLAIM_CLOSED' } } : planned;
    // A deadline due at the same instant as a person's event fires first (B4).
    if (person && (!timer || person.at < timer.at)) {
      if (closing) closes = null;
      else planned = null;
      const event = {
        ...person.event,
        at: laterOf(state.snapshot.context.now, person.at),
        by: by(person.event.type),
      } as JourneyEvent & { at: string };
      // The claim closing while the decision maker is awaited (or anything the journey no longer accepts)
      // changes nothing.
      if (acceptsNow(state, event.type)) state = step(state, event);
      continue;
    }
    if (!timer) break;
    state = step(state, timer);
  }
  return toTrace(state);
}

const laterOf = (a: string, b: string) => (a > b ? a : b);

function acceptsNow(s: JourneyState, type: string): boolean {
  for (const node of s.snapshot._nodes) if ((node.ownEvents as readonly string[]).includes(type)) return true;
  return false;
}
