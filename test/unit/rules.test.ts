// The screening rules of journey.md A3/A4/A5, row by row: each exemption and deferral applies to the case
// it describes and not to its nearest miss; dates are inclusive at both ends (A7).
import { describe, expect, it } from 'vitest';
import { bankHolidays } from '../../domain/bank-holidays';
import {
  DEFERRAL_RULES,
  EXEMPTION_RULES,
  ageInYears,
  deferralCandidates,
  esaNotInPayment,
  exemptionFor,
  exemptionUnclear,
  statePensionAgeDate,
  targetHwcDate,
  wcaWithinThreeWeeks,
  workCoachFor,
} from '../../domain/rules';
import {
  ClaimantRecord,
  DEFERRAL_CATEGORIES,
  EXEMPTION_CATEGORIES,
  type ClaimantRecordInput,
  type DeferralCategory,
  type ExemptionCategory,
} from '../../domain/schemas';

const ON = '2026-01-20';
const base: ClaimantRecordInput = {
  claimantRef: 'C-4001',
  office: 'LEEDS',
  dateOfBirth: '1980-04-02',
  claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 91.15 },
};
const record = (over: Partial<ClaimantRecordInput> = {}) => ClaimantRecord.parse({ ...base, ...over });
const circ = (...c: ClaimantRecordInput['circumstances'] & object) => ({ circumstances: c });
const cal = { holidays: bankHolidays(2025, 2028) };

type Row<C extends string> = [C, string, Partial<ClaimantRecordInput>, string, boolean];

// [category, case, record fields, check date, applies?]
const EXEMPTIONS: Row<ExemptionCategory>[] = [
  ['TERMINAL_ILLNESS', 'Special Rules indicator', { health: { specialRules: true, notes: [] } }, ON, true],
  ['TERMINAL_ILLNESS', 'circumstance', circ({ kind: 'TERMINAL_ILLNESS' }), ON, true],
  [
    'TERMINAL_ILLNESS',
    'only a note mentioning DS1500',
    { health: { specialRules: false, notes: ['DS1500'] } },
    ON,
    false,
  ],
  ['CANCER_TREATMENT', 'circumstance', circ({ kind: 'CANCER_TREATMENT' }), ON, true],
  ['CANCER_TREATMENT', 'a different circumstance', circ({ kind: 'LIFE_THREATENING_DISEASE' }), ON, false],
  ['LIFE_THREATENING_DISEASE', 'circumstance', circ({ kind: 'LIFE_THREATENING_DISEASE' }), ON, true],
  ['LIFE_THREATENING_DISEASE', 'none', {}, ON, false],
  ['RISK_TO_SELF_OR_OTHERS', 'circumstance', circ({ kind: 'RISK_TO_SELF_OR_OTHERS' }), ON, true],
  ['RISK_TO_SELF_OR_OTHERS', 'none', {}, ON, false],
  [
    'FULL_TIME_CARER',
    "Carer's Allowance received Y",
    { otherBenefits: [{ type: '08', for: '01', received: 'Y' }] },
    ON,
    true,
  ],
  [
    'FULL_TIME_CARER',
    "Carer's Allowance received U",
    { otherBenefits: [{ type: '08', for: '01', received: 'U' }] },
    ON,
    true,
  ],
  [
    'FULL_TIME_CARER',
    "Carer's Allowance not received (N)",
    { otherBenefits: [{ type: '08', for: '01', received: 'N' }] },
    ON,
    false,
  ],
  [
    'FULL_TIME_CARER',
    "Carer's Allowance for someone else (02)",
    { otherBenefits: [{ type: '08', for: '02', received: 'Y' }] },
    ON,
    false,
  ],
  [
    'FULL_TIME_CARER',
    'another benefit type (09)',
    { otherBenefits: [{ type: '09', for: '01', received: 'Y' }] },
    ON,
    false,
  ],
  ['FULL_TIME_CARER', '35+ hours caring, circumstance', circ({ kind: 'FULL_TIME_CARER' }), ON, true],
  [
    'LONE_PARENT_CHILD_UNDER_1',
    'lone parent, child aged 0',
    { household: { parentMarker: 'Lone', youngestChildAgeYears: 0 } },
    ON,
    true,
  ],
  [
    'LONE_PARENT_CHILD_UNDER_1',
    'lone parent, child aged 1',
    { household: { parentMarker: 'Lone', youngestChildAgeYears: 1 } },
    ON,
    false,
  ],
  [
    'LONE_PARENT_CHILD_UNDER_1',
    'couple, child aged 0',
    { household: { parentMarker: 'Couple', youngestChildAgeYears: 0 } },
    ON,
    false,
  ],
  [
    'RECENT_ADOPTION',
    'moved in exactly 12 months ago',
    circ({ kind: 'RECENT_ADOPTION', childMovedIn: '2025-01-20' }),
    ON,
    true,
  ],
  [
    'RECENT_ADOPTION',
    'moved in 12 months and 1 day ago',
    circ({ kind: 'RECENT_ADOPTION', childMovedIn: '2025-01-19' }),
    ON,
    false,
  ],
  [
    'RECENT_ADOPTION',
    'moving in in 14 days, earlier start',
    circ({ kind: 'RECENT_ADOPTION', childMovedIn: '2026-02-03', earlierStartRequested: true }),
    ON,
    true,
  ],
  [
    'RECENT_ADOPTION',
    'moving in in 15 days, earlier start',
    circ({ kind: 'RECENT_ADOPTION', childMovedIn: '2026-02-04', earlierStartRequested: true }),
    ON,
    false,
  ],
  [
    'RECENT_ADOPTION',
    'moving in in 14 days, no earlier start',
    circ({ kind: 'RECENT_ADOPTION', childMovedIn: '2026-02-03' }),
    ON,
    false,
  ],
  [
    'RECENT_ADOPTION',
    'earlier start ends 14 days earlier too',
    circ({ kind: 'RECENT_ADOPTION', childMovedIn: '2025-02-02', earlierStartRequested: true }),
    ON,
    false,
  ],
  ['FULL_TIME_EDUCATION', 'circumstance', circ({ kind: 'FULL_TIME_EDUCATION' }), ON, true],
  ['FULL_TIME_EDUCATION', 'none', {}, ON, false],
  [
    'YOUNG_PERSON_NO_PARENTAL_SUPPORT',
    'aged 20 (21 tomorrow)',
    { dateOfBirth: '2005-01-21', ...circ({ kind: 'YOUNG_PERSON_NO_PARENTAL_SUPPORT' }) },
    ON,
    true,
  ],
  [
    'YOUNG_PERSON_NO_PARENTAL_SUPPORT',
    'aged 21 today',
    { dateOfBirth: '2005-01-20', ...circ({ kind: 'YOUNG_PERSON_NO_PARENTAL_SUPPORT' }) },
    ON,
    false,
  ],
  ['YOUNG_PERSON_NO_PARENTAL_SUPPORT', 'aged 19 without the circumstance', { dateOfBirth: '2006-06-01' }, ON, false],
  [
    'PREGNANCY',
    'first day of the window (EWC - 11 weeks)',
    circ({ kind: 'PREGNANCY', expectedWeekOfConfinement: '2026-04-07' }),
    ON,
    true,
  ],
  [
    'PREGNANCY',
    'the day before the window',
    circ({ kind: 'PREGNANCY', expectedWeekOfConfinement: '2026-04-08' }),
    ON,
    false,
  ],
  [
    'PREGNANCY',
    'last day of the window (EWC + 15 weeks)',
    circ({ kind: 'PREGNANCY', expectedWeekOfConfinement: '2025-10-07' }),
    ON,
    true,
  ],
  [
    'PREGNANCY',
    'the day after the window',
    circ({ kind: 'PREGNANCY', expectedWeekOfConfinement: '2025-10-06' }),
    ON,
    false,
  ],
  ['PREGNANCY', 'pregnancy risk, whatever the dates', circ({ kind: 'PREGNANCY_RISK' }), ON, true],
  [
    'PENSION_CREDIT_AGE',
    'State Pension age reached today, AA',
    { dateOfBirth: '1960-03-01', disabilityBenefits: ['AA'] },
    '2026-03-01',
    true,
  ],
  [
    'PENSION_CREDIT_AGE',
    'the day before State Pension age, AA',
    { dateOfBirth: '1960-03-01', disabilityBenefits: ['AA'] },
    '2026-02-28',
    false,
  ],
  [
    'PENSION_CREDIT_AGE',
    'over age, DLA care highest rate',
    { dateOfBirth: '1955-01-01', disabilityBenefits: ['DLA_CARE_HIGHEST'] },
    ON,
    true,
  ],
  [
    'PENSION_CREDIT_AGE',
    'over age, PIP daily living enhanced',
    { dateOfBirth: '1955-01-01', disabilityBenefits: ['PIP_DAILY_LIVING_ENHANCED'] },
    ON,
    true,
  ],
  [
    'PENSION_CREDIT_AGE',
    'over age, other benefits only',
    { dateOfBirth: '1955-01-01', disabilityBenefits: ['DLA_CARE_MIDDLE', 'PIP_DAILY_LIVING_STANDARD'] },
    ON,
    false,
  ],
  [
    'PENSION_CREDIT_AGE',
    'born 10 May 1960, 66 but not State Pension age',
    { dateOfBirth: '1960-05-10', disabilityBenefits: ['AA'] },
    '2026-07-09',
    false,
  ],
  [
    'PENSION_CREDIT_AGE',
    'born 10 May 1960, at 66 and 2 months',
    { dateOfBirth: '1960-05-10', disabilityBenefits: ['AA'] },
    '2026-07-10',
    true,
  ],
  [
    'PENSION_CREDIT_AGE',
    'born 6 Mar 1961, aged 66',
    { dateOfBirth: '1961-03-06', disabilityBenefits: ['AA'] },
    '2027-03-08',
    false,
  ],
  ['CERTAIN_TREATMENTS', 'circumstance', circ({ kind: 'CERTAIN_TREATMENTS' }), ON, true],
  ['CERTAIN_TREATMENTS', 'none', {}, ON, false],
  ['IN_HOSPITAL', 'circumstance', circ({ kind: 'IN_HOSPITAL' }), ON, true],
  ['IN_HOSPITAL', 'none', {}, ON, false],
  ['PREVENTED_BY_LAW', 'circumstance', circ({ kind: 'PREVENTED_BY_LAW' }), ON, true],
  ['PREVENTED_BY_LAW', 'none', {}, ON, false],
  [
    'CREDITS_ONLY',
    'built, rate 0',
    { claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 0 } },
    ON,
    true,
  ],
  [
    'CREDITS_ONLY',
    'built, rate 0.01',
    { claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 0.01 } },
    ON,
    false,
  ],
  [
    'CREDITS_ONLY',
    'registered, rate 0',
    { claim: { startDate: '2026-01-05', status: 'registered', inPayment: true, weeklyRate: 0 } },
    ON,
    false,
  ],
];

describe('A4 exemptions, row by row', () => {
  it('has a true and a false case for every category', () => {
    for (const c of EXEMPTION_CATEGORIES) {
      expect(
        EXEMPTIONS.some(([cat, , , , yes]) => cat === c && yes),
        c,
      ).toBe(true);
      expect(
        EXEMPTIONS.some(([cat, , , , yes]) => cat === c && !yes),
        c,
      ).toBe(true);
    }
  });

  it.each(EXEMPTIONS)('%s: %s', (category, _case, fields, on, applies) => {
    const r = record(fields);
    expect(EXEMPTION_RULES[category](r, on)).toBe(applies);
    if (applies) expect(exemptionFor(r, on)).toBe(category);
    else expect(exemptionFor(r, on)).not.toBe(category);
  });

  it('reports the first category in table order when several apply, none for a plain record', () => {
    const r = record({
      ...circ({ kind: 'IN_HOSPITAL' }, { kind: 'PREGNANCY_RISK' }, { kind: 'CANCER_TREATMENT' }),
      otherBenefits: [{ type: '08', for: '01', received: 'Y' }],
    });
    expect(exemptionFor(r, ON)).toBe('CANCER_TREATMENT');
    expect(exemptionFor(record(), ON)).toBeNull();
  });
});

describe('A4 unclear evidence', () => {
  it.each([
    ['Sp. Rules', true],
    ['claim under sp. rules?', true],
    ['DS1500 sent', true],
    ['ds1500', true],
    ['T.I. suspected', true],
    ['possible t.i.', true],
    ['Special Rules', false],
    ['TI', false],
    ['DS 1500', false],
  ])('note %j -> unclear %s', (note, unclear) => {
    expect(exemptionUnclear(record({ health: { specialRules: false, notes: ['seen by GP', note] } }))).toBe(unclear);
  });

  it('is not unclear when the Special Rules indicator is set (that is an exemption) or there are no notes', () => {
    expect(exemptionUnclear(record({ health: { specialRules: true, notes: ['DS1500'] } }))).toBe(false);
    expect(exemptionUnclear(record())).toBe(false);
  });
});

const dv = (incidentDate: string, livingWithAbuser = false, previousEasementDate?: string | null) =>
  circ({ kind: 'DOMESTIC_VIOLENCE', incidentDate, livingWithAbuser, previousEasementDate });

// 20 Jan 2026 - 26 weeks = 22 Jul 2025; - 12 months = 20 Jan 2025.
const DEFERRALS: Row<DeferralCategory>[] = [
  ['APPOINTEE', 'appointee acts for the claimant', { appointee: true }, ON, true],
  ['APPOINTEE', 'no appointee', { appointee: false }, ON, false],
  [
    'CLAIM_NOT_IN_PAYMENT',
    'registered, not built',
    { claim: { startDate: '2026-01-05', status: 'registered', inPayment: false, weeklyRate: 0 } },
    ON,
    true,
  ],
  [
    'CLAIM_NOT_IN_PAYMENT',
    'built but not in payment (that ends NOT_REQUIRED instead)',
    { claim: { startDate: '2026-01-05', status: 'built', inPayment: false, weeklyRate: 91.15 } },
    ON,
    false,
  ],
  ['DOMESTIC_VIOLENCE', 'incident exactly 26 weeks ago', dv('2025-07-22'), ON, true],
  ['DOMESTIC_VIOLENCE', 'incident 26 weeks and 1 day ago', dv('2025-07-21'), ON, false],
  ['DOMESTIC_VIOLENCE', 'incident today', dv(ON), ON, true],
  ['DOMESTIC_VIOLENCE', 'still living with the abuser', dv('2025-12-01', true), ON, false],
  ['DOMESTIC_VIOLENCE', 'previous DV easement exactly 12 months ago', dv('2025-12-01', false, '2025-01-20'), ON, false],
  [
    'DOMESTIC_VIOLENCE',
    'previous DV easement 12 months and 1 day ago',
    dv('2025-12-01', false, '2025-01-19'),
    ON,
    true,
  ],
  ['DOMESTIC_VIOLENCE', 'previous easement recorded as null', dv('2025-12-01', false, null), ON, true],
  ['BEREAVEMENT', 'circumstance', circ({ kind: 'BEREAVEMENT' }), ON, true],
  ['BEREAVEMENT', 'none', {}, ON, false],
  ['RECENT_TRAUMA', 'circumstance', circ({ kind: 'RECENT_TRAUMA' }), ON, true],
  ['RECENT_TRAUMA', 'none', {}, ON, false],
  ['JURY_SERVICE', 'with proof', circ({ kind: 'JURY_SERVICE', proofSupplied: true }), ON, true],
  ['JURY_SERVICE', 'without proof', circ({ kind: 'JURY_SERVICE', proofSupplied: false }), ON, false],
  ['TEMPORARILY_ABSENT_FOR_TREATMENT', 'circumstance', circ({ kind: 'TEMPORARILY_ABSENT_FOR_TREATMENT' }), ON, true],
  ['TEMPORARILY_ABSENT_FOR_TREATMENT', 'none', {}, ON, false],
];

describe('A5 deferrals, row by row', () => {
  it('has a true and a false case for every category', () => {
    for (const c of DEFERRAL_CATEGORIES) {
      expect(
        DEFERRALS.some(([cat, , , , yes]) => cat === c && yes),
        c,
      ).toBe(true);
      expect(
        DEFERRALS.some(([cat, , , , yes]) => cat === c && !yes),
        c,
      ).toBe(true);
    }
  });

  it.each(DEFERRALS)('%s: %s', (category, _case, fields, on, applies) => {
    const r = record(fields);
    expect(DEFERRAL_RULES[category](r, on)).toBe(applies);
    expect(deferralCandidates(r, on).includes(category)).toBe(applies);
  });

  it('lists every candidate in table order', () => {
    const r = record({ appointee: true, ...circ({ kind: 'RECENT_TRAUMA' }, { kind: 'BEREAVEMENT' }) });
    expect(deferralCandidates(r, ON)).toEqual(['APPOINTEE', 'BEREAVEMENT', 'RECENT_TRAUMA']);
    expect(deferralCandidates(record(), ON)).toEqual([]);
  });

  it('re-reads DV dates on the review day: a 4-week deferral can take the incident past 26 weeks', () => {
    const r = record(dv('2025-07-22'));
    expect(DEFERRAL_RULES.DOMESTIC_VIOLENCE(r, '2026-01-20')).toBe(true);
    expect(DEFERRAL_RULES.DOMESTIC_VIOLENCE(r, '2026-02-17')).toBe(false);
  });
});

describe('ESA in payment and the work coach', () => {
  it('treats only a built claim that is not in payment as "not in payment" at screening', () => {
    const claim = (status: 'built' | 'registered', inPayment: boolean) =>
      record({ claim: { startDate: '2026-01-05', status, inPayment, weeklyRate: 91.15 } });
    expect(esaNotInPayment(claim('built', false))).toBe(true);
    expect(esaNotInPayment(claim('built', true))).toBe(false);
    expect(esaNotInPayment(claim('registered', false))).toBe(false);
  });

  it('uses the LMS work coach, else WC-01', () => {
    expect(workCoachFor(record())).toBe('WC-01');
    expect(workCoachFor(record({ lms: { workCoach: null } }))).toBe('WC-01');
    expect(workCoachFor(record({ lms: { workCoach: 'WC-17' } }))).toBe('WC-17');
  });
});

describe('the WCA rule', () => {
  const hwc = '2026-02-02';
  it.each([
    [null, false],
    ['2026-02-23', true], // HWC + 21 days
    ['2026-02-24', false], // HWC + 22 days
    ['2026-02-02', true], // same day
    ['2026-01-10', true], // already past
  ])('WCA on %s -> HWC not required: %s', (wca, within) => {
    expect(wcaWithinThreeWeeks(wca, hwc)).toBe(within);
  });

  it('counts calendar days across a month end and a leap day', () => {
    expect(wcaWithinThreeWeeks('2028-03-07', '2028-02-15')).toBe(true); // 15 Feb 2028 + 21 = 7 Mar (leap year)
    expect(wcaWithinThreeWeeks('2028-03-08', '2028-02-15')).toBe(false);
  });
});

describe('State Pension age (Pensions Act 2014)', () => {
  it.each([
    ['1955-12-31', '2021-12-31'], // 66
    ['1960-03-01', '2026-03-01'], // 66
    ['1960-04-05', '2026-04-05'], // last day of "66"
    ['1960-04-06', '2026-05-06'], // 66 and 1 month
    ['1960-05-05', '2026-06-05'], // 66 and 1 month
    ['1960-05-06', '2026-07-06'], // 66 and 2 months
    ['1960-05-10', '2026-07-10'], // 66 and 2 months
    ['1960-07-31', '2026-11-30'], // 66 and 4 months: no 31 November, so the last day of the month (the Act's own example)
    ['1961-01-31', '2027-11-30'], // 66 and 10 months
    ['1961-02-06', '2028-01-06'], // 66 and 11 months
    ['1961-03-05', '2028-02-05'], // 66 and 11 months
    ['1961-03-06', '2028-03-06'], // 67
    ['1970-01-01', '2037-01-01'], // 67
  ])('born %s reaches State Pension age on %s', (dob, spa) => {
    expect(statePensionAgeDate(dob)).toBe(spa);
  });

  it('computes ages in whole years, turning on the birthday', () => {
    expect(ageInYears('2005-01-20', '2026-01-19')).toBe(20);
    expect(ageInYears('2005-01-20', '2026-01-20')).toBe(21);
    expect(ageInYears('2004-02-29', '2026-02-28')).toBe(21);
  });
});

describe('target HWC date', () => {
  const withStart = (startDate: string) =>
    record({ claim: { startDate, status: 'built', inPayment: true, weeklyRate: 91.15 } });
  it.each([
    ['claim start + 28 days is later', '2026-01-05', '2026-01-20', '2026-02-02'],
    ['screening day + 3 wd is later', '2026-01-05', '2026-02-02', '2026-02-05'],
    ['both the same day', '2026-01-01', '2026-01-26', '2026-01-29'],
    ['+28 days is a Saturday: next Monday', '2026-01-03', '2026-01-20', '2026-02-02'],
    ['+28 days is Good Friday: Tuesday after Easter Monday', '2026-03-06', '2026-03-20', '2026-04-07'],
    ['+28 days is Christmas Day: after the Boxing Day substitute', '2026-11-27', '2026-12-18', '2026-12-29'],
    ['+28 days is the Spring bank holiday', '2026-04-27', '2026-05-11', '2026-05-26'],
    ['3 wd over Easter', '2026-03-01', '2026-03-31', '2026-04-07'],
    ['3 wd over Christmas and New Year 2026/27', '2026-11-01', '2026-12-23', '2026-12-30'],
    ['screening on a Saturday (after a review)', '2026-01-05', '2026-02-07', '2026-02-11'],
  ])('%s', (_case, startDate, screening, target) => {
    expect(targetHwcDate(withStart(startDate), screening, cal)).toBe(target);
  });
});
