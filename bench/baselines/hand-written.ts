// Baseline (a) of `npm run bench`: the happy path of the journey written by hand as a plain Temporal
// workflow, without XState and without the step function. It performs the same activities (the
// functions of activities/index.ts) with the same effect objects, in the same order, sleeps on the same
// deadlines, validates people's events with the same zod schemas and publishes the same search
// attributes, current details and activity summaries. What it leaves out is what the machine buys:
// every other path of the journey (it fails on any record or event off the happy path), the trace,
// the queries and the audit trail. Bench-only: registered on the bench's own task queue, never by `hwc`.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  addWorkingDays,
  atLocal,
  closeOfBusiness,
  laterOf,
  localDate,
  localTime,
  subtractWorkingDays,
  DEFAULT_SLOT_TIME,
} from '../../domain/calendar';
import {
  deferralCandidates,
  esaNotInPayment,
  exemptionFor,
  exemptionUnclear,
  targetHwcDate,
  wcaWithinThreeWeeks,
  workCoachFor,
} from '../../domain/rules';
import {
  ClaimantRecord,
  JourneyEvent,
  ROLES_FOR_EVENT,
  describeZodError,
  type JourneyEventType,
} from '../../domain/schemas';
import { senderOfProof, verifyEventProof } from '../../identity/proof';
import {
  ACTIVITY_FOR_EFFECT,
  describeEffect,
  type Effect,
  type RecordedEffect,
  type TimerEvent,
} from '../../machines/context';
import { eventUpdate, type JourneyWorkflowInput } from '../../workflows/messages';
import {
  HwcEasementUsed,
  HwcNextDeadline,
  HwcOffice,
  HwcOutcome,
  HwcStage,
  HwcWorkCoach,
} from '../../workflows/search-attributes';

const RETRY = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  nonRetryableErrorTypes: ['BadData'],
};
const activities = wf.proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: RETRY });

type Stage =
  | 'awaitingBookingCall'
  | 'awaitingPreCallTime'
  | 'awaitingPreCallResult'
  | 'awaitingHwc'
  | 'awaitingAttendance'
  | 'inConversation'
  | 'completed';

const ACCEPTS: Record<Stage, JourneyEventType[]> = {
  awaitingBookingCall: ['BOOKING_CALL', 'WCA_SCHEDULED'],
  awaitingPreCallTime: ['WCA_SCHEDULED'],
  awaitingPreCallResult: ['PRE_CALL', 'WCA_SCHEDULED'],
  awaitingHwc: ['WCA_SCHEDULED'],
  awaitingAttendance: ['ATTENDED', 'WCA_SCHEDULED'],
  inConversation: ['CONVERSATION_COMPLETED', 'WCA_SCHEDULED'],
  completed: [],
};
const ORDER: TimerEvent[] = ['BOOKING_CALL_TIMEOUT', 'PRE_CALL_DUE', 'REMINDER_DUE', 'HWC_DUE', 'ESCALATION_DUE'];
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const offPath = (what: string) =>
  wf.ApplicationFailure.nonRetryable(`hand-written baseline: ${what} is off the happy path`, 'BadData');

export async function handWrittenJourney(input: JourneyWorkflowInput): Promise<string> {
  const { workflowId } = wf.workflowInfo();
  const parsed = ClaimantRecord.safeParse(input.record);
  if (!parsed.success)
    throw wf.ApplicationFailure.nonRetryable('input.record is not a valid ClaimantRecord', 'BadData');
  const record = parsed.data;
  const cal = { holidays: input.holidays };
  const nowIso = () => new Date(Date.now() + (input.clockOffsetMs ?? 0)).toISOString();
  let now = input.start ?? nowIso();
  const today = () => localDate(now);
  const workCoach = workCoachFor(record);

  // Screening, on the happy path only: same office, in payment, not exempt, no deferral, no WCA soon.
  if (record.office !== input.office) throw offPath('reassignment');
  if (esaNotInPayment(record)) throw offPath('ESA not in payment');
  if (exemptionFor(record, today()) || exemptionUnclear(record)) throw offPath('an exemption');
  const target = targetHwcDate(record, today(), cal);
  let wcaDate = record.wca.scheduledDate ?? null;
  if (wcaWithinThreeWeeks(wcaDate, target)) throw offPath('a WCA within 3 weeks');
  if (deferralCandidates(record, today()).length) throw offPath('a deferral');

  let stage = 'awaitingBookingCall' as Stage;
  const timers: Partial<Record<TimerEvent, string>> = {};
  const effects: RecordedEffect[] = [];
  let performed = 0;
  let version = 0;
  let appointments = 0;
  let hwc: { id: number; at: string } | null = null;
  let preCall: { id: number; at: string } | null = null;
  let escalationReason: string | null = null;

  const effect = (e: Effect) => effects.push({ ...e, seq: effects.length + 1, at: now } as RecordedEffect);
  const book = (kind: 'HWC' | 'PRE_CALL', at: string) => {
    const id = ++appointments;
    effect({
      kind: 'lms.bookAppointment',
      appointmentId: id,
      appointment: kind,
      appointmentAt: at,
      workCoach,
      minutes: kind === 'PRE_CALL' ? 10 : 40,
    });
    return { id, at };
  };
  const escalateFrom = () => closeOfBusiness(addWorkingDays(today(), 1, cal));
  const nextDeadline = (): { type: TimerEvent; at: string } | null => {
    let best: { type: TimerEvent; at: string } | null = null;
    for (const type of ORDER) {
      const at = timers[type];
      if (at && (!best || at < best.at)) best = { type, at };
    }
    return best;
  };

  let publishedStage = '';
  let publishedDeadline: string | null = null;
  const publish = () => {
    const next = nextDeadline();
    if (stage !== publishedStage || (next?.at ?? null) !== publishedDeadline) {
      wf.upsertSearchAttributes([
        { key: HwcStage, value: stage },
        { key: HwcOffice, value: input.office },
        { key: HwcWorkCoach, value: workCoach },
        { key: HwcOutcome, value: stage === 'completed' ? 'HWC_COMPLETED' : 'NONE' },
        { key: HwcNextDeadline, value: next ? new Date(next.at) : null },
        { key: HwcEasementUsed, value: false },
      ]);
    }
    publishedStage = stage;
    publishedDeadline = next?.at ?? null;
    wf.setCurrentDetails(
      [
        `**Stage:** ${stage}`,
        `**Next deadline:** ${next ? `${next.at} (${next.type})` : 'none'}`,
        `**Outcome:** ${stage === 'completed' ? 'HWC_COMPLETED' : 'none yet'}`,
        `**Work coach:** ${workCoach} · **Office:** ${input.office}`,
      ].join('\n\n'),
    );
  };
  const moveTo = (s: Stage) => {
    stage = s;
    version++;
    publish();
  };

  const bookHwc = (slot: string | null) => {
    const hwcAt = slot ?? atLocal(target, DEFAULT_SLOT_TIME);
    const hwcDay = localDate(hwcAt);
    if (wcaWithinThreeWeeks(wcaDate, hwcDay)) throw offPath('a WCA within 3 weeks of the booking');
    const preCallAt = laterOf(now, atLocal(subtractWorkingDays(hwcDay, 2, cal), localTime(hwcAt)));
    hwc = book('HWC', hwcAt);
    preCall = book('PRE_CALL', preCallAt);
    effect({ kind: 'comms.letter', letter: 'ESAHWC1' });
    delete timers.BOOKING_CALL_TIMEOUT;
    timers.PRE_CALL_DUE = preCallAt;
    timers.REMINDER_DUE = laterOf(now, atLocal(subtractWorkingDays(hwcDay, 1, cal), DEFAULT_SLOT_TIME));
    timers.HWC_DUE = hwcAt;
    moveTo('awaitingPreCallTime');
  };
  const awaitAttendance = () => {
    delete timers.HWC_DUE;
    escalationReason = 'attendance not recorded';
    timers.ESCALATION_DUE = escalateFrom();
    moveTo('awaitingAttendance');
  };

  // People's events: validated as the journey validates them (schema, role, stage, times), then applied.
  // The proof is verified as hwc's journeys verify it (same function, same cost): live in the validator, and
  // again in the handler on replay, where hwc re-verifies for the decision trail.
  const nonces = new Set<string>();
  const validate = (signed: Record<string, unknown>, verify = true): JourneyEvent & { at: string } => {
    if (!signed || typeof signed !== 'object') throw new Error('event: must be an object');
    let req = signed;
    if (verify) {
      const proven = verifyEventProof({
        event: signed,
        workflowId,
        office: input.office,
        trust: input.trust ?? [],
        nowMs: Date.now(),
        rolesForEvent: ROLES_FOR_EVENT[signed.type as JourneyEventType] ?? [],
        nonceUsed: (n) => nonces.has(n),
      });
      if (!proven.ok) throw new Error(proven.error);
      const { proof: _proof, ...event } = signed;
      req = { ...event, by: { staffId: proven.sender.staffId, role: proven.sender.role } };
    } else if (signed.proof !== undefined) {
      // Live, in the handler: the validator has verified it; read the sender as hwc's handler does.
      const roles = ROLES_FOR_EVENT[signed.type as JourneyEventType] ?? [];
      const sender = senderOfProof(signed, roles, input.office);
      const { proof: _proof, ...event } = signed;
      req = sender ? { ...event, by: { staffId: sender.staffId, role: sender.role } } : event;
    }
    if (!req.by) throw new Error(`${String(req.type)}.by: every event must carry {staffId, role}`);
    const ev = JourneyEvent.safeParse(req);
    if (!ev.success) throw new Error(`${String(req.type)}: ${describeZodError(ev.error)}`);
    const e = ev.data;
    if (e.by && !ROLES_FOR_EVENT[e.type].includes(e.by.role))
      throw new Error(`${e.type}.by.role: ${e.by.role} may not record ${e.type}`);
    if (!ACCEPTS[stage].includes(e.type)) throw new Error(`${e.type} is not accepted in state ${stage}`);
    const wall = nowIso();
    const given =
      typeof req.at === 'string' && !Number.isNaN(Date.parse(req.at)) ? new Date(req.at).toISOString() : null;
    if (given && Date.parse(given) > Date.parse(wall) + FUTURE_TOLERANCE_MS)
      throw new Error(`${e.type}.at: ${given} is in the future`);
    const at = laterOf(given ?? wall, now);
    if ('slot' in e && e.slot !== undefined && e.slot <= at)
      throw new Error(`${e.type}.slot: must be after the event's time ${at}`);
    return { ...e, at };
  };
  const apply = (e: JourneyEvent & { at: string }) => {
    now = e.at;
    switch (e.type) {
      case 'BOOKING_CALL':
        if (e.contacted && e.requirements?.length)
          effect({ kind: 'lms.note', text: `Appointment requirements: ${e.requirements.join('; ')}` });
        bookHwc(e.contacted && e.slot ? e.slot : null);
        break;
      case 'PRE_CALL':
        if (e.result !== 'confirmed' || e.exemptCategory) throw offPath(`pre-call result ${e.result}`);
        delete timers.PRE_CALL_DUE;
        moveTo('awaitingHwc');
        break;
      case 'ATTENDED':
        effect({ kind: 'lms.updateAppointment', appointmentId: hwc!.id, status: 'attended' });
        effect({ kind: 'lms.finalCheck' });
        escalationReason = 'conversation result not recorded';
        timers.ESCALATION_DUE = escalateFrom();
        moveTo('inConversation');
        break;
      case 'CONVERSATION_COMPLETED':
        if (e.followUp) throw offPath('a follow-up appointment');
        effect({ kind: 'lms.recordActionPlan', actions: e.actions, myValues: e.myValues });
        effect({ kind: 'comms.letter', letter: 'ESAHWC4' });
        effect({ kind: 'lms.setMarker', marker: 'CC & HWC', stage: 'Part HWC ONLY' });
        for (const k of ORDER) delete timers[k];
        moveTo('completed');
        break;
      case 'WCA_SCHEDULED':
        if (hwc && wcaWithinThreeWeeks(e.date, localDate(hwc.at))) throw offPath('a WCA within 3 weeks of the HWC');
        wcaDate = e.date;
        moveTo(stage);
        break;
      default:
        throw offPath(e.type);
    }
  };
  wf.setHandler(
    eventUpdate,
    (req) => {
      const e = validate(req, wf.workflowInfo().unsafe.isReplaying);
      const nonce = (req.proof as { nonce?: string } | undefined)?.nonce;
      if (nonce) nonces.add(nonce);
      apply(e);
      return {
        stage,
        status: stage === 'completed' ? 'ended' : 'running',
        outcome: stage === 'completed' ? 'HWC_COMPLETED' : null,
      };
    },
    { validator: (req) => void validate(req) },
  );

  const fire = async (type: TimerEvent, at: string) => {
    now = at;
    delete timers[type];
    switch (type) {
      case 'BOOKING_CALL_TIMEOUT':
        effect({ kind: 'lms.note', text: 'Booked without contact after booking call attempts' });
        bookHwc(null);
        return;
      case 'PRE_CALL_DUE': {
        const fresh = await activities.readClaimantRecord.executeWithOptions(
          { startToCloseTimeout: '30s', summary: 'JSAPS: read claimant record for the pre-call time' },
          [{ claimantRef: record.claimantRef }],
        );
        if (fresh && (!fresh.claim.inPayment || exemptionFor(fresh, today())))
          throw offPath('a change found at the pre-call check');
        effect({ kind: 'lms.updateAppointment', appointmentId: preCall!.id, status: 'held' });
        moveTo('awaitingPreCallResult');
        return;
      }
      case 'REMINDER_DUE':
        if (hwc)
          effect({ kind: 'comms.notify', notification: record.lms.mobile ? 'REMINDER_SMS' : 'REMINDER_CALL_TASK' });
        moveTo(stage);
        return;
      case 'HWC_DUE':
        if (stage === 'awaitingPreCallResult') effect({ kind: 'lms.note', text: 'Pre-call did not happen' });
        awaitAttendance();
        return;
      case 'ESCALATION_DUE':
        effect({ kind: 'lms.escalate', reason: escalationReason ?? 'awaiting a decision' });
        timers.ESCALATION_DUE = escalateFrom();
        moveTo(stage);
        return;
    }
  };

  const performEffects = async () => {
    while (performed < effects.length) {
      const e = effects[performed];
      await activities[ACTIVITY_FOR_EFFECT[e.kind]].executeWithOptions(
        { startToCloseTimeout: '30s', retry: RETRY, summary: describeEffect(e) },
        [{ workflowId, claimantRef: record.claimantRef, effect: e }],
      );
      performed = e.seq;
    }
  };

  effect({ kind: 'lms.readAdjustments' });
  timers.BOOKING_CALL_TIMEOUT = closeOfBusiness(addWorkingDays(today(), 2, cal));
  publish();
  // hwc's journeys carry this patch marker; so do these, for histories of the same events.
  wf.patched('deadlines-through-timers');
  while (stage !== 'completed') {
    await performEffects();
    const seen = version;
    const next = nextDeadline();
    const wait = next ? Date.parse(next.at) - (Date.now() + (input.clockOffsetMs ?? 0)) : Infinity;
    if (next && wait <= 0) {
      await fire(next.type, next.at);
      continue;
    }
    const moved = () => version !== seen || performed < effects.length;
    if (next) await wf.condition(moved, wait, { summary: `${next.type} at ${next.at}` });
    else await wf.condition(moved);
  }
  await performEffects();
  await wf.condition(wf.allHandlersFinished);
  return 'HWC_COMPLETED';
}
