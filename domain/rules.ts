// The screening rules of journey.md A3 step 1, A4 (exemptions), A5 (deferrals) and the WCA rule.
// Pure functions of the claimant record and a check date; every date rule is inclusive at both ends (A7).
import { addDays, addMonths, addWeeks, addWorkingDays, onOrAfterWorkingDay, laterOf, type Calendar } from './calendar';
import { HWC_POLICY_V1, type PolicyParameters } from './policy';
import {
  EXEMPTION_CATEGORIES,
  DEFERRAL_CATEGORIES,
  type ClaimantRecord,
  type DeferralCategory,
  type ExemptionCategory,
} from './schemas';

type Check = (r: ClaimantRecord, on: string) => boolean;

const has = (r: ClaimantRecord, kind: string) => r.circumstances.some((c) => c.kind === kind);
const within = (d: string, from: string, to: string) => from <= d && d <= to;

/** State Pension age under the Pensions Act 2014: 66, rising by a month per birth month to 67. */
export function statePensionAgeDate(dateOfBirth: string): string {
  if (dateOfBirth < '1960-04-06') return addMonths(dateOfBirth, 66 * 12);
  if (dateOfBirth >= '1961-03-06') return addMonths(dateOfBirth, 67 * 12);
  // Born 6 April 1960 – 5 March 1961: 66 years and k months, k = 1 for 6 Apr – 5 May 1960, … 11.
  let k = 1;
  while (addMonths('1960-04-06', k) <= dateOfBirth) k++;
  return addMonths(dateOfBirth, 66 * 12 + k);
}

export function ageInYears(dateOfBirth: string, on: string): number {
  let years = Number(on.slice(0, 4)) - Number(dateOfBirth.slice(0, 4));
  if (on.slice(5) < dateOfBirth.slice(5)) years--;
  return years;
}

const PENSION_DISABILITY_BENEFITS = ['AA', 'DLA_CARE_HIGHEST', 'PIP_DAILY_LIVING_ENHANCED'];

/** A4, in table order: when several apply the first is reported. */
export const EXEMPTION_RULES: Record<ExemptionCategory, Check> = {
  TERMINAL_ILLNESS: (r) => r.health.specialRules || has(r, 'TERMINAL_ILLNESS'),
  CANCER_TREATMENT: (r) => has(r, 'CANCER_TREATMENT'),
  LIFE_THREATENING_DISEASE: (r) => has(r, 'LIFE_THREATENING_DISEASE'),
  RISK_TO_SELF_OR_OTHERS: (r) => has(r, 'RISK_TO_SELF_OR_OTHERS'),
  FULL_TIME_CARER: (r) =>
    r.otherBenefits.some((b) => b.type === '08' && b.for === '01' && (b.received === 'Y' || b.received === 'U')) ||
    has(r, 'FULL_TIME_CARER'),
  LONE_PARENT_CHILD_UNDER_1: (r) => r.household.parentMarker === 'Lone' && r.household.youngestChildAgeYears === 0,
  RECENT_ADOPTION: (r, on) =>
    r.circumstances.some((c) => {
      if (c.kind !== 'RECENT_ADOPTION') return false;
      const from = c.earlierStartRequested ? addDays(c.childMovedIn, -14) : c.childMovedIn;
      return within(on, from, addMonths(from, 12));
    }),
  FULL_TIME_EDUCATION: (r) => has(r, 'FULL_TIME_EDUCATION'),
  YOUNG_PERSON_NO_PARENTAL_SUPPORT: (r, on) =>
    has(r, 'YOUNG_PERSON_NO_PARENTAL_SUPPORT') && ageInYears(r.dateOfBirth, on) < 21,
  PREGNANCY: (r, on) =>
    has(r, 'PREGNANCY_RISK') ||
    r.circumstances.some(
      (c) =>
        c.kind === 'PREGNANCY' &&
        within(on, addWeeks(c.expectedWeekOfConfinement, -11), addWeeks(c.expectedWeekOfConfinement, 15)),
    ),
  PENSION_CREDIT_AGE: (r, on) =>
    statePensionAgeDate(r.dateOfBirth) <= on &&
    r.disabilityBenefits.some((b) => PENSION_DISABILITY_BENEFITS.includes(b)),
  CERTAIN_TREATMENTS: (r) => has(r, 'CERTAIN_TREATMENTS'),
  IN_HOSPITAL: (r) => has(r, 'IN_HOSPITAL'),
  PREVENTED_BY_LAW: (r) => has(r, 'PREVENTED_BY_LAW'),
  CREDITS_ONLY: (r) => r.claim.status === 'built' && r.claim.weeklyRate === 0,
};

export function exemptionFor(r: ClaimantRecord, on: string): ExemptionCategory | null {
  return EXEMPTION_CATEGORIES.find((c) => EXEMPTION_RULES[c](r, on)) ?? null;
}

const UNCLEAR_MARKS = ['t.i.', 'sp. rules', 'ds1500'];

/** A4 "unclear": the notes hint at Special Rules while the indicator says no. */
export function exemptionUnclear(r: ClaimantRecord): boolean {
  return !r.health.specialRules && r.health.notes.some((n) => UNCLEAR_MARKS.some((m) => n.toLowerCase().includes(m)));
}

/** A5, in table order. */
export const DEFERRAL_RULES: Record<DeferralCategory, Check> = {
  APPOINTEE: (r) => r.appointee,
  CLAIM_NOT_IN_PAYMENT: (r) => r.claim.status === 'registered',
  DOMESTIC_VIOLENCE: (r, on) =>
    r.circumstances.some(
      (c) =>
        c.kind === 'DOMESTIC_VIOLENCE' &&
        within(c.incidentDate, addWeeks(on, -26), on) &&
        !c.livingWithAbuser &&
        !(c.previousEasementDate && within(c.previousEasementDate, addMonths(on, -12), on)),
    ),
  BEREAVEMENT: (r) => has(r, 'BEREAVEMENT'),
  RECENT_TRAUMA: (r) => has(r, 'RECENT_TRAUMA'),
  JURY_SERVICE: (r) => r.circumstances.some((c) => c.kind === 'JURY_SERVICE' && c.proofSupplied),
  TEMPORARILY_ABSENT_FOR_TREATMENT: (r) => has(r, 'TEMPORARILY_ABSENT_FOR_TREATMENT'),
};

export function deferralCandidates(r: ClaimantRecord, on: string): DeferralCategory[] {
  return DEFERRAL_CATEGORIES.filter((c) => DEFERRAL_RULES[c](r, on));
}

/** A3 step 1.2: built but not in payment. A registered claim is a deferral candidate instead. */
export const esaNotInPayment = (r: ClaimantRecord) => r.claim.status === 'built' && !r.claim.inPayment;

type TargetPolicy = Pick<PolicyParameters, 'targetAfterClaimStartDays' | 'targetAfterScreeningWorkingDays'>;

/** A3 step 1.4: the later of claim start + 28 days and screening day + 3 wd (the policy's numbers), on a
 *  working day. */
export function targetHwcDate(
  r: ClaimantRecord,
  screeningDay: string,
  cal: Calendar,
  policy: TargetPolicy = HWC_POLICY_V1,
): string {
  const afterClaim = addDays(r.claim.startDate, policy.targetAfterClaimStartDays);
  const afterScreening = addWorkingDays(screeningDay, policy.targetAfterScreeningWorkingDays, cal);
  return onOrAfterWorkingDay(laterOf(afterClaim, afterScreening), cal);
}

/** The WCA rule: a WCA on or before HWC date + 21 days (the policy's horizon; a past one included) makes the
 *  HWC unnecessary. */
export function wcaWithinThreeWeeks(
  wcaDate: string | null | undefined,
  hwcDate: string,
  horizonDays: number = HWC_POLICY_V1.wcaHorizonDays,
): boolean {
  return !!wcaDate && wcaDate <= addDays(hwcDate, horizonDays);
}

/** A7: the work coach for pre-call and HWC. */
export const workCoachFor = (r: ClaimantRecord) => r.lms.workCoach || 'WC-01';
