// The contract of journey.md Part B as zod schemas. Every payload that crosses a boundary (CLI, Update,
// scenario file, report row) is parsed here first; the inferred types carry the same names.
import { z } from 'zod';
import { recordDateProblems } from './plausibility';
import { UNSAFE_TEXT_MESSAGE, unsafeCharIn } from './text';

/** ISO-8601 instant with an explicit UTC offset ("Z" or "+01:00"); normalised to UTC milliseconds. */
export const Instant = z
  .string()
  .refine((s) => z.iso.datetime({ offset: true }).safeParse(s).success, {
    message: 'must be an ISO-8601 instant with a UTC offset, e.g. 2026-02-02T10:00:00.000Z',
  })
  .transform((s) => new Date(s).toISOString());
export type Instant = string;

/** A calendar day, YYYY-MM-DD, that exists (2026-02-30 is refused). */
export const LocalDate = z.iso.date({ message: 'must be a calendar date YYYY-MM-DD' });
export type LocalDate = string;

/**
 * Date bounds that need no clock (so the workflow can apply them on replay): ESA, and with it the WCA,
 * began on 27 October 2008, so no ESA claim or WCA is older; nobody alive was born before 1900; nothing
 * hwc handles is dated after 2099. Bounds relative to today (age, how far ahead) are in `plausibility.ts`.
 */
export const DATE_BOUNDS = {
  earliestBirth: '1900-01-01',
  esaBegan: '2008-10-27',
  latest: '2099-12-31',
} as const;

const DayBetween = (from: string, what: string) =>
  LocalDate.refine((d) => d >= from && d <= DATE_BOUNDS.latest, {
    message: `must be ${what} (${from} to ${DATE_BOUNDS.latest})`,
  });
/** A day in a claimant record: between 1900 and 2099 (a year 0201 or 9999 is a typing slip). */
const RecordDay = DayBetween(DATE_BOUNDS.earliestBirth, 'a plausible date');

/**
 * Office mnemonics (A7): uppercase letters and digits, 1–12 (`LEEDS`, `MAN01`). Two mnemonics are the
 * same office only when they are equal, so nothing is upper-cased or trimmed on the way in.
 */
export const OFFICE_PATTERN = /^[A-Z0-9]{1,12}$/;
const OFFICE_MESSAGE = 'must be an office mnemonic: uppercase letters and digits, 1 to 12 (e.g. LEEDS, MAN01)';
export const OfficeMnemonic = z.string({ error: OFFICE_MESSAGE }).regex(OFFICE_PATTERN, OFFICE_MESSAGE);

/**
 * Staff ids, for every person hwc names (who recorded an event, a claimant's work coach, the staff
 * directory): pseudonymous operator ids, never names. A letter or digit, then letters, digits, ".", "-"
 * or "_", up to 40 in all: `WC-01`, `SDS-7`, `TL.leeds`, `scenario`; not `Jane Smith`.
 */
export const STAFF_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
export const StaffId = z
  .string()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .regex(STAFF_ID_PATTERN, 'must be a staff id: a letter or digit, then letters, digits, ".", "-" or "_" (no spaces)');

/** The shape of a National Insurance number (two letters, six digits, an optional A–D), however it is
 *  separated (spaces, "-", "_": `AB-12-34-56-C` is as much a NINO as `AB123456C`), administrative and
 *  example prefixes (QQ, TN, …) included. */
const NINO = /^[\s_-]*[A-Z]{2}(?:[\s_-]*\d{2}){3}[\s_-]*[A-D]?[\s_-]*$/i;
export const ClaimantRef = z
  .string()
  .min(1, 'must not be empty')
  .max(40, 'must be at most 40 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, "-" or "_"')
  .refine((s) => !NINO.test(s), {
    message: 'looks like a National Insurance number; use the pseudonymous reference instead',
  });

export const EXEMPTION_CATEGORIES = [
  'TERMINAL_ILLNESS',
  'CANCER_TREATMENT',
  'LIFE_THREATENING_DISEASE',
  'RISK_TO_SELF_OR_OTHERS',
  'FULL_TIME_CARER',
  'LONE_PARENT_CHILD_UNDER_1',
  'RECENT_ADOPTION',
  'FULL_TIME_EDUCATION',
  'YOUNG_PERSON_NO_PARENTAL_SUPPORT',
  'PREGNANCY',
  'PENSION_CREDIT_AGE',
  'CERTAIN_TREATMENTS',
  'IN_HOSPITAL',
  'PREVENTED_BY_LAW',
  'CREDITS_ONLY',
] as const;
export const ExemptionCategory = z.enum(EXEMPTION_CATEGORIES);
export type ExemptionCategory = z.infer<typeof ExemptionCategory>;

export const DEFERRAL_CATEGORIES = [
  'APPOINTEE',
  'CLAIM_NOT_IN_PAYMENT',
  'DOMESTIC_VIOLENCE',
  'BEREAVEMENT',
  'RECENT_TRAUMA',
  'JURY_SERVICE',
  'TEMPORARILY_ABSENT_FOR_TREATMENT',
] as const;
export const DeferralCategory = z.enum(DEFERRAL_CATEGORIES);
export type DeferralCategory = z.infer<typeof DeferralCategory>;

/** Free text typed by a person: bounded, and without control characters (domain/text.ts says why). */
const Text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .superRefine((s, ctx) => {
      const found = unsafeCharIn(s);
      if (found) ctx.addIssue({ code: 'custom', message: `${UNSAFE_TEXT_MESSAGE}; found ${found}` });
    });
/** Free text as it was accepted before control characters were refused: only for replaying old journeys. */
const LegacyText = (max: number) => z.string().max(max, `must be at most ${max} characters`);

/**
 * The ClaimantRecord schema (B1). `strict` is today's: office mnemonics and staff ids by their patterns,
 * dates within bounds, no control characters in text. Journeys started before those checks were added
 * replay with the lenient one (workflows/journey.ts, behind `patched`), so a recorded start still parses.
 */
function claimantRecordSchema(strict: boolean) {
  const text = strict ? Text : LegacyText;
  const day = strict ? RecordDay : LocalDate;
  const plainCircumstance = <K extends string>(kind: K) => z.strictObject({ kind: z.literal(kind) });
  const circumstance = z.discriminatedUnion('kind', [
    plainCircumstance('TERMINAL_ILLNESS'),
    plainCircumstance('CANCER_TREATMENT'),
    plainCircumstance('LIFE_THREATENING_DISEASE'),
    plainCircumstance('RISK_TO_SELF_OR_OTHERS'),
    plainCircumstance('FULL_TIME_CARER'),
    z.strictObject({
      kind: z.literal('RECENT_ADOPTION'),
      childMovedIn: day,
      earlierStartRequested: z.boolean().optional(),
    }),
    plainCircumstance('FULL_TIME_EDUCATION'),
    plainCircumstance('YOUNG_PERSON_NO_PARENTAL_SUPPORT'),
    z.strictObject({ kind: z.literal('PREGNANCY'), expectedWeekOfConfinement: day }),
    plainCircumstance('PREGNANCY_RISK'),
    plainCircumstance('CERTAIN_TREATMENTS'),
    plainCircumstance('IN_HOSPITAL'),
    plainCircumstance('PREVENTED_BY_LAW'),
    z.strictObject({
      kind: z.literal('DOMESTIC_VIOLENCE'),
      incidentDate: day,
      livingWithAbuser: z.boolean(),
      previousEasementDate: day.nullable().optional(),
    }),
    plainCircumstance('BEREAVEMENT'),
    plainCircumstance('RECENT_TRAUMA'),
    z.strictObject({ kind: z.literal('JURY_SERVICE'), proofSupplied: z.boolean() }),
    plainCircumstance('TEMPORARILY_ABSENT_FOR_TREATMENT'),
  ]);
  const record = z.strictObject({
    claimantRef: ClaimantRef,
    office: strict ? OfficeMnemonic : text(20).min(1),
    dateOfBirth: strict ? DayBetween(DATE_BOUNDS.earliestBirth, 'a plausible date of birth') : LocalDate,
    claim: z.strictObject({
      startDate: strict
        ? DayBetween(DATE_BOUNDS.esaBegan, 'an ESA claim date (ESA began on 27 October 2008)')
        : LocalDate,
      status: z.enum(['registered', 'built']),
      inPayment: z.boolean(),
      weeklyRate: z.number().min(0).max(10_000),
    }),
    health: z
      .strictObject({
        condition: text(500).nullable().optional(),
        specialRules: z.boolean().default(false),
        notes: z.array(text(2000)).max(200).default([]),
      })
      .default({ specialRules: false, notes: [] }),
    otherBenefits: z
      .array(z.strictObject({ type: text(4), for: text(4), received: z.enum(['Y', 'N', 'U']) }))
      .max(50)
      .default([]),
    disabilityBenefits: z.array(text(40)).max(20).default([]),
    appointee: z.boolean().default(false),
    household: z
      .strictObject({
        parentMarker: z.enum(['Lone', 'Couple', 'None']),
        youngestChildAgeYears: z.number().int().min(0).max(30).nullable(),
      })
      .default({ parentMarker: 'None', youngestChildAgeYears: null }),
    circumstances: z.array(circumstance).max(30).default([]),
    lms: z
      .strictObject({
        potentiallyViolent: z.boolean().default(false),
        staffProtectionList: z.boolean().default(false),
        reasonableAdjustments: z.array(text(200)).max(20).default([]),
        mobile: text(20).nullable().optional(),
        phone: text(20).nullable().optional(),
        workCoach: (strict ? StaffId : text(20).min(1)).nullable().optional(),
      })
      .default({ potentiallyViolent: false, staffProtectionList: false, reasonableAdjustments: [] }),
    wca: z
      .strictObject({
        scheduledDate: (strict
          ? DayBetween(DATE_BOUNDS.esaBegan, 'a WCA date (the WCA began on 27 October 2008)')
          : LocalDate
        ).nullable(),
      })
      .default({ scheduledDate: null }),
  });
  return { circumstance, record };
}

const strictRecord = claimantRecordSchema(true);
export const Circumstance = strictRecord.circumstance;
export type Circumstance = z.infer<typeof Circumstance>;

export const ClaimantRecord = strictRecord.record;
export type ClaimantRecord = z.infer<typeof ClaimantRecord>;
/** The record as journeys started before the strict checks parsed it: only for replaying those journeys. */
export const LegacyClaimantRecord = claimantRecordSchema(false).record;
export type ClaimantRecordInput = z.input<typeof ClaimantRecord>;

// ---------------------------------------------------------------------------------------------
// Events (B2)

export const ROLES = ['sds', 'work_coach', 'team_leader', 'decision_maker'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const StaffIdentity = z.strictObject({ staffId: StaffId, role: Role });
export type StaffIdentity = z.infer<typeof StaffIdentity>;

const common = {
  at: Instant.optional(),
  by: StaffIdentity.optional(),
  notes: Text(2000).optional(),
};
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...common, ...shape });

const contactOutcome = {
  goodCause: z.boolean(),
  willRebook: z.boolean().optional(),
  exemptCategory: ExemptionCategory.optional(),
  slot: Instant.optional(),
};

const optionalOutcome = { ...contactOutcome, goodCause: z.boolean().optional() };
const CONTACT_FIELDS = ['goodCause', 'willRebook', 'exemptCategory', 'slot'] as const;

/** `{contacted: false}` carries nothing else; `{contacted: true}` needs `goodCause` (same for `seen`). */
function outcomeWhen(flag: 'contacted' | 'seen') {
  return (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (v[flag] === true && v.goodCause === undefined)
      ctx.addIssue({ code: 'custom', path: ['goodCause'], message: `is required when ${flag} is true` });
    onlyWhen(flag, CONTACT_FIELDS)(v, ctx);
  };
}
function onlyWhen(flag: string, fields: readonly string[]) {
  return (v: Record<string, unknown>, ctx: z.RefinementCtx) => {
    if (v[flag] !== false) return;
    for (const f of fields)
      if (v[f] !== undefined)
        ctx.addIssue({ code: 'custom', path: [f], message: `is not allowed when ${flag} is false` });
  };
}

/** A work coach's id in LMS, as `lms.workCoach` holds it (`WC-01`): a staff id like any other. */
export const WorkCoachId = StaffId;

export const Action = z.strictObject({ what: Text(300).min(1), where: Text(300), when: Text(300) });

export const JourneyEvent = z.discriminatedUnion('type', [
  ev('CASE_REASSIGNED', {}),
  ev('TEAM_LEADER_ADVICE', { exempt: z.boolean(), category: ExemptionCategory.optional() }).superRefine((v, ctx) => {
    if (v.exempt && !v.category)
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'is required when exempt is true' });
  }),
  ev('DEFER', { category: DeferralCategory, until: LocalDate }),
  ev('PROCEED', {}),
  ev('BOOKING_CALL', {
    contacted: z.boolean(),
    slot: Instant.optional(),
    requirements: z.array(Text(200)).max(20).optional(),
  }).superRefine(onlyWhen('contacted', ['slot', 'requirements'])),
  ev('PRE_CALL', {
    result: z.enum(['confirmed', 'no_answer', 'no_longer_required']),
    exemptCategory: ExemptionCategory.optional(),
  }),
  ev('ATTENDED', {}),
  ev('FAILED_TO_ATTEND', {}),
  ev('CONVERSATION_COMPLETED', {
    actions: z.array(Action).min(1, 'needs 1 to 5 actions').max(5, 'needs 1 to 5 actions'),
    myValues: z.enum(['completed', 'declined', 'take_home']),
    goal: z
      .strictObject({
        want: Text(500).optional(),
        outcome: Text(500).optional(),
        obstacle: Text(500).optional(),
        plan: Text(500).optional(),
      })
      .optional(),
    followUp: Instant.optional(),
  }),
  ev('FAILED_TO_PARTICIPATE', { reason: Text(1000).min(1, 'must say why') }),
  ev('FTA_CALL', { contacted: z.boolean(), ...optionalOutcome }).superRefine(outcomeWhen('contacted')),
  ev('CLAIMANT_CONTACT', contactOutcome),
  ev('SAFEGUARD_VISIT', { seen: z.boolean(), ...optionalOutcome }).superRefine(outcomeWhen('seen')),
  ev('DM_DECISION', { sanction: z.boolean() }),
  ev('CLAIM_CLOSED', {}),
  ev('EXEMPTION_IDENTIFIED', { category: ExemptionCategory }),
  ev('WCA_SCHEDULED', { date: DayBetween(DATE_BOUNDS.esaBegan, 'a WCA date (the WCA began on 27 October 2008)') }),
  ev('WORK_COACH_CHANGED', { workCoach: WorkCoachId }),
]);
export type JourneyEvent = z.infer<typeof JourneyEvent>;
export type JourneyEventType = JourneyEvent['type'];

const EVENT_SCHEMAS = new Map<string, z.ZodObject>(
  (JourneyEvent.options as unknown as z.ZodObject[]).map((o) => [
    String((o.shape.type as unknown as { value: string }).value),
    o,
  ]),
);
/** One event type's object schema (its fields), for the CLI's help and the web front door's forms. */
export const eventSchemaOf = (type: string): z.ZodObject | undefined => EVENT_SCHEMAS.get(type);

export const EVENT_TYPES = [
  'CASE_REASSIGNED',
  'TEAM_LEADER_ADVICE',
  'DEFER',
  'PROCEED',
  'BOOKING_CALL',
  'PRE_CALL',
  'ATTENDED',
  'FAILED_TO_ATTEND',
  'CONVERSATION_COMPLETED',
  'FAILED_TO_PARTICIPATE',
  'FTA_CALL',
  'CLAIMANT_CONTACT',
  'SAFEGUARD_VISIT',
  'DM_DECISION',
  'CLAIM_CLOSED',
  'EXEMPTION_IDENTIFIED',
  'WCA_SCHEDULED',
  'WORK_COACH_CHANGED',
] as const satisfies readonly JourneyEventType[];

/** Events only a team leader records: advice on an unclear exemption, moving a case to another work coach. */
const TEAM_LEADER_EVENTS: readonly string[] = ['TEAM_LEADER_ADVICE', 'WORK_COACH_CHANGED'];

/** Who may record each event (B2): the first role listed is the one a scenario event without `by` gets. */
export const ROLES_FOR_EVENT: Record<JourneyEventType, readonly Role[]> = Object.fromEntries(
  EVENT_TYPES.map((t) => [
    t,
    TEAM_LEADER_EVENTS.includes(t) ? ['team_leader'] : t === 'DM_DECISION' ? ['decision_maker'] : ['sds', 'work_coach'],
  ]),
) as unknown as Record<JourneyEventType, readonly Role[]>;

// ---------------------------------------------------------------------------------------------
// Outcomes, trace (B3, B5)

export const OUTCOMES = ['HWC_COMPLETED', 'EXEMPT', 'NOT_REQUIRED', 'SANCTION_REFERRED'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const NOT_REQUIRED_REASONS = [
  'ESA_NOT_IN_PAYMENT',
  'WCA_WITHIN_3_WEEKS',
  'CLAIM_CLOSED',
  'NEW_CIRCUMSTANCES',
] as const;
export type NotRequiredReason = (typeof NOT_REQUIRED_REASONS)[number];
export type OutcomeReason = ExemptionCategory | NotRequiredReason;

export type LetterType = 'ESAHWC1' | 'ESAHWC4' | 'VOLUNTARY_APPOINTMENT' | 'FTA_LETTER' | 'FTP_LETTER' | 'ESA10';
export type NotificationType = 'REMINDER_SMS' | 'REMINDER_CALL_TASK' | 'CANCELLATION';
export type AppointmentKind = 'HWC' | 'PRE_CALL' | 'FOLLOW_UP';
export type AppointmentStatus = 'booked' | 'attended' | 'fta' | 'ftp' | 'cancelled' | 'held';

export interface Appointment {
  kind: AppointmentKind;
  at: Instant;
  workCoach: string;
  status: AppointmentStatus;
}

/** A person's attempt to reach the claimant, and whether it did (for the figures, docs/mi.md). */
export interface ContactAttempt {
  at: Instant;
  event: 'BOOKING_CALL' | 'PRE_CALL' | 'FTA_CALL' | 'CLAIMANT_CONTACT' | 'SAFEGUARD_VISIT';
  /** The claimant was spoken to or seen (a claimant's own contact always counts). */
  reached: boolean;
}

export interface Trace {
  claimantRef: string;
  /** The office the journey runs for, and the work coach who has the case now. */
  office: string;
  workCoach: string;
  claimStartDate: LocalDate;
  status: 'running' | 'ended';
  stage: string;
  outcome: Outcome | null;
  reason: OutcomeReason | null;
  dmDecision: 'SANCTION' | 'NO_SANCTION' | null;
  easementUsed: boolean;
  appointments: Appointment[];
  letters: { type: LetterType; at: Instant }[];
  notifications: { type: NotificationType; at: Instant }[];
  markers: { marker: 'CC & HWC'; stage: string; at: Instant }[];
  doubts: { raisedAt: Instant; withdrawnAt: Instant | null }[];
  referredToDmAt: Instant | null;
  deferrals: { at: Instant; category: DeferralCategory; until: LocalDate }[];
  contacts: ContactAttempt[];
  escalations: { reason: string; at: Instant }[];
  transitions: { at: Instant; event: string; from: string; to: string; by: string | null }[];
  endedAt: Instant | null;
}

// ---------------------------------------------------------------------------------------------
// Scenario (B4)

export const ScenarioEvent = z
  // A type is at most a few words: an overlong one is refused here, before any message quotes it.
  .looseObject({ type: z.string().max(40, 'must be an event type (at most 40 characters)') })
  .describe('a journey event: {"type", ...payload, "at"?}');

export const Scenario = z
  .strictObject({
    name: z.string().max(200).optional(),
    description: z.string().max(4000).optional(),
    start: Instant,
    office: OfficeMnemonic,
    claimant: ClaimantRecord,
    events: z.array(ScenarioEvent).max(1000).default([]),
    expect: z.record(z.string(), z.unknown()).optional(),
  })
  .superRefine((sc, ctx) => {
    // Judged on the scenario's own first day, as a report is on the day it runs.
    for (const p of recordDateProblems(sc.claimant, sc.start.slice(0, 10)))
      ctx.addIssue({ code: 'custom', path: ['claimant', ...p.path.split('.')], message: p.message });
  });
export type Scenario = z.infer<typeof Scenario>;

/** One readable line per problem: `events[2].slot: must be an ISO-8601 instant …`. */
export function describeZodError(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((i) => {
      const path = [prefix, ...i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))]
        .join('')
        .replace(/^\./, '');
      return `${path || '(root)'}: ${i.message}`;
    })
    .join('; ');
}
