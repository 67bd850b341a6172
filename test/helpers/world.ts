// A journey on a simulated clock, for the model-based and property tests: the journey state, the clock and
// the person events it accepted (the invariant checks need their payloads, which the trace does not keep).
// Moves are what can happen next: a person records an event now, the clock runs to the next deadline, one
// escalation fires, or a day passes.
import { holidaysForJourney } from '../../domain/bank-holidays';
import { addDays, atLocal, localDate } from '../../domain/calendar';
import { ClaimantRecord, type ClaimantRecordInput } from '../../domain/schemas';
import {
  acceptedEvents,
  defaultIdentity,
  isEnded,
  nextTimer,
  startJourney,
  step,
  validateEvent,
  type JourneyState,
  type PersonEvent,
} from '../../machines/step';

export interface World {
  readonly state: JourneyState;
  readonly clock: string;
  readonly inputs: readonly PersonEvent[];
  /** The moves that led here, readable, for failure reports. */
  readonly trail: readonly string[];
  /** Set when a move threw: the exploration keeps the state so the path to it can be reported. */
  readonly error?: string;
}

export type Move =
  { type: 'SEND'; event: Record<string, unknown> } | { type: 'ADVANCE' } | { type: 'TICK' } | { type: 'WAIT_DAY' };

export interface Fixture {
  name: string;
  start: string;
  office: string;
  claimant: ClaimantRecordInput;
}

const holidays = new Map<string, string[]>();

export function startWorld(f: Fixture): World {
  const year = f.start.slice(0, 4);
  if (!holidays.has(year)) holidays.set(year, holidaysForJourney(f.start));
  const record = ClaimantRecord.parse(f.claimant);
  const state = startJourney({ office: f.office, record, start: f.start, holidays: holidays.get(year)! });
  return { state, clock: f.start, inputs: [], trail: [] };
}

/** Fire every timer due at or before `at` (escalations included) and move the clock there (PureEngine.advanceTo). */
export function advanceTo(w: World, at: string): World {
  let state = w.state;
  for (let t = nextTimer(state); t && t.at <= at; t = nextTimer(state)) state = step(state, t);
  return { ...w, state, clock: at > w.clock ? at : w.clock };
}

/** Record a person event now; `null` if the journey refuses it (it must then be unchanged). */
export function send(w: World, raw: Record<string, unknown>): World | null {
  const checked = validateEvent(w.state, raw, w.clock);
  if (!checked.ok) return null;
  return { ...w, state: step(w.state, checked.event), inputs: [...w.inputs, checked.event] };
}

/** Representative payloads for every event type, with times relative to the clock. */
export function candidateEvents(clock: string): Record<string, unknown>[] {
  const day = localDate(clock);
  const soon = atLocal(addDays(day, 2), '11:00');
  const actions = [{ what: 'Join a walking group', where: 'Park', when: 'Saturdays' }];
  const raw: Record<string, unknown>[] = [
    { type: 'CASE_REASSIGNED' },
    { type: 'TEAM_LEADER_ADVICE', exempt: true, category: 'TERMINAL_ILLNESS' },
    { type: 'TEAM_LEADER_ADVICE', exempt: false },
    { type: 'DEFER', category: 'BEREAVEMENT', until: addDays(day, 14) },
    { type: 'PROCEED' },
    { type: 'BOOKING_CALL', contacted: false },
    { type: 'BOOKING_CALL', contacted: true },
    { type: 'BOOKING_CALL', contacted: true, slot: soon },
    { type: 'PRE_CALL', result: 'confirmed' },
    { type: 'PRE_CALL', result: 'no_answer' },
    { type: 'PRE_CALL', result: 'no_longer_required' },
    { type: 'PRE_CALL', result: 'no_longer_required', exemptCategory: 'IN_HOSPITAL' },
    { type: 'ATTENDED' },
    { type: 'FAILED_TO_ATTEND' },
    { type: 'CONVERSATION_COMPLETED', actions, myValues: 'declined' },
    { type: 'CONVERSATION_COMPLETED', actions, myValues: 'completed', followUp: atLocal(addDays(day, 30), '10:00') },
    { type: 'FAILED_TO_PARTICIPATE', reason: 'left early' },
    { type: 'FTA_CALL', contacted: false },
    { type: 'FTA_CALL', contacted: true, goodCause: true },
    { type: 'FTA_CALL', contacted: true, goodCause: true, slot: soon },
    { type: 'FTA_CALL', contacted: true, goodCause: false, willRebook: true },
    { type: 'FTA_CALL', contacted: true, goodCause: false, willRebook: false },
    { type: 'FTA_CALL', contacted: true, goodCause: false, exemptCategory: 'CANCER_TREATMENT' },
    { type: 'CLAIMANT_CONTACT', goodCause: true },
    { type: 'CLAIMANT_CONTACT', goodCause: false, willRebook: true },
    { type: 'CLAIMANT_CONTACT', goodCause: false },
    { type: 'CLAIMANT_CONTACT', goodCause: true, exemptCategory: 'PREGNANCY' },
    { type: 'SAFEGUARD_VISIT', seen: false },
    { type: 'SAFEGUARD_VISIT', seen: true, goodCause: true },
    { type: 'SAFEGUARD_VISIT', seen: true, goodCause: false, willRebook: true },
    { type: 'SAFEGUARD_VISIT', seen: true, goodCause: false, willRebook: false },
    { type: 'DM_DECISION', sanction: true },
    { type: 'DM_DECISION', sanction: false },
    { type: 'CLAIM_CLOSED' },
    { type: 'EXEMPTION_IDENTIFIED', category: 'IN_HOSPITAL' },
    { type: 'WCA_SCHEDULED', date: addDays(day, 5) },
    { type: 'WCA_SCHEDULED', date: addDays(day, 90) },
    { type: 'WORK_COACH_CHANGED', workCoach: 'WC-02' },
  ];
  return raw.map((e) => ({ ...e, by: defaultIdentity(e.type as never) }));
}

/** Every move available now (person events only if the journey would accept them). */
export function moves(w: World): Move[] {
  if (w.error || isEnded(w.state)) return [];
  const accepted = new Set<string>(acceptedEvents(w.state));
  const out: Move[] = candidateEvents(w.clock)
    .filter((e) => accepted.has(e.type as string) && validateEvent(w.state, e, w.clock).ok)
    .map((event) => ({ type: 'SEND', event }));
  if (nextTimer(w.state, false)) out.push({ type: 'ADVANCE' });
  if (nextTimer(w.state)?.type === 'ESCALATION_DUE') out.push({ type: 'TICK' });
  out.push({ type: 'WAIT_DAY' });
  return out;
}

export const describeMove = (m: Move) =>
  m.type === 'SEND' ? JSON.stringify(Object.fromEntries(Object.entries(m.event).filter(([k]) => k !== 'by'))) : m.type;

export function applyMove(w: World, m: Move): World {
  if (w.error) return w;
  const next = applyMoveUnchecked(w, m);
  return { ...next, trail: [...w.trail, describeMove(m)] };
}

function applyMoveUnchecked(w: World, m: Move): World {
  try {
    switch (m.type) {
      case 'SEND': {
        const next = send(w, m.event);
        if (!next) throw new Error(`refused a move offered as valid: ${JSON.stringify(m.event)}`);
        return next;
      }
      case 'ADVANCE': {
        const due = nextTimer(w.state, false);
        return due ? advanceTo(w, due.at) : w;
      }
      case 'TICK': {
        const due = nextTimer(w.state);
        return due ? advanceTo(w, due.at) : w;
      }
      case 'WAIT_DAY': {
        const at = new Date(Date.parse(w.clock) + 24 * 3600_000).toISOString();
        return advanceTo(w, at);
      }
    }
  } catch (e) {
    return { ...w, error: `${m.type === 'SEND' ? String(m.event.type) : m.type}: ${(e as Error).message}` };
  }
}

// ---------------------------------------------------------------------------------------------
// Claimants that between them reach every state of the machine.

const base: ClaimantRecordInput = {
  claimantRef: 'C-9000',
  office: 'LEEDS',
  dateOfBirth: '1980-04-02',
  claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 91.15 },
  lms: { potentiallyViolent: false, staffProtectionList: false, reasonableAdjustments: [], mobile: '07700900123' },
};
const fixture = (name: string, over: Partial<ClaimantRecordInput> = {}): Fixture => ({
  name,
  start: '2026-01-20T09:00:00.000Z',
  office: 'LEEDS',
  claimant: { ...base, ...over },
});

export const FIXTURES: Fixture[] = [
  fixture('plain'),
  fixture('bereaved (deferral candidate)', { circumstances: [{ kind: 'BEREAVEMENT' }] }),
  fixture('unclear Special Rules note', { health: { specialRules: false, notes: ['Sp. Rules?'] } }),
  fixture('owned by another office', { office: 'BRADFORD' }),
  fixture('claim registered, not in payment', {
    claim: { startDate: '2026-01-05', status: 'registered', inPayment: false, weeklyRate: 91.15 },
  }),
  fixture('pregnancy window opens before the pre-call', {
    circumstances: [{ kind: 'PREGNANCY', expectedWeekOfConfinement: '2026-04-08' }],
  }),
  fixture('no mobile, WCA in 5 weeks', {
    lms: {
      potentiallyViolent: false,
      staffProtectionList: false,
      reasonableAdjustments: [],
      mobile: null,
      phone: '0113',
    },
    wca: { scheduledDate: '2026-02-25' },
  }),
];
