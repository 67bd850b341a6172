// Management information: every figure a manager or policy team asks for, computed from journeys' own traces
// (B5, the `journey` query) and nothing else, so each number reconciles with the journeys it counts. One
// function serves `hwc mi` (traces from the durable projection), `hwc simulate --caseload` (traces of the
// pure simulator) and the manager's page. Pure: no clock, no I/O; "now" is not needed because an overdue
// wait is one that has already escalated (the trace shows it).
import { isWorkingDay, localDate, type Calendar } from '../domain/calendar';
import type { Outcome, Trace } from '../domain/schemas';

export interface FigureOptions {
  /** Only journeys of this office (`trace.office`). */
  office?: string;
  /** Only journeys the work coach has now (`trace.workCoach`). */
  coach?: string;
  /** Only journeys started (reported) on or after / on or before these London days, YYYY-MM-DD. */
  from?: string;
  to?: string;
  /** Bank holidays for the working-day figures. */
  calendar: Calendar;
}

export type Counts = Record<string, number>;

export interface Figures {
  selection: { office: string | null; coach: string | null; from: string | null; to: string | null };
  /** Journeys in the selection: started in the period, of the office, with the coach. */
  journeys: number;
  outcomes: Record<Outcome | 'running', number>;
  /** Outcome reasons: exemption categories and not-required reasons. */
  reasons: Counts;
  screenedOut: { exempt: Counts; notRequired: Counts; deferred: Counts };
  bookingCalls: { recorded: number; reached: number };
  /** `booked`: every HWC appointment ever booked; the others are final statuses (`booked` now: `upcoming`). */
  hwc: { booked: number; attended: number; fta: number; ftp: number; cancelled: number; upcoming: number };
  preCalls: { booked: number; held: number; cancelled: number; recorded: number; reached: number };
  reminders: Counts;
  letters: Counts;
  easementUsed: number;
  doubtsRaised: number;
  doubtsWithdrawn: number;
  safeguardVisits: { recorded: number; seen: number };
  referredToDm: number;
  dmDecisions: { SANCTION: number; NO_SANCTION: number };
  escalations: number;
  /** Working days from claim start to the day of the attended HWC, for journeys ending HWC_COMPLETED. */
  workingDaysToCompletedHwc: { journeys: number; median: number | null; p90: number | null };
  /** Running journeys waiting for a person who has not acted by the first escalation, by stage. */
  overdue: { total: number; byStage: Counts };
  funnel: { step: FunnelStep; label: string; journeys: number }[];
  /** Outcomes by the week (starting Monday, London) in which they were reached. */
  weekly: ({ weekStarting: string } & Record<Outcome, number>)[];
}

export type FunnelStep = 'reported' | 'screenedOut' | 'booked' | 'preCallReached' | 'attended' | 'completed';
export const FUNNEL_LABELS: Record<FunnelStep, string> = {
  reported: 'reported',
  screenedOut: 'screened out',
  booked: 'HWC booked',
  preCallReached: 'pre-call reached',
  attended: 'attended',
  completed: 'completed',
};

const LETTER_TYPES = ['ESAHWC1', 'ESAHWC4', 'VOLUNTARY_APPOINTMENT', 'FTA_LETTER', 'FTP_LETTER', 'ESA10'];
const REMINDER_TYPES = ['REMINDER_SMS', 'REMINDER_CALL_TASK'];

const inc = (c: Counts, k: string, n = 1) => (c[k] = (c[k] ?? 0) + n);
const zeros = (keys: readonly string[]): Counts => Object.fromEntries(keys.map((k) => [k, 0]));
/** Keys in a stable order (alphabetical) so that JSON and CSV outputs compare line by line. */
const sorted = (c: Counts): Counts => Object.fromEntries(Object.entries(c).sort(([a], [b]) => (a < b ? -1 : 1)));

/** The London day a journey was reported: its first transition (START). */
export const startedOn = (t: Trace) => localDate(t.transitions[0]?.at ?? t.endedAt ?? '1970-01-01T00:00:00Z');

export function selects(t: Trace, o: Omit<FigureOptions, 'calendar'>): boolean {
  if (o.office && t.office !== o.office) return false;
  if (o.coach && t.workCoach !== o.coach) return false;
  if (o.from || o.to) {
    const d = startedOn(t);
    if (o.from && d < o.from) return false;
    if (o.to && d > o.to) return false;
  }
  return true;
}

/** Working days after `from` up to and including `to` (0 when `to` is not after `from`). */
export function workingDaysBetween(from: string, to: string, cal: Calendar): number {
  let n = 0;
  const d = new Date(`${from}T12:00:00Z`);
  const end = `${to}`;
  for (;;) {
    d.setUTCDate(d.getUTCDate() + 1);
    const day = d.toISOString().slice(0, 10);
    if (day > end) return n;
    if (isWorkingDay(day, cal)) n++;
  }
}

/** Nearest-rank percentile of sorted values (the median is the 50th). */
export function percentile(sortedValues: readonly number[], p: number): number | null {
  if (!sortedValues.length) return null;
  const rank = Math.ceil((p / 100) * sortedValues.length);
  return sortedValues[Math.min(sortedValues.length, Math.max(1, rank)) - 1];
}

/** The Monday (London) of the week an instant falls in. */
export function weekStarting(instant: string): string {
  const day = localDate(instant);
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

/** Stages whose wait is for a person with no default of its own (they escalate, journey.md A7). */
const PERSON_WAITS = new Set([
  'awaitingReassignment',
  'awaitingTeamLeaderAdvice',
  'awaitingDeferralDecision',
  'awaitingAttendance',
  'inConversation',
  'awaitingFtaCall',
  'awaitingSafeguardVisit',
  'awaitingDmDecision',
]);

/** A running journey is overdue when its current wait has escalated: nobody acted by the first escalation. */
export function isOverdue(t: Trace): boolean {
  if (t.status !== 'running' || !PERSON_WAITS.has(t.stage)) return false;
  const since = t.transitions.at(-1)?.at ?? '';
  return t.escalations.some((e) => e.at > since);
}

export function computeFigures(traces: Iterable<Trace>, o: FigureOptions): Figures {
  const f: Figures = {
    selection: { office: o.office ?? null, coach: o.coach ?? null, from: o.from ?? null, to: o.to ?? null },
    journeys: 0,
    outcomes: { HWC_COMPLETED: 0, EXEMPT: 0, NOT_REQUIRED: 0, SANCTION_REFERRED: 0, running: 0 },
    reasons: {},
    screenedOut: { exempt: {}, notRequired: {}, deferred: {} },
    bookingCalls: { recorded: 0, reached: 0 },
    hwc: { booked: 0, attended: 0, fta: 0, ftp: 0, cancelled: 0, upcoming: 0 },
    preCalls: { booked: 0, held: 0, cancelled: 0, recorded: 0, reached: 0 },
    reminders: zeros(REMINDER_TYPES),
    letters: zeros(LETTER_TYPES),
    easementUsed: 0,
    doubtsRaised: 0,
    doubtsWithdrawn: 0,
    safeguardVisits: { recorded: 0, seen: 0 },
    referredToDm: 0,
    dmDecisions: { SANCTION: 0, NO_SANCTION: 0 },
    escalations: 0,
    workingDaysToCompletedHwc: { journeys: 0, median: null, p90: null },
    overdue: { total: 0, byStage: {} },
    funnel: [],
    weekly: [],
  };
  const funnel: Record<FunnelStep, number> = {
    reported: 0,
    screenedOut: 0,
    booked: 0,
    preCallReached: 0,
    attended: 0,
    completed: 0,
  };
  const days: number[] = [];
  const weeks = new Map<string, Record<Outcome, number>>();

  for (const t of traces) {
    if (!selects(t, o)) continue;
    f.journeys++;
    funnel.reported++;
    f.outcomes[t.outcome ?? 'running']++;
    if (t.reason) inc(f.reasons, t.reason);
    if (t.outcome === 'EXEMPT' && t.reason) inc(f.screenedOut.exempt, t.reason);
    if (t.outcome === 'NOT_REQUIRED' && t.reason) inc(f.screenedOut.notRequired, t.reason);
    for (const d of t.deferrals) inc(f.screenedOut.deferred, d.category);

    let hwcs = 0;
    let attended = false;
    let completedOn: string | null = null;
    for (const a of t.appointments) {
      if (a.kind === 'HWC') {
        hwcs++;
        f.hwc.booked++;
        if (a.status === 'booked') f.hwc.upcoming++;
        else if (a.status === 'attended' || a.status === 'fta' || a.status === 'ftp' || a.status === 'cancelled')
          f.hwc[a.status]++;
        if (a.status === 'attended' || a.status === 'ftp') attended = true;
        if (a.status === 'attended') completedOn = localDate(a.at);
      } else if (a.kind === 'PRE_CALL') {
        f.preCalls.booked++;
        if (a.status === 'held') f.preCalls.held++;
        if (a.status === 'cancelled') f.preCalls.cancelled++;
      }
    }
    let preCallReached = false;
    for (const c of t.contacts) {
      if (c.event === 'BOOKING_CALL') {
        f.bookingCalls.recorded++;
        if (c.reached) f.bookingCalls.reached++;
      } else if (c.event === 'PRE_CALL') {
        f.preCalls.recorded++;
        if (c.reached) {
          f.preCalls.reached++;
          preCallReached = true;
        }
      } else if (c.event === 'SAFEGUARD_VISIT') {
        f.safeguardVisits.recorded++;
        if (c.reached) f.safeguardVisits.seen++;
      }
    }
    for (const l of t.letters) inc(f.letters, l.type);
    for (const n of t.notifications) if (REMINDER_TYPES.includes(n.type)) inc(f.reminders, n.type);
    if (t.easementUsed) f.easementUsed++;
    f.doubtsRaised += t.doubts.length;
    f.doubtsWithdrawn += t.doubts.filter((d) => d.withdrawnAt !== null).length;
    if (t.referredToDmAt) f.referredToDm++;
    if (t.dmDecision) f.dmDecisions[t.dmDecision]++;
    f.escalations += t.escalations.length;
    if (isOverdue(t)) {
      f.overdue.total++;
      inc(f.overdue.byStage, t.stage);
    }

    if ((t.outcome === 'EXEMPT' || t.outcome === 'NOT_REQUIRED') && hwcs === 0) funnel.screenedOut++;
    if (hwcs > 0) funnel.booked++;
    if (preCallReached) funnel.preCallReached++;
    if (attended) funnel.attended++;
    if (t.outcome === 'HWC_COMPLETED') {
      funnel.completed++;
      if (completedOn) days.push(workingDaysBetween(t.claimStartDate, completedOn, o.calendar));
    }
    if (t.outcome && t.endedAt) {
      const week = weekStarting(t.endedAt);
      let w = weeks.get(week);
      if (!w) weeks.set(week, (w = { HWC_COMPLETED: 0, EXEMPT: 0, NOT_REQUIRED: 0, SANCTION_REFERRED: 0 }));
      w[t.outcome]++;
    }
  }

  days.sort((a, b) => a - b);
  f.workingDaysToCompletedHwc = { journeys: days.length, median: percentile(days, 50), p90: percentile(days, 90) };
  f.reasons = sorted(f.reasons);
  f.screenedOut = {
    exempt: sorted(f.screenedOut.exempt),
    notRequired: sorted(f.screenedOut.notRequired),
    deferred: sorted(f.screenedOut.deferred),
  };
  f.overdue.byStage = sorted(f.overdue.byStage);
  f.funnel = (Object.keys(funnel) as FunnelStep[]).map((step) => ({
    step,
    label: FUNNEL_LABELS[step],
    journeys: funnel[step],
  }));
  f.weekly = [...weeks.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([weekStarting, w]) => ({ weekStarting, ...w }));
  return f;
}

/** Every number of a Figures as `path → value` (CSV rows, side-by-side comparisons, tests). */
export function flattenFigures(f: Figures): [string, number | null][] {
  const out: [string, number | null][] = [];
  const walk = (prefix: string, v: unknown) => {
    if (v === null || typeof v === 'number') out.push([prefix, v as number | null]);
    else if (Array.isArray(v)) {
      // funnel and weekly: keyed by their step or week
      for (const item of v as Record<string, unknown>[]) {
        const key = String(item.step ?? item.weekStarting);
        for (const [k, x] of Object.entries(item))
          if (typeof x === 'number') walk(`${prefix}.${key}${k === 'journeys' ? '' : `.${k}`}`, x);
      }
    } else if (typeof v === 'object')
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(prefix ? `${prefix}.${k}` : k, x);
  };
  const { selection: _selection, ...numbers } = f;
  walk('', numbers);
  return out;
}
