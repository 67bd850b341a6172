// What a journey remembers (XState context) and the small editing vocabulary the machine's actions use.
// Everything the trace shows and every effect the shell must perform is written here, at the logical
// time `now` of the input being handled, so both engines derive the same trace from the same inputs.
import type {
  Appointment,
  AppointmentKind,
  AppointmentStatus,
  ClaimantRecord,
  ContactAttempt,
  DeferralCategory,
  LetterType,
  NotificationType,
  Outcome,
  OutcomeReason,
  StaffIdentity,
} from '../domain/schemas';
import { POLICY_WHEN_NONE_RECORDED, type Policy } from '../domain/policy';

/** Inputs the clock delivers, in the order they fire when due at the same instant. */
export const TIMER_EVENTS = [
  'REVIEW_DUE',
  'BOOKING_CALL_TIMEOUT',
  'PRE_CALL_DUE',
  'REMINDER_DUE',
  'HWC_DUE',
  'CONTACT_WINDOW_CLOSED',
  'DOUBT_WINDOW_CLOSED',
  'ESCALATION_DUE',
] as const;
export type TimerEvent = (typeof TIMER_EVENTS)[number];
/** Repeating escalations are not deadlines for the simulator's stop rule (B4). */
export const REPEATING_TIMERS: readonly TimerEvent[] = ['ESCALATION_DUE'];

export type Effect =
  | { kind: 'lms.requestReassignment'; toOffice: string }
  | { kind: 'lms.note'; text: string }
  | { kind: 'lms.setMarker'; marker: 'CC & HWC'; stage: string }
  | { kind: 'lms.readAdjustments' }
  | {
      kind: 'lms.bookAppointment';
      appointmentId: number;
      appointment: AppointmentKind;
      appointmentAt: string;
      workCoach: string;
      minutes: number;
    }
  | { kind: 'lms.updateAppointment'; appointmentId: number; status: AppointmentStatus }
  | { kind: 'lms.assignCase'; workCoach: string }
  | { kind: 'lms.moveAppointment'; appointmentId: number; workCoach: string }
  | { kind: 'lms.createWorkflow'; purpose: string; due: string }
  | { kind: 'lms.recordActionPlan'; actions: { what: string; where: string; when: string }[]; myValues: string }
  | { kind: 'lms.raiseDoubt'; failure: 'FTA' | 'FTP' }
  | { kind: 'lms.withdrawDoubt' }
  | { kind: 'lms.finalCheck' }
  | { kind: 'lms.arrangeSafeguardVisit' }
  | { kind: 'lms.referToDecisionMaker'; stencil: DartStencil }
  | { kind: 'lms.escalate'; reason: string }
  | { kind: 'comms.letter'; letter: LetterType }
  | { kind: 'comms.notify'; notification: NotificationType };

export interface DartStencil {
  failure: 'FTA' | 'FTP';
  failedAt: string;
  reasons: string[];
  doubtRaisedAt: string;
  easementUsed: boolean;
}

/** An effect with its logical time `at` and a sequence number: (workflow id, seq) is its idempotency key. */
export type RecordedEffect = Effect & { seq: number; at: string };

export interface RuleFired {
  at: string;
  rule: string;
}

export interface StoredAppointment extends Appointment {
  id: number;
}

export interface JourneyInput {
  office: string;
  record: ClaimantRecord;
  start: string;
  holidays: string[];
  /** The rule parameters the journey keeps for life; none: a journey started before they were recorded. */
  policy?: Policy;
}

export interface JourneyContext {
  office: string;
  record: ClaimantRecord;
  holidays: string[];
  policy: Policy;
  workCoach: string;
  /** Logical time of the input being handled; set by the step function before each input. */
  now: string;
  screeningDay: string | null;
  targetDate: string | null;
  unclearChecked: boolean;
  wcaDate: string | null;
  slot: string | null;
  deferral: { category: DeferralCategory; until: string } | null;
  failure: { kind: 'FTA' | 'FTP'; at: string; reasons: string[] } | null;
  easementUsed: boolean;
  timers: Partial<Record<TimerEvent, string>>;
  escalationReason: string | null;
  appointments: StoredAppointment[];
  letters: { type: LetterType; at: string }[];
  notifications: { type: NotificationType; at: string }[];
  markers: { marker: 'CC & HWC'; stage: string; at: string }[];
  doubts: { raisedAt: string; withdrawnAt: string | null }[];
  deferrals: { at: string; category: DeferralCategory; until: string }[];
  contacts: ContactAttempt[];
  escalations: { reason: string; at: string }[];
  referredToDmAt: string | null;
  outcome: Outcome | null;
  reason: OutcomeReason | null;
  dmDecision: 'SANCTION' | 'NO_SANCTION' | null;
  endedAt: string | null;
  effects: RecordedEffect[];
  rules: RuleFired[];
  lastBy: StaffIdentity | null;
}

export function initialContext(input: JourneyInput, workCoach: string): JourneyContext {
  return {
    office: input.office,
    record: input.record,
    holidays: input.holidays,
    policy: input.policy ?? POLICY_WHEN_NONE_RECORDED,
    workCoach,
    now: input.start,
    screeningDay: null,
    targetDate: null,
    unclearChecked: false,
    wcaDate: input.record.wca.scheduledDate ?? null,
    slot: null,
    deferral: null,
    failure: null,
    easementUsed: false,
    timers: {},
    escalationReason: null,
    appointments: [],
    letters: [],
    notifications: [],
    markers: [],
    doubts: [],
    deferrals: [],
    contacts: [],
    escalations: [],
    referredToDmAt: null,
    outcome: null,
    reason: null,
    dmDecision: null,
    endedAt: null,
    effects: [],
    rules: [],
    lastBy: null,
  };
}

/**
 * A copy-on-edit draft of the context: actions describe what happened in the rulebook's words
 * (`d.letter('ESAHWC1')`) and the draft records both the trace entry and the effect to perform.
 */
export class Draft {
  readonly c: JourneyContext;
  constructor(ctx: JourneyContext) {
    this.c = {
      ...ctx,
      timers: { ...ctx.timers },
      appointments: ctx.appointments.map((a) => ({ ...a })),
      letters: [...ctx.letters],
      notifications: [...ctx.notifications],
      markers: [...ctx.markers],
      doubts: ctx.doubts.map((d) => ({ ...d })),
      deferrals: [...ctx.deferrals],
      contacts: [...ctx.contacts],
      escalations: [...ctx.escalations],
      effects: [...ctx.effects],
      rules: [...ctx.rules],
    };
  }
  get now() {
    return this.c.now;
  }
  effect(e: Effect) {
    this.c.effects.push({ ...e, seq: this.c.effects.length + 1, at: this.now } as RecordedEffect);
  }
  /** A rule that decided, with where the guidance says so (`¶34 doubt`, `A4 PREGNANCY`): auditors check it there. */
  rule(rule: string, cite?: string) {
    this.c.rules.push({ at: this.now, rule: cite ? `${rule} [${cite}]` : rule });
  }
  note(text: string) {
    this.effect({ kind: 'lms.note', text });
  }
  letter(type: LetterType) {
    this.c.letters.push({ type, at: this.now });
    this.effect({ kind: 'comms.letter', letter: type });
  }
  notify(type: NotificationType) {
    this.c.notifications.push({ type, at: this.now });
    this.effect({ kind: 'comms.notify', notification: type });
  }
  marker(stage: string) {
    this.c.markers.push({ marker: 'CC & HWC', stage, at: this.now });
    this.effect({ kind: 'lms.setMarker', marker: 'CC & HWC', stage });
  }
  book(kind: AppointmentKind, at: string) {
    const id = this.c.appointments.length + 1;
    this.c.appointments.push({ id, kind, at, workCoach: this.c.workCoach, status: 'booked' });
    const minutes = kind === 'PRE_CALL' ? 10 : 40;
    this.effect({
      kind: 'lms.bookAppointment',
      appointmentId: id,
      appointment: kind,
      appointmentAt: at,
      workCoach: this.c.workCoach,
      minutes,
    });
  }
  /** The most recent appointment of a kind (the current HWC or pre-call). */
  current(kind: AppointmentKind): StoredAppointment | undefined {
    return [...this.c.appointments].reverse().find((a) => a.kind === kind);
  }
  setStatus(a: StoredAppointment, status: AppointmentStatus) {
    a.status = status;
    this.effect({ kind: 'lms.updateAppointment', appointmentId: a.id, status });
  }
  /** A7: every appointment still booked is cancelled; one notification covers them all. */
  cancelBooked(exceptKinds: AppointmentKind[] = ['FOLLOW_UP']) {
    const booked = this.c.appointments.filter((a) => a.status === 'booked' && !exceptKinds.includes(a.kind));
    for (const a of booked) this.setStatus(a, 'cancelled');
    if (booked.length) this.notify('CANCELLATION');
    delete this.c.timers.PRE_CALL_DUE;
    delete this.c.timers.REMINDER_DUE;
    delete this.c.timers.HWC_DUE;
    return booked.length;
  }
  openDoubt() {
    return this.c.doubts.find((d) => d.withdrawnAt === null) ?? null;
  }
  raiseDoubt() {
    if (this.openDoubt()) return;
    const failure = this.c.failure?.kind ?? 'FTA';
    this.c.doubts.push({ raisedAt: this.now, withdrawnAt: null });
    this.effect({ kind: 'lms.raiseDoubt', failure });
    this.letter(failure === 'FTP' ? 'FTP_LETTER' : 'FTA_LETTER');
  }
  withdrawDoubt() {
    const open = this.openDoubt();
    if (!open) return;
    open.withdrawnAt = this.now;
    this.effect({ kind: 'lms.withdrawDoubt' });
  }
  timer(event: TimerEvent, at: string | null) {
    if (at === null) delete this.c.timers[event];
    else this.c.timers[event] = at;
  }
  end(outcome: Outcome, reason: OutcomeReason | null) {
    this.c.outcome = outcome;
    this.c.reason = reason;
    this.c.endedAt = this.now;
    this.c.timers = {};
    this.c.escalationReason = null;
  }
}

/** Run an edit against a copy of the context: the XState `assign` shape used by every action. */
export const edit =
  <E, P = undefined>(fn: (d: Draft, event: E, params: P) => void) =>
  ({ context, event }: { context: JourneyContext; event: E }, params: P) => {
    const d = new Draft(context);
    fn(d, event, params);
    return d.c;
  };

/** The activity that performs each kind of effect: one per thing the case, benefit or letter system does. */
export const ACTIVITY_FOR_EFFECT = {
  'lms.requestReassignment': 'requestReassignment',
  'lms.note': 'addNote',
  'lms.setMarker': 'setMarker',
  'lms.readAdjustments': 'readAdjustments',
  'lms.bookAppointment': 'bookAppointment',
  'lms.updateAppointment': 'updateAppointment',
  'lms.assignCase': 'assignCase',
  'lms.moveAppointment': 'moveAppointment',
  'lms.createWorkflow': 'createLmsWorkflow',
  'lms.recordActionPlan': 'recordActionPlan',
  'lms.raiseDoubt': 'raiseDoubt',
  'lms.withdrawDoubt': 'withdrawDoubt',
  'lms.finalCheck': 'finalCheck',
  'lms.arrangeSafeguardVisit': 'arrangeSafeguardVisit',
  'lms.referToDecisionMaker': 'referToDecisionMaker',
  'lms.escalate': 'escalateToTeamLeader',
  'comms.letter': 'sendLetter',
  'comms.notify': 'sendNotification',
} as const satisfies Record<Effect['kind'], string>;
export type EffectActivityName = (typeof ACTIVITY_FOR_EFFECT)[Effect['kind']];

/** A one-line, personal-data-free description of an effect: activity summaries in the Web UI, audit trail. */
export function describeEffect(e: Effect): string {
  switch (e.kind) {
    case 'lms.requestReassignment':
      return `LMS: ask office ${e.toOffice} to reassign the case`;
    case 'lms.note':
      return 'LMS: notepad entry';
    case 'lms.setMarker':
      return `LMS: marker ${e.marker} stage ${e.stage}`;
    case 'lms.readAdjustments':
      return 'LMS: read markers, reasonable adjustments, Staff Protection List';
    case 'lms.bookAppointment':
      return `LMS diary: book ${e.appointment} (${e.minutes} min) at ${e.appointmentAt} with ${e.workCoach}`;
    case 'lms.updateAppointment':
      return `LMS diary: appointment ${e.appointmentId} ${e.status}`;
    case 'lms.assignCase':
      return `LMS: case assigned to work coach ${e.workCoach}`;
    case 'lms.moveAppointment':
      return `LMS diary: appointment ${e.appointmentId} moved to ${e.workCoach}`;
    case 'lms.createWorkflow':
      return `LMS workflow: ${e.purpose} due ${e.due}`;
    case 'lms.recordActionPlan':
      return `LMS: action plan with ${e.actions.length} voluntary action(s)`;
    case 'lms.raiseDoubt':
      return `LMS: raise ${e.failure} doubt`;
    case 'lms.withdrawDoubt':
      return 'LMS: withdraw doubt';
    case 'lms.finalCheck':
      return 'LMS: final check of potentially-violent markers and notes';
    case 'lms.arrangeSafeguardVisit':
      return 'LMS: arrange safeguard visit';
    case 'lms.referToDecisionMaker':
      return 'LMS: DART stencil and claim referred to the LM decision maker';
    case 'lms.escalate':
      return `LMS: escalate to team leader: ${e.reason}`;
    case 'comms.letter':
      return `Letter ${e.letter}`;
    case 'comms.notify':
      return `Notification ${e.notification}`;
  }
}
