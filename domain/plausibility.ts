// Dates that are well-formed but cannot be right, judged against a day given by the caller (the report's
// day, a scenario's start, an event's time): the domain never reads a clock. Each bound catches a typing
// slip that would otherwise start a journey on nonsense (a claimant born in 2062, a review set for 2206)
// while leaving room for every real case. Messages name the field and the bound, never the value: a date
// of birth is personal data. The clock-free bounds (1900, 27 October 2008, 2099) are in schemas.ts.
import { addMonths, localDate } from './calendar';
import type { ClaimantRecord, JourneyEvent } from './schemas';

export const PLAUSIBLE = {
  /** ESA is for people aged 16 or over. */
  minAgeYears: 16,
  /** Older than anyone on record. */
  maxAgeYears: 120,
  /** A claim can be made ahead of its start; three months covers an advance claim. */
  claimAheadMonths: 3,
  /** WCAs are booked weeks, at most months ahead. */
  wcaAheadMonths: 24,
  /** A booked or rebooked HWC, or a follow-up, is weeks away; half a year is already generous. */
  slotAheadMonths: 6,
  /** A deferral's review date: the guidance's deferrals last weeks or months; two years is the outside. */
  reviewAheadMonths: 24,
} as const;

export interface DateProblem {
  path: string;
  message: string;
}

/** What is implausible about a valid record's dates on `today` (YYYY-MM-DD); empty when nothing is. */
export function recordDateProblems(r: ClaimantRecord, today: string): DateProblem[] {
  const out: DateProblem[] = [];
  if (r.dateOfBirth > addMonths(today, -12 * PLAUSIBLE.minAgeYears))
    out.push({
      path: 'dateOfBirth',
      message: `the claimant would be under ${PLAUSIBLE.minAgeYears} on ${today} (ESA is for people aged ${PLAUSIBLE.minAgeYears} or over)`,
    });
  else if (r.dateOfBirth < addMonths(today, -12 * PLAUSIBLE.maxAgeYears))
    out.push({ path: 'dateOfBirth', message: `the claimant would be over ${PLAUSIBLE.maxAgeYears} on ${today}` });
  if (r.claim.startDate > addMonths(today, PLAUSIBLE.claimAheadMonths))
    out.push({
      path: 'claim.startDate',
      message: `is more than ${PLAUSIBLE.claimAheadMonths} months after ${today} (an advance claim is made at most ${PLAUSIBLE.claimAheadMonths} months ahead)`,
    });
  if (r.claim.startDate < r.dateOfBirth) out.push({ path: 'claim.startDate', message: 'is before the date of birth' });
  if (r.wca.scheduledDate && r.wca.scheduledDate > addMonths(today, PLAUSIBLE.wcaAheadMonths))
    out.push({
      path: 'wca.scheduledDate',
      message: `is more than ${PLAUSIBLE.wcaAheadMonths / 12} years after ${today}`,
    });
  return out;
}

/** What is implausible about a valid event's dates, given the instant it is recorded at; null if nothing. */
export function eventDateProblem(e: JourneyEvent, at: string): string | null {
  const limit = (months: number) => new Date(Date.parse(addMonths(localDate(at), months)) + 86_400_000);
  const tooLate = (field: string, value: string | undefined, months: number) =>
    value !== undefined && Date.parse(value) >= limit(months).getTime()
      ? `${e.type}.${field}: must be within ${months} months of the event's time ${at}`
      : null;
  if (e.type === 'DEFER') return tooLate('until', e.until, PLAUSIBLE.reviewAheadMonths);
  if (e.type === 'WCA_SCHEDULED') return tooLate('date', e.date, PLAUSIBLE.wcaAheadMonths);
  return (
    ('slot' in e ? tooLate('slot', e.slot, PLAUSIBLE.slotAheadMonths) : null) ??
    ('followUp' in e ? tooLate('followUp', e.followUp, PLAUSIBLE.slotAheadMonths) : null)
  );
}
