// The contract of journey.md Part B as zod schemas. Every payload that crosses a boundary (CLI, Update,
// scenario file, report row) is parsed here first; the inferred types carry the same names.
import { z } from 'zod';

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

const Text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

const plainCircumstance = <K extends string>(kind: K) => z.strictObject({ kind: z.literal(kind) });
export const Circumstance = z.discriminatedUnion('kind', [
  plainCircumstance('TERMINAL_ILLNESS'),
  plainCircumstance('CANCER_TREATMENT'),
  plainCircumstance('LIFE_THREATENING_DISEASE'),
  plainCircumstance('RISK_TO_SELF_OR_OTHERS'),
  plainCircumstance('FULL_TIME_CARER'),
  z.strictObject({
    kind: z.literal('RECENT_ADOPTION'),
    childMovedIn: LocalDate,
    earlierStartRequested: z.boolean().optional(),
  }),
  plainCircumstance('FULL_TIME_EDUCATION'),
  plainCircumstance('YOUNG_PERSON_NO_PARENTAL_SUPPORT'),
  z.strictObject({ kind: z.literal('PREGNANCY'), expectedWeekOfConfinement: LocalDate }),
  plainCircumstance('PREGNANCY_RISK'),
  plainCircumstance('CERTAIN_TREATMENTS'),
  plainCircumstance('IN_HOSPITAL'),
  plainCircumstance('PREVENTED_BY_LAW'),
  z.strictObject({
    kind: z.literal('DOMESTIC_VIOLENCE'),
    incidentDate: LocalDate,
    livingWithAbuser: z.boolean(),
    previousEasementDate: LocalDate.nullable().optional(),
  }),
  plainCircumstance('BEREAVEMENT'),
  plainCircumstance('RECENT_TRAUMA'),
  z.strictObject({ kind: z.literal('JURY_SERVICE'), proofSupplied: z.boolean() }),
  plainCircumstance('TEMPORARILY_ABSENT_FOR_TREATMENT'),
]);
export type Circumstance = z.infer<typeof Circumstance>;

export const ClaimantRecord = z.strictObject({
  claimantRef: ClaimantRef,
  office: Text(20).min(1),
  dateOfBirth: LocalDate,
  claim: z.strictObject({
    startDate: LocalDate,
    status: z.enum(['registered', 'built']),
    inPayment: z.boolean(),
    weeklyRate: z.number().min(0).max(10_000),
  }),
  health: z
    .strictObject({
      condition: Text(500).nullable().optional(),
      specialRules: z.boolean().default(false),
      notes: z.array(Text(2000)).max(200).default([]),
    })
    .default({ specialRules: false, notes: [] }),
  otherBenefits: z
    .array(z.strictObject({ type: Text(4), for: Text(4), received: z.enum(['Y', 'N', 'U']) }))
    .max(50)
    .default([]),
  disabilityBenefits: z.array(Text(40)).max(20).default([]),
  appointee: z.boolean().default(false),
  household: z
    .strictObject({
      parentMarker: z.enum(['Lone', 'Couple', 'None']),
      youngestChildAgeYears: z.number().int().min(0).max(30).nullable(),
    })
    .default({ parentMarker: 'None', youngestChildAgeYears: null }),
  circumstances: z.array(Circumstance).max(30).default([]),
  lms: z
    .strictObject({
      potentiallyViolent: z.boolean().default(false),
      staffProtectionList: z.boolean().default(false),
      reasonableAdjustments: z.array(Text(200)).max(20).default([]),
      mobile: Text(20).nullable().optional(),
      phone: Text(20).nullable().optional(),
      workCoach: Text(20).min(1).nullable().optional(),
    })
    .default({ potentiallyViolent: false, staffProtectionList: false, reasonableAdjustments: [] }),
  wca: z.strictObject({ scheduledDate: LocalDate.nullable() }).default({ scheduledDate: null }),
});
export type ClaimantRecord = z.infer<typeof ClaimantRecord>;
export type ClaimantRecordInput = z.input<typeof ClaimantRecord>;

// ---------------------------------------------------------------------------------------------
// Events (B2)

export const ROLES = ['sds', 'work_coach', 'team_leader', 'decision_maker'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const StaffIdentity = z.strictObject({
  staffId: z
    .string()
    .min(1, 'must not be empty')
    .max(40, 'must be at most 40 characters')
    .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ".", "-" or "_"'),
  role: Role,
});
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

/** A work coach's id in LMS, as `lms.workCoach` holds it (`WC-01`). */
export const WorkCoachId = z
  .string()
  .min(1, 'must not be empty')
  .max(20, 'must be at most 20 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'must be a work coach id: letters, digits, ".", "-" or "_"');

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
  ev('WCA_SCHEDULED', { date: LocalDate }),
  ev('WORK_COACH_CHANGED', { workCoach: WorkCoachId }),
]);
export type JourneyEvent = z.infer<typeof JourneyEvent>;
export type JourneyEventType = JourneyEvent['type'];

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

export const Scenario = z.strictObject({
  name: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  start: Instant,
  office: Text(20).min(1),
  claimant: ClaimantRecord,
  events: z.array(ScenarioEvent).max(1000).default([]),
  expect: z.record(z.string(), z.unknown()).optional(),
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
