// The HWC journey (journey.md Part A) as one XState v5 machine. Pure: no clock reads, no I/O, no Temporal.
// Time comes in as `context.now` (set by the step function) and deadlines go out as absolute instants in
// `context.timers`; the shells (simulator, Temporal workflow) sleep until the earliest one.
import { assign, setup } from 'xstate';
import {
  addWorkingDays,
  atLocal,
  closeOfBusiness,
  laterOf,
  localDate,
  localTime,
  subtractWorkingDays,
  DEFAULT_SLOT_TIME,
  REVIEW_TIME,
} from '../domain/calendar';
import {
  esaNotInPayment,
  exemptionFor,
  exemptionUnclear,
  deferralCandidates,
  targetHwcDate,
  wcaWithinThreeWeeks,
  workCoachFor,
} from '../domain/rules';
import type { ClaimantRecord, ContactAttempt, ExemptionCategory, JourneyEvent } from '../domain/schemas';
import { edit, initialContext, type Draft, type JourneyContext, type JourneyInput, type TimerEvent } from './context';

/** A person's event as the machine sees it: validated, with its logical time and who recorded it. */
export type PersonEvent = JourneyEvent & { at: string };
/** A deadline reached; reads of the benefit system made for that check travel with it. */
export type TimerInput = { type: TimerEvent; at: string; record?: ClaimantRecord };
export type MachineEvent = PersonEvent | TimerInput;

type Contact = { goodCause?: boolean; willRebook?: boolean; exemptCategory?: ExemptionCategory; slot?: string };
type E<T extends MachineEvent['type']> = Extract<MachineEvent, { type: T }>;

const today = (d: Draft | JourneyContext) => localDate('c' in d ? d.c.now : d.now);
const cal = (c: JourneyContext) => ({ holidays: c.holidays });
const bookedHwc = (c: JourneyContext) => c.appointments.findLast((a) => a.kind === 'HWC' && a.status === 'booked');
/** The instant the next booking will use: the agreed or rebooking slot, else the target date at 10:00. */
const hwcToBook = (c: JourneyContext) => c.slot ?? atLocal(c.targetDate!, DEFAULT_SLOT_TIME);
const firstEscalation = (c: JourneyContext) => closeOfBusiness(addWorkingDays(today(c), 1, cal(c)));

/** Whether a call, visit or contact reached the claimant; null for events that are not an attempt. */
function reachedBy(e: MachineEvent): boolean | null {
  switch (e.type) {
    case 'BOOKING_CALL':
    case 'FTA_CALL':
      return e.contacted;
    case 'PRE_CALL':
      return e.result !== 'no_answer';
    case 'SAFEGUARD_VISIT':
      return e.seen;
    case 'CLAIMANT_CONTACT':
      return true;
    default:
      return null;
  }
}

/** The one rule for every contact (A3.7): exemption news, good cause, easement, else the doubt path. */
const resolveContact = [
  { guard: 'exemptionNews', target: '#hwc.exempt', actions: ['noteEvent', 'endExemptFromContact'] },
  { guard: 'goodCauseAccepted', target: '#hwc.active.booking.bookingHwc', actions: ['noteEvent', 'acceptGoodCause'] },
  { guard: 'easementAvailable', target: '#hwc.active.booking.bookingHwc', actions: ['noteEvent', 'useEasement'] },
  { target: '#hwc.active.failure.doubtWindow', actions: ['noteEvent', 'startDoubtPath'] },
] as const;

const deferHere = { DEFER: { target: '#hwc.active.screening.deferred', actions: 'defer' } } as const;

export const journeyMachine = setup({
  types: {
    context: {} as JourneyContext,
    events: {} as MachineEvent,
    input: {} as JourneyInput,
  },
  guards: {
    ownedByAnotherOffice: ({ context }) => context.record.office !== context.office,
    esaNotInPayment: ({ context }) => esaNotInPayment(context.record),
    exempt: ({ context }) => exemptionFor(context.record, today(context)) !== null,
    exemptionUnclear: ({ context }) => !context.unclearChecked && exemptionUnclear(context.record),
    wcaWithinThreeWeeksOfTarget: ({ context }) =>
      wcaWithinThreeWeeks(context.wcaDate, context.targetDate!, context.policy.wcaHorizonDays),
    deferralCandidate: ({ context }) => deferralCandidates(context.record, today(context)).length > 0,
    wcaWithinThreeWeeksOfBooking: ({ context }) =>
      wcaWithinThreeWeeks(context.wcaDate, localDate(hwcToBook(context)), context.policy.wcaHorizonDays),
    wcaWithinThreeWeeksOfBookedHwc: ({ context, event }) => {
      const hwc = bookedHwc(context);
      return (
        !!hwc &&
        wcaWithinThreeWeeks((event as E<'WCA_SCHEDULED'>).date, localDate(hwc.at), context.policy.wcaHorizonDays)
      );
    },
    claimNotInPayment: ({ context }) => !context.record.claim.inPayment,
    advisedExempt: ({ event }) => (event as E<'TEAM_LEADER_ADVICE'>).exempt,
    noLongerRequired: ({ event }) => (event as E<'PRE_CALL'>).result === 'no_longer_required',
    exemptionNews: ({ event }) => !!(event as Contact).exemptCategory,
    goodCauseAccepted: ({ event }) => (event as Contact).goodCause === true,
    easementAvailable: ({ context, event }) =>
      context.policy.easement && (event as Contact).willRebook === true && !context.easementUsed,
    notContacted: ({ event }) => (event as E<'FTA_CALL'>).contacted === false,
    notSeen: ({ event }) => (event as E<'SAFEGUARD_VISIT'>).seen === false,
  },
  actions: {
    startEscalations: assign(
      edit((d, _e: MachineEvent, params: { reason: string }) => {
        d.c.escalationReason = params.reason;
        d.timer('ESCALATION_DUE', firstEscalation(d.c));
      }),
    ),
    stopEscalations: assign(
      edit((d) => {
        d.c.escalationReason = null;
        d.timer('ESCALATION_DUE', null);
      }),
    ),
    escalate: assign(
      edit((d) => {
        const reason = d.c.escalationReason ?? 'awaiting a decision';
        d.c.escalations.push({ reason, at: d.now });
        d.effect({ kind: 'lms.escalate', reason });
        d.timer('ESCALATION_DUE', firstEscalation(d.c));
      }),
    ),
    noteEvent: assign(
      edit((d, e: MachineEvent) => {
        if ('by' in e && e.by) d.c.lastBy = e.by;
        if ('notes' in e && e.notes) d.note(`${e.type}: ${e.notes}`);
        const reached = reachedBy(e);
        if (reached !== null) d.c.contacts.push({ at: d.now, event: e.type as ContactAttempt['event'], reached });
      }),
    ),
    changeWorkCoach: assign(
      edit((d, e: MachineEvent) => {
        const { workCoach } = e as E<'WORK_COACH_CHANGED'>;
        const from = d.c.workCoach;
        if (workCoach === from) return d.rule(`work coach ${from} already has the case`, 'A7 work coach');
        d.rule(
          `case moved from work coach ${from} to ${workCoach}; appointments still booked move with it`,
          'A7 work coach; A6.5 same coach',
        );
        d.c.workCoach = workCoach;
        d.effect({ kind: 'lms.assignCase', workCoach });
        for (const a of d.c.appointments.filter((x) => x.status === 'booked')) {
          a.workCoach = workCoach;
          d.effect({ kind: 'lms.moveAppointment', appointmentId: a.id, workCoach });
        }
      }),
    ),
    refreshRecord: assign(
      edit((d, e: MachineEvent) => {
        if ('record' in e && e.record) d.c.record = e.record;
      }),
    ),
    requestReassignment: assign(
      edit((d) => {
        d.rule('owning office differs from the reporting office: reassignment requested', '¶10, A3.1 step 1');
        d.effect({ kind: 'lms.requestReassignment', toOffice: d.c.record.office });
      }),
    ),
    endNotInPayment: assign(
      edit((d) => {
        d.rule('ESA not in payment (JA504)', '¶13, A3.1 step 2');
        d.note('HWC not needed as ESA not in payment');
        d.end('NOT_REQUIRED', 'ESA_NOT_IN_PAYMENT');
      }),
    ),
    endExemptAtScreening: assign(
      edit((d) => {
        const category = exemptionFor(d.c.record, today(d))!;
        d.rule(`exempt: ${category} (A4)`, `¶11–13, A4 ${category}`);
        endExempt(d, category);
      }),
    ),
    askTeamLeader: assign(
      edit((d) => {
        d.c.unclearChecked = true;
        d.rule(
          'exemption unclear: notes mention Special Rules but the indicator is not set',
          '¶15, A4 unclear evidence',
        );
        d.effect({ kind: 'lms.createWorkflow', purpose: 'team leader advice on exemption', due: today(d) });
      }),
    ),
    followAdvice: assign(
      edit((d, e: MachineEvent) => {
        const advice = e as E<'TEAM_LEADER_ADVICE'>;
        d.rule(
          advice.exempt ? `team leader advised exempt: ${advice.category}` : 'team leader advised not exempt',
          '¶15, A3.1 step 3',
        );
        if (advice.exempt) endExempt(d, advice.category!);
      }),
    ),
    computeTarget: assign(
      edit((d) => {
        d.c.unclearChecked = true;
        d.c.targetDate = targetHwcDate(d.c.record, today(d), cal(d.c), d.c.policy);
      }),
    ),
    endWcaWithinThreeWeeks: assign(
      edit((d, e: MachineEvent) => {
        if (e.type === 'WCA_SCHEDULED') d.c.wcaDate = e.date;
        d.rule('WCA scheduled within 3 weeks of the HWC date', '¶2, ¶14, A3.1 step 4');
        d.note('HWC not needed: WCA scheduled within 3 weeks');
        endQuietly(d, 'NOT_REQUIRED', 'WCA_WITHIN_3_WEEKS');
      }),
    ),
    storeWcaDate: assign(
      edit((d, e: MachineEvent) => {
        d.c.wcaDate = (e as E<'WCA_SCHEDULED'>).date;
        d.rule('WCA date recorded; applied at the next booking', '¶14, A7 WCA rule');
      }),
    ),
    askDeferral: assign(
      edit((d) => {
        const categories = deferralCandidates(d.c.record, today(d));
        d.rule(`deferral candidate: ${categories.join(', ')} (A5)`, '¶11, ¶14, A5');
      }),
    ),
    proceed: assign(edit((d) => d.rule('work coach decided to proceed', '¶14, A3.1 step 5'))),
    defer: assign(
      edit((d, e: MachineEvent) => {
        const { category, until } = e as E<'DEFER'>;
        d.cancelBooked();
        d.timer('BOOKING_CALL_TIMEOUT', null);
        d.c.deferral = { category, until };
        d.c.deferrals.push({ at: d.now, category, until });
        d.rule(`deferred: ${category} until ${until}`, `¶11, A5 ${category}`);
        d.marker('Def CC & HWC');
        d.effect({ kind: 'lms.createWorkflow', purpose: 'deferral review', due: until });
        d.note(`HWC deferred (${category}) until ${until}`);
        d.timer('REVIEW_DUE', atLocal(until, REVIEW_TIME));
      }),
    ),
    reviewDeferral: assign(
      edit((d) => {
        d.timer('REVIEW_DUE', null);
        d.rule('deferral review date reached: screening again', '¶11, A3.1 step 5');
      }),
    ),
    openBooking: assign(
      edit((d) => {
        d.c.screeningDay = today(d);
        d.c.targetDate = targetHwcDate(d.c.record, today(d), cal(d.c), d.c.policy);
        d.c.slot = null;
        d.effect({ kind: 'lms.readAdjustments' });
        const callBy = addWorkingDays(today(d), d.c.policy.bookingCallWorkingDays, cal(d.c));
        d.timer('BOOKING_CALL_TIMEOUT', closeOfBusiness(callBy));
      }),
    ),
    recordBookingCall: assign(
      edit((d, e: MachineEvent) => {
        const call = e as E<'BOOKING_CALL'>;
        d.timer('BOOKING_CALL_TIMEOUT', null);
        if (call.contacted && call.slot) d.c.slot = call.slot;
        if (call.contacted && call.requirements?.length)
          d.note(`Appointment requirements: ${call.requirements.join('; ')}`);
        d.rule(call.contacted ? 'booking call: claimant contacted' : 'booking call: not contacted', '¶16, A3.2 step 2');
      }),
    ),
    bookWithoutContact: assign(
      edit((d) => {
        d.timer('BOOKING_CALL_TIMEOUT', null);
        d.rule(
          `no booking call recorded by close of business on screening day + ${d.c.policy.bookingCallWorkingDays} working days`,
          '¶17, A3.2 step 2',
        );
        d.note('Booked without contact after booking call attempts');
      }),
    ),
    bookHwc: assign(
      edit((d) => {
        const hwcAt = hwcToBook(d.c);
        const hwcDay = localDate(hwcAt);
        const preCallDay = subtractWorkingDays(hwcDay, d.c.policy.preCallLeadWorkingDays, cal(d.c));
        const preCallAt = laterOf(d.now, atLocal(preCallDay, localTime(hwcAt)));
        d.book('HWC', hwcAt);
        d.book('PRE_CALL', preCallAt);
        d.letter('ESAHWC1');
        d.c.slot = null;
        d.timer('PRE_CALL_DUE', preCallAt);
        d.timer('REMINDER_DUE', laterOf(d.now, atLocal(subtractWorkingDays(hwcDay, 1, cal(d.c)), DEFAULT_SLOT_TIME)));
        d.timer('HWC_DUE', hwcAt);
      }),
    ),
    holdPreCall: assign(
      edit((d) => {
        d.timer('PRE_CALL_DUE', null);
        const preCall = d.c.appointments.findLast((a) => a.kind === 'PRE_CALL' && a.status === 'booked');
        if (preCall) d.setStatus(preCall, 'held');
      }),
    ),
    endNotInPaymentAtPreCall: assign(
      edit((d) => {
        d.rule('pre-call check: ESA no longer in payment', '¶19, A3.3');
        d.note('HWC not needed as ESA not in payment');
        endQuietly(d, 'NOT_REQUIRED', 'ESA_NOT_IN_PAYMENT');
      }),
    ),
    endExemptAtPreCall: assign(
      edit((d) => {
        const category = exemptionFor(d.c.record, today(d))!;
        d.rule(`pre-call check: exempt: ${category} (A4)`, `¶19, A3.3, A4 ${category}`);
        endExempt(d, category);
      }),
    ),
    recordPreCall: assign(
      edit((d, e: MachineEvent) => {
        const result = (e as E<'PRE_CALL'>).result;
        d.rule(`pre-call: ${result}`, '¶19, A3.3');
        if (result === 'no_answer') d.note('Pre-call not answered');
      }),
    ),
    endNewCircumstances: assign(
      edit((d) => {
        d.rule('pre-call: new circumstances end the need for the HWC', '¶19, A3.3');
        d.note('HWC no longer required: new circumstances at pre-call');
        endQuietly(d, 'NOT_REQUIRED', 'NEW_CIRCUMSTANCES');
      }),
    ),
    preCallMissed: assign(
      edit((d) => {
        d.timer('HWC_DUE', null);
        d.rule('no pre-call result recorded by the HWC time', '¶19, A3.3');
        d.note('Pre-call did not happen');
      }),
    ),
    hwcTimeReached: assign(edit((d) => d.timer('HWC_DUE', null))),
    sendReminder: assign(
      edit((d) => {
        d.timer('REMINDER_DUE', null);
        if (!bookedHwc(d.c)) return;
        const mobile = d.c.record.lms.mobile;
        d.rule(
          mobile ? 'reminder: mobile number held, SMS' : 'reminder: no mobile number, call task',
          '¶16 step 9, A3.4',
        );
        d.notify(mobile ? 'REMINDER_SMS' : 'REMINDER_CALL_TASK');
      }),
    ),
    attended: assign(
      edit((d) => {
        const hwc = bookedHwc(d.c);
        if (hwc) d.setStatus(hwc, 'attended');
        d.effect({ kind: 'lms.finalCheck' });
      }),
    ),
    completeConversation: assign(
      edit((d, e: MachineEvent) => {
        const done = e as E<'CONVERSATION_COMPLETED'>;
        // My Values content is never stored: only whether it was completed, declined or taken home.
        d.effect({ kind: 'lms.recordActionPlan', actions: done.actions, myValues: done.myValues });
        d.letter('ESAHWC4');
        d.marker('Part HWC ONLY');
        if (done.followUp) {
          d.book('FOLLOW_UP', done.followUp);
          d.letter('VOLUNTARY_APPOINTMENT');
        }
        d.rule('conversation completed: voluntary action plan recorded', '¶6, ¶21–22, A3.6');
        d.end('HWC_COMPLETED', null);
      }),
    ),
    failedToAttend: assign(
      edit((d) => {
        const hwc = bookedHwc(d.c);
        if (hwc) d.setStatus(hwc, 'fta');
        d.marker('Part HWC ONLY');
        d.note('Failed to attend the HWC');
        d.c.failure = { kind: 'FTA', at: d.now, reasons: ['failed to attend'] };
        d.rule('failure: FTA', '¶24–25, A3.7');
      }),
    ),
    failedToParticipate: assign(
      edit((d, e: MachineEvent) => {
        const { reason } = e as E<'FAILED_TO_PARTICIPATE'>;
        const hwc = d.c.appointments.findLast((a) => a.kind === 'HWC' && a.status === 'attended');
        if (hwc) d.setStatus(hwc, 'ftp');
        d.c.failure = { kind: 'FTP', at: d.now, reasons: [reason] };
        d.note(`Conversation ended: failed to participate: ${reason}`);
        const days = d.c.policy.contactWindowWorkingDays;
        d.rule(`failure: FTP: doubt raised, ${days} working day contact window`, '¶36–39, A3.7');
        d.raiseDoubt();
        d.letter('ESA10');
        d.timer('CONTACT_WINDOW_CLOSED', closeOfBusiness(addWorkingDays(today(d), days, cal(d.c))));
      }),
    ),
    ftaCallNotAnswered: assign(
      edit((d) => {
        const days = d.c.policy.contactWindowWorkingDays;
        const closes = closeOfBusiness(addWorkingDays(today(d), days, cal(d.c)));
        d.rule(`FTA call not answered: letter sent, ${days} working day contact window`, '¶26, ¶35 step 1');
        d.letter('FTA_LETTER');
        d.letter('ESA10');
        d.effect({ kind: 'lms.createWorkflow', purpose: 'FTA contact window', due: localDate(closes) });
        d.timer('CONTACT_WINDOW_CLOSED', closes);
      }),
    ),
    arrangeSafeguardVisit: assign(
      edit((d) => {
        d.timer('CONTACT_WINDOW_CLOSED', null);
        d.rule(
          `no contact within ${d.c.policy.contactWindowWorkingDays} working days: safeguard visit`,
          '¶35 step 3, ¶39 step 4',
        );
        d.effect({ kind: 'lms.arrangeSafeguardVisit' });
      }),
    ),
    visitNotSeen: assign(
      edit((d) => {
        d.rule('safeguard visit: claimant not seen (no good cause, not prepared to rebook)', '¶35 step 3, ¶34');
        d.note('Safeguard visit: claimant not seen; team leader informed');
      }),
    ),
    endExemptFromContact: assign(
      edit((d, e: MachineEvent) => {
        const category = (e as Contact).exemptCategory!;
        d.rule(`exemption news: ${category} (exemption always wins)`, `¶13, A4 ${category}, A7 exemption news`);
        endExempt(d, category);
      }),
    ),
    acceptGoodCause: assign(
      edit((d, e: MachineEvent) => {
        d.rule('good cause accepted: rebook', '¶27, A3.7');
        d.note('Good cause accepted');
        d.withdrawDoubt();
        rebook(d, e as Contact);
      }),
    ),
    useEasement: assign(
      edit((d, e: MachineEvent) => {
        d.rule('easement available: no good cause but prepared to rebook', '¶28–33 easement');
        d.note('FTA without good cause – prepared to re-engage so no DMA action taken');
        d.withdrawDoubt();
        d.c.easementUsed = true;
        rebook(d, e as Contact);
      }),
    ),
    startDoubtPath: assign(
      edit((d, e: MachineEvent) => {
        const contact = e as Contact;
        const why =
          contact.willRebook !== true || ('seen' in e && e.seen === false)
            ? 'not prepared to rebook'
            : d.c.policy.easement
              ? 'easement already used'
              : 'no easement under this policy';
        d.c.failure?.reasons.push(`no good cause, ${why}`);
        d.rule(`doubt path: no good cause and ${why}`, '¶34 doubt');
        d.raiseDoubt();
        const raised = d.openDoubt()!.raisedAt;
        const closes = closeOfBusiness(addWorkingDays(localDate(raised), d.c.policy.doubtWindowWorkingDays, cal(d.c)));
        // The doubt window replaces any contact window (a contact in it led here): no safeguard visit now.
        d.timer('CONTACT_WINDOW_CLOSED', null);
        d.timer('DOUBT_WINDOW_CLOSED', laterOf(d.now, closes));
      }),
    ),
    referToDecisionMaker: assign(
      edit((d) => {
        d.timer('DOUBT_WINDOW_CLOSED', null);
        d.rule(
          `no contact with good cause within ${d.c.policy.doubtWindowWorkingDays} working days of the doubt: DART referral`,
          '¶34 doubt, DART stencil',
        );
        const failure = d.c.failure!;
        d.effect({
          kind: 'lms.referToDecisionMaker',
          stencil: {
            failure: failure.kind,
            failedAt: failure.at,
            reasons: failure.reasons,
            doubtRaisedAt: d.openDoubt()?.raisedAt ?? d.now,
            easementUsed: d.c.easementUsed,
          },
        });
        d.c.referredToDmAt = d.now;
      }),
    ),
    recordDmDecision: assign(
      edit((d, e: MachineEvent) => {
        const { sanction } = e as E<'DM_DECISION'>;
        d.c.dmDecision = sanction ? 'SANCTION' : 'NO_SANCTION';
        d.rule(`decision maker: ${d.c.dmDecision}`, '¶34, A7');
        d.end('SANCTION_REFERRED', null);
      }),
    ),
    closeClaim: assign(
      edit((d) => {
        d.rule('claim closed', 'A3, B3 CLAIM_CLOSED');
        d.note('HWC not needed: claim closed');
        endQuietly(d, 'NOT_REQUIRED', 'CLAIM_CLOSED');
      }),
    ),
    exemptionIdentified: assign(
      edit((d, e: MachineEvent) => {
        const { category } = e as E<'EXEMPTION_IDENTIFIED'>;
        d.rule(`exemption identified: ${category}`, `¶13, A4 ${category}`);
        endExempt(d, category);
      }),
    ),
  },
}).createMachine({
  id: 'hwc',
  context: ({ input }) => initialContext(input, workCoachFor(input.record)),
  initial: 'active',
  states: {
    active: {
      on: {
        CLAIM_CLOSED: { target: '#hwc.notRequired', actions: ['noteEvent', 'closeClaim'] },
        EXEMPTION_IDENTIFIED: { target: '#hwc.exempt', actions: ['noteEvent', 'exemptionIdentified'] },
        WCA_SCHEDULED: [
          {
            guard: 'wcaWithinThreeWeeksOfBookedHwc',
            target: '#hwc.notRequired',
            actions: ['noteEvent', 'endWcaWithinThreeWeeks'],
          },
          { actions: ['noteEvent', 'storeWcaDate'] },
        ],
        WORK_COACH_CHANGED: { actions: ['noteEvent', 'changeWorkCoach'] },
        REMINDER_DUE: { actions: 'sendReminder' },
        ESCALATION_DUE: { actions: 'escalate' },
      },
      initial: 'screening',
      states: {
        screening: {
          initial: 'checkingOffice',
          states: {
            checkingOffice: {
              always: [
                { guard: 'ownedByAnotherOffice', target: 'awaitingReassignment', actions: 'requestReassignment' },
                { target: 'checkingEligibility' },
              ],
            },
            awaitingReassignment: {
              entry: { type: 'startEscalations', params: { reason: 'case reassignment not confirmed' } },
              exit: 'stopEscalations',
              on: { CASE_REASSIGNED: { target: 'checkingEligibility', actions: 'noteEvent' } },
            },
            checkingEligibility: {
              always: [
                { guard: 'esaNotInPayment', target: '#hwc.notRequired', actions: 'endNotInPayment' },
                { guard: 'exempt', target: '#hwc.exempt', actions: 'endExemptAtScreening' },
                { guard: 'exemptionUnclear', target: 'awaitingTeamLeaderAdvice', actions: 'askTeamLeader' },
                { target: 'checkingWca' },
              ],
            },
            awaitingTeamLeaderAdvice: {
              entry: { type: 'startEscalations', params: { reason: 'team leader advice on exemption awaited' } },
              exit: 'stopEscalations',
              on: {
                ...deferHere,
                TEAM_LEADER_ADVICE: [
                  { guard: 'advisedExempt', target: '#hwc.exempt', actions: ['noteEvent', 'followAdvice'] },
                  { target: 'checkingWca', actions: ['noteEvent', 'followAdvice'] },
                ],
              },
            },
            checkingWca: {
              entry: 'computeTarget',
              always: [
                {
                  guard: 'wcaWithinThreeWeeksOfTarget',
                  target: '#hwc.notRequired',
                  actions: 'endWcaWithinThreeWeeks',
                },
                { guard: 'deferralCandidate', target: 'awaitingDeferralDecision', actions: 'askDeferral' },
                { target: '#hwc.active.booking' },
              ],
            },
            awaitingDeferralDecision: {
              entry: { type: 'startEscalations', params: { reason: 'deferral decision awaited' } },
              exit: 'stopEscalations',
              on: {
                ...deferHere,
                PROCEED: { target: '#hwc.active.booking', actions: ['noteEvent', 'proceed'] },
              },
            },
            deferred: {
              on: {
                ...deferHere,
                REVIEW_DUE: { target: 'checkingEligibility', actions: ['refreshRecord', 'reviewDeferral'] },
              },
            },
          },
        },
        booking: {
          initial: 'awaitingBookingCall',
          on: deferHere,
          states: {
            awaitingBookingCall: {
              entry: 'openBooking',
              on: {
                BOOKING_CALL: { target: 'bookingHwc', actions: ['noteEvent', 'recordBookingCall'] },
                BOOKING_CALL_TIMEOUT: { target: 'bookingHwc', actions: 'bookWithoutContact' },
              },
            },
            bookingHwc: {
              always: [
                {
                  guard: 'wcaWithinThreeWeeksOfBooking',
                  target: '#hwc.notRequired',
                  actions: 'endWcaWithinThreeWeeks',
                },
                { target: '#hwc.active.appointment', actions: 'bookHwc' },
              ],
            },
          },
        },
        appointment: {
          initial: 'awaitingPreCallTime',
          on: deferHere,
          states: {
            awaitingPreCallTime: {
              on: { PRE_CALL_DUE: { target: 'preCallCheck', actions: ['refreshRecord', 'holdPreCall'] } },
            },
            preCallCheck: {
              always: [
                {
                  guard: 'claimNotInPayment',
                  target: '#hwc.notRequired',
                  actions: 'endNotInPaymentAtPreCall',
                },
                { guard: 'exempt', target: '#hwc.exempt', actions: 'endExemptAtPreCall' },
                { target: 'awaitingPreCallResult' },
              ],
            },
            awaitingPreCallResult: {
              on: {
                PRE_CALL: [
                  { guard: 'exemptionNews', target: '#hwc.exempt', actions: ['noteEvent', 'endExemptFromContact'] },
                  {
                    guard: 'noLongerRequired',
                    target: '#hwc.notRequired',
                    actions: ['noteEvent', 'endNewCircumstances'],
                  },
                  { target: 'awaitingHwc', actions: ['noteEvent', 'recordPreCall'] },
                ],
                HWC_DUE: { target: 'awaitingAttendance', actions: 'preCallMissed' },
              },
            },
            awaitingHwc: {
              on: { HWC_DUE: { target: 'awaitingAttendance', actions: 'hwcTimeReached' } },
            },
            awaitingAttendance: {
              entry: { type: 'startEscalations', params: { reason: 'attendance not recorded' } },
              exit: 'stopEscalations',
              on: {
                ATTENDED: { target: '#hwc.active.conversation', actions: ['noteEvent', 'attended'] },
                FAILED_TO_ATTEND: { target: '#hwc.active.failure', actions: ['noteEvent', 'failedToAttend'] },
              },
            },
          },
        },
        conversation: {
          initial: 'inConversation',
          states: {
            inConversation: {
              entry: { type: 'startEscalations', params: { reason: 'conversation result not recorded' } },
              exit: 'stopEscalations',
              on: {
                CONVERSATION_COMPLETED: { target: '#hwc.completed', actions: ['noteEvent', 'completeConversation'] },
                FAILED_TO_PARTICIPATE: {
                  target: '#hwc.active.failure.contactWindow',
                  actions: ['noteEvent', 'failedToParticipate'],
                },
              },
            },
          },
        },
        failure: {
          initial: 'awaitingFtaCall',
          states: {
            awaitingFtaCall: {
              entry: { type: 'startEscalations', params: { reason: 'FTA call result not recorded' } },
              exit: 'stopEscalations',
              on: {
                FTA_CALL: [
                  { guard: 'notContacted', target: 'contactWindow', actions: ['noteEvent', 'ftaCallNotAnswered'] },
                  ...resolveContact,
                ],
              },
            },
            contactWindow: {
              on: {
                CLAIMANT_CONTACT: [...resolveContact],
                CONTACT_WINDOW_CLOSED: { target: 'awaitingSafeguardVisit', actions: 'arrangeSafeguardVisit' },
              },
            },
            awaitingSafeguardVisit: {
              entry: { type: 'startEscalations', params: { reason: 'safeguard visit not recorded' } },
              exit: 'stopEscalations',
              on: {
                SAFEGUARD_VISIT: [
                  { guard: 'notSeen', target: 'doubtWindow', actions: ['noteEvent', 'visitNotSeen', 'startDoubtPath'] },
                  ...resolveContact,
                ],
              },
            },
            doubtWindow: {
              on: {
                CLAIMANT_CONTACT: [...resolveContact],
                DOUBT_WINDOW_CLOSED: { target: '#hwc.awaitingDmDecision', actions: 'referToDecisionMaker' },
              },
            },
          },
        },
      },
    },
    awaitingDmDecision: {
      entry: { type: 'startEscalations', params: { reason: 'decision maker decision awaited' } },
      exit: 'stopEscalations',
      on: {
        DM_DECISION: { target: '#hwc.sanctionReferred', actions: ['noteEvent', 'recordDmDecision'] },
        WORK_COACH_CHANGED: { actions: ['noteEvent', 'changeWorkCoach'] },
        ESCALATION_DUE: { actions: 'escalate' },
      },
    },
    completed: { type: 'final' },
    exempt: { type: 'final' },
    notRequired: { type: 'final' },
    sanctionReferred: { type: 'final' },
  },
});

/** Ending EXEMPT (A7): note, cancel what is booked, withdraw any doubt, set the Exempt marker. */
function endExempt(d: Draft, category: ExemptionCategory) {
  d.note(`HWC not needed: exempt (${category})`);
  d.cancelBooked();
  d.withdrawDoubt();
  d.marker('Exempt CC & HWC');
  d.end('EXEMPT', category);
}

/** Ending NOT_REQUIRED: cancel what is booked (notifying the claimant) and withdraw any open doubt. */
function endQuietly(d: Draft, outcome: 'NOT_REQUIRED', reason: Parameters<Draft['end']>[1]) {
  d.cancelBooked();
  d.withdrawDoubt();
  d.end(outcome, reason);
}

/** A3.7 rebook "as soon as possible": the slot given, else 3 working days after the decision at 10:00. */
function rebook(d: Draft, contact: Contact) {
  d.timer('CONTACT_WINDOW_CLOSED', null);
  d.timer('DOUBT_WINDOW_CLOSED', null);
  const lead = d.c.policy.rebookingLeadWorkingDays;
  d.c.slot = contact.slot ?? atLocal(addWorkingDays(today(d), lead, cal(d.c)), DEFAULT_SLOT_TIME);
}

export type JourneyMachine = typeof journeyMachine;
