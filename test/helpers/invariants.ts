// The invariants of journey.md A6 (plus the bookkeeping the trace contract B5 promises), checked on one
// journey state together with the person events it accepted. Each check returns readable violations, so a
// model-based test, a property test or a scenario run can all report *which* rule broke and how.
import {
  addDays,
  addWorkingDays,
  atLocal,
  closeOfBusiness,
  laterOf,
  localDate,
  localTime,
  subtractWorkingDays,
} from '../../domain/calendar';
import { workCoachFor } from '../../domain/rules';
import { REPEATING_TIMERS, TIMER_EVENTS, type RecordedEffect, type TimerEvent } from '../../machines/context';
import {
  acceptedEvents,
  isEnded,
  nextTimer,
  stageOf,
  toTrace,
  type JourneyState,
  type PersonEvent,
} from '../../machines/step';

export interface Observed {
  state: JourneyState;
  /** The person events the journey accepted, in order, with their logical times. */
  inputs: readonly PersonEvent[];
}

/** Waits for a person with no default of their own: they must escalate (A7). */
export const PERSON_WAITS = [
  'awaitingReassignment',
  'awaitingTeamLeaderAdvice',
  'awaitingDeferralDecision',
  'awaitingAttendance',
  'inConversation',
  'awaitingFtaCall',
  'awaitingSafeguardVisit',
  'awaitingDmDecision',
] as const;
/** Waits that end by themselves at a deadline (A3 defaults). */
export const DEADLINE_WAITS: Record<string, TimerEvent> = {
  deferred: 'REVIEW_DUE',
  awaitingBookingCall: 'BOOKING_CALL_TIMEOUT',
  awaitingPreCallTime: 'PRE_CALL_DUE',
  awaitingPreCallResult: 'HWC_DUE',
  awaitingHwc: 'HWC_DUE',
  contactWindow: 'CONTACT_WINDOW_CLOSED',
  doubtWindow: 'DOUBT_WINDOW_CLOSED',
};
export const FINAL_STAGES = ['completed', 'exempt', 'notRequired', 'sanctionReferred'] as const;

const EASEMENT_NOTE = 'FTA without good cause – prepared to re-engage so no DMA action taken';

type Resolution = 'exempt' | 'goodCause' | 'easement' | 'doubt';
interface Contact {
  at: string;
  type: string;
  resolution: Resolution;
}

/**
 * The contact rule of A3.7, written again independently of the machine: how each accepted call, contact or
 * visit had to be resolved. An unanswered FTA call is not a contact.
 */
export function resolveContacts(inputs: readonly PersonEvent[]): Contact[] {
  let easementSpent = false;
  const out: Contact[] = [];
  for (const e of inputs) {
    if (e.type !== 'FTA_CALL' && e.type !== 'CLAIMANT_CONTACT' && e.type !== 'SAFEGUARD_VISIT') continue;
    if (e.type === 'FTA_CALL' && !e.contacted) continue;
    let resolution: Resolution;
    if (e.exemptCategory) resolution = 'exempt';
    else if (e.type === 'SAFEGUARD_VISIT' && !e.seen) resolution = 'doubt';
    else if (e.goodCause) resolution = 'goodCause';
    else if (e.willRebook === true && !easementSpent) {
      resolution = 'easement';
      easementSpent = true;
    } else resolution = 'doubt';
    out.push({ at: e.at, type: e.type, resolution });
  }
  return out;
}

const ascending = (xs: string[]) => xs.every((x, i) => i === 0 || xs[i - 1] <= x);

export function checkInvariants({ state, inputs }: Observed): string[] {
  const v: string[] = [];
  const fail = (rule: string, msg: string) => v.push(`${rule}: ${msg}`);
  const c = state.snapshot.context;
  const trace = toTrace(state);
  const cal = { holidays: c.holidays };
  const ended = isEnded(state);
  const stage = stageOf(state.snapshot);
  const effects = c.effects as RecordedEffect[];
  const contacts = resolveContacts(inputs);
  const failures = inputs.filter((e) => e.type === 'FAILED_TO_ATTEND' || e.type === 'FAILED_TO_PARTICIPATE');

  // --- Bookkeeping (B5): status, outcome and ordering agree with each other.
  if (ended !== (trace.status === 'ended')) fail('B5', `status ${trace.status} but machine done=${ended}`);
  if (ended && (!trace.outcome || !trace.endedAt)) fail('B5', 'ended without an outcome or endedAt');
  if (!ended && (trace.outcome || trace.endedAt)) fail('A7', `running with outcome ${trace.outcome}`);
  if (ended && !(FINAL_STAGES as readonly string[]).includes(stage)) fail('B5', `ended in non-final stage ${stage}`);
  for (const key of ['letters', 'notifications', 'markers', 'escalations', 'transitions'] as const)
    if (!ascending(trace[key].map((x) => x.at))) fail('B5', `${key} not in time order`);
  if (!ascending(trace.appointments.map((a) => a.at))) fail('B5', 'appointments not ordered by time');
  if (!ascending(trace.doubts.map((d) => d.raisedAt))) fail('B5', 'doubts not in time order');
  if (trace.outcome === 'SANCTION_REFERRED' ? !trace.dmDecision : trace.dmDecision)
    fail('B3', `dmDecision ${trace.dmDecision} with outcome ${trace.outcome}`);
  if (ended && effects.some((e) => e.at > trace.endedAt!)) fail('A6.3/A6.4', 'an effect after the outcome');
  if (ended && state.transitions.some((t) => t.at > trace.endedAt!))
    fail('A6.3/A6.4', 'a transition after the outcome');
  if (ended && (acceptedEvents(state).length || nextTimer(state)))
    fail('A6.8', 'an ended journey still accepts events or has timers');

  // --- A6.1 SANCTION_REFERRED only after failure, doubt, a closed 7 wd window without good cause, and
  // either "not prepared to rebook" or a spent easement.
  if (trace.outcome === 'SANCTION_REFERRED' && !trace.referredToDmAt) fail('A6.1', 'sanction outcome without referral');
  if (trace.referredToDmAt) {
    const referred = trace.referredToDmAt;
    if (!failures.some((f) => f.at <= referred)) fail('A6.1', 'referred without a failure');
    if (!trace.appointments.some((a) => a.kind === 'HWC' && (a.status === 'fta' || a.status === 'ftp')))
      fail('A6.1', 'referred but no HWC is marked fta or ftp');
    const open = trace.doubts.filter((d) => d.withdrawnAt === null);
    if (open.length !== 1) fail('A6.1', `referred with ${open.length} open doubts`);
    for (const d of open) {
      if (d.raisedAt > referred) fail('A6.1', 'doubt raised after the referral');
      const closes = closeOfBusiness(addWorkingDays(localDate(d.raisedAt), 7, cal));
      if (referred < closes) fail('A6.1', `referred at ${referred} before the doubt window closed at ${closes}`);
      if (contacts.some((x) => x.at >= d.raisedAt && x.at <= referred && x.resolution !== 'doubt'))
        fail('A6.1', 'referred although good cause, easement or exemption was accepted after the doubt');
    }
    const last = contacts.filter((x) => x.at <= referred).at(-1);
    if (!last) fail('A6.1', 'referred without any contact, visit or answered call');
    else if (last.resolution !== 'doubt') fail('A6.1', `last contact before referral resolved as ${last.resolution}`);
    if (inputs.some((e) => e.type === 'DM_DECISION' && e.at < referred)) fail('A6.1', 'DM decision before referral');
  }
  for (const d of trace.doubts)
    if (!failures.some((f) => f.at <= d.raisedAt)) fail('A6.1', `doubt raised at ${d.raisedAt} before any failure`);

  // --- A6.2 the easement is used at most once, and exactly when the contact rule says so.
  const easementNotes = effects.filter((e) => e.kind === 'lms.note' && e.text === EASEMENT_NOTE).length;
  const oracleEasements = contacts.filter((x) => x.resolution === 'easement').length;
  if (easementNotes > 1) fail('A6.2', `easement used ${easementNotes} times`);
  if (easementNotes !== oracleEasements)
    fail('A6.2', `easement used ${easementNotes} times, the contact rule says ${oracleEasements}`);
  if (trace.easementUsed !== easementNotes > 0)
    fail('A6.2', `easementUsed=${trace.easementUsed} with ${easementNotes} uses`);

  // --- A6.3 EXEMPT / NOT_REQUIRED: no doubt left, no referral, nothing still booked.
  if (trace.outcome === 'EXEMPT' || trace.outcome === 'NOT_REQUIRED') {
    const endedAt = trace.endedAt!;
    if (trace.doubts.some((d) => d.withdrawnAt === null)) fail('A6.3', 'a doubt is still open');
    if (trace.doubts.some((d) => d.raisedAt > endedAt)) fail('A6.3', 'a doubt raised after the outcome');
    if (trace.referredToDmAt) fail('A6.3', 'referred to the decision maker');
    if (trace.appointments.some((a) => a.status === 'booked')) fail('A6.3', 'an appointment is still booked');
    if (trace.outcome === 'EXEMPT') {
      const m = trace.markers.at(-1);
      if (!m || m.stage !== 'Exempt CC & HWC' || m.at !== endedAt) fail('A7', 'EXEMPT without the Exempt marker');
    }
  }

  // --- A6.4 nothing after HWC_COMPLETED: no doubt, no referral, no failure letters.
  if (trace.outcome === 'HWC_COMPLETED') {
    const endedAt = trace.endedAt!;
    if (trace.doubts.some((d) => d.withdrawnAt === null)) fail('A6.4', 'completed with an open doubt');
    if (trace.referredToDmAt) fail('A6.4', 'completed but referred');
    if (state.transitions.at(-1)?.event !== 'CONVERSATION_COMPLETED')
      fail('A6.4', 'something happened after completion');
    if (trace.letters.some((l) => l.at >= endedAt && ['FTA_LETTER', 'FTP_LETTER', 'ESA10'].includes(l.type)))
      fail('A6.4', 'a failure letter at or after completion');
  }

  // --- A6.5 every booked HWC: ESAHWC1 sent when booking, pre-call by the same work coach 2 wd before at
  // the same time of day (or at once if that has passed).
  // The case's work coach: the record's, until a team leader moves the case (WORK_COACH_CHANGED).
  let coach = workCoachFor(c.record);
  const coachOf = new Map<number, string>();
  const statusOf = new Map<number, string>();
  effects.forEach((e, i) => {
    if (e.kind === 'lms.assignCase') coach = e.workCoach;
    if (e.kind === 'lms.updateAppointment') statusOf.set(e.appointmentId, e.status);
    if (e.kind === 'lms.moveAppointment') {
      if (statusOf.get(e.appointmentId) !== 'booked')
        fail('WORK_COACH_CHANGED', `appointment ${e.appointmentId} moved while ${statusOf.get(e.appointmentId)}`);
      if (e.workCoach !== coach) fail('WORK_COACH_CHANGED', `appointment moved to ${e.workCoach}, not ${coach}`);
      coachOf.set(e.appointmentId, e.workCoach);
    }
    if (e.kind === 'lms.bookAppointment') {
      coachOf.set(e.appointmentId, e.workCoach);
      statusOf.set(e.appointmentId, 'booked');
    }
    if (e.kind !== 'lms.bookAppointment' || e.appointment !== 'HWC') return;
    const hwc = c.appointments.find((a) => a.id === e.appointmentId);
    const hwcAt = e.appointmentAt;
    if (!hwc || hwc.at !== hwcAt) fail('A6.5', `booking effect for ${hwcAt} does not match the diary (${hwc?.at})`);
    if (hwcAt <= e.at) fail('A6.5', `HWC at ${hwcAt} booked for a time not after the booking (${e.at})`);
    if (e.workCoach !== coach) fail('A6.5', `HWC booked for ${e.workCoach}, not ${coach}`);
    const pre = effects[i + 1];
    const preAt = laterOf(e.at, atLocal(subtractWorkingDays(localDate(hwcAt), 2, cal), localTime(hwcAt)));
    if (pre?.kind !== 'lms.bookAppointment' || pre.appointment !== 'PRE_CALL')
      fail('A6.5', `HWC at ${hwcAt} booked without a pre-call`);
    else {
      if (pre.workCoach !== e.workCoach) fail('A6.5', 'pre-call with a different work coach');
      if (pre.appointmentAt !== preAt) fail('A6.5', `pre-call at ${pre.appointmentAt}, expected ${preAt}`);
    }
    const letter = effects.slice(i + 1).find((x) => x.kind === 'comms.letter' && x.letter === 'ESAHWC1');
    if (!letter || letter.at !== e.at) fail('A6.5', `HWC at ${hwcAt} booked without an ESAHWC1 letter`);
  });
  for (const a of c.appointments)
    if (a.workCoach !== coachOf.get(a.id))
      fail('A6.5', `${a.kind} at ${a.at} with ${a.workCoach}, booked or moved for ${coachOf.get(a.id)}`);
  if (trace.workCoach !== coach) fail('B5', `trace says work coach ${trace.workCoach}, the case is ${coach}'s`);

  // --- A6.6 no HWC is held when a WCA is known to be within 21 days after it (a past WCA included).
  // "Known" follows the order of inputs (a WCA learned after ATTENDED, even at the same instant, is not).
  const attendedAt = inputs.flatMap((e, i) => (e.type === 'ATTENDED' ? [i] : []));
  const heldHwcs = c.appointments.filter((a) => a.kind === 'HWC' && ['attended', 'ftp'].includes(a.status));
  heldHwcs.forEach((hwc, k) => {
    if (attendedAt[k] === undefined) return fail('A6.6', `HWC at ${hwc.at} held without ATTENDED`);
    let wca = c.record.wca.scheduledDate ?? null;
    for (const e of inputs.slice(0, attendedAt[k])) if (e.type === 'WCA_SCHEDULED') wca = e.date;
    if (wca && wca <= addDays(localDate(hwc.at), 21)) fail('A6.6', `HWC at ${hwc.at} held with a WCA on ${wca}`);
  });

  // --- A6.7 every cancelling step notifies the claimant, once.
  const cancelTimes = [
    ...new Set(effects.filter((e) => e.kind === 'lms.updateAppointment' && e.status === 'cancelled').map((e) => e.at)),
  ];
  const cancellations = trace.notifications.filter((n) => n.type === 'CANCELLATION').map((n) => n.at);
  if (cancellations.length !== cancelTimes.length || cancelTimes.some((t) => !cancellations.includes(t)))
    fail(
      'A6.7',
      `cancellations at ${cancelTimes.join(', ') || 'none'}, notifications at ${cancellations.join(', ') || 'none'}`,
    );

  // --- A6.8 no silent wait: a running journey always has a pending timer, person waits escalate, and
  // the next timer to fire is one the current state handles (else it is never cleared and the clock
  // cannot move past it: the journey would be stuck, or the step function would loop).
  if (!ended) {
    const timers = c.timers;
    if (!nextTimer(state)) fail('A6.8', `waiting in ${stage} with nothing pending`);
    if ((PERSON_WAITS as readonly string[]).includes(stage)) {
      if (!timers.ESCALATION_DUE) fail('A6.8', `${stage} waits for a person without an escalation`);
    } else if (DEADLINE_WAITS[stage]) {
      if (!timers[DEADLINE_WAITS[stage]]) fail('A6.8', `${stage} without its ${DEADLINE_WAITS[stage]} deadline`);
    } else fail('A6.8', `unexpected resting stage ${stage}`);
    const next = nextTimer(state);
    if (next && !state.snapshot.can(next))
      fail('A6.8', `${next.type} at ${next.at} fires next but ${stage} does not handle it`);
    for (const type of TIMER_EVENTS) {
      const at = timers[type];
      if (!at) continue;
      if (at <= c.now) fail('A6.8', `${type} at ${at} is overdue (now ${c.now})`);
      if (REPEATING_TIMERS.includes(type) && !(PERSON_WAITS as readonly string[]).includes(stage))
        fail('A7', `escalation pending in ${stage}, which is not a wait for a person`);
    }
  }
  return v;
}
