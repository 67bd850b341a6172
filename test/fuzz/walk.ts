// Random event sequences against the A6 invariants: the generators and the walk of the fuzz run (`npm run
// fuzz`, scripts/fuzz.ts: 10,000+ sequences) and its harness test. `walkProperty({ varied: false, plausible:
// false })` is exactly the property of the suite's 300-run test in test/unit/invariants.test.ts (the same
// moves, garbage events and detour rule), whose inline generators these generalise: that test can import
// them instead of keeping its own copy.
//
// A walk starts a journey for a claimant (one of the FIXTURES, moved to a random start instant and given
// random extra facts), then applies random inputs: a move the journey offers (a person's event it accepts,
// the next deadline, an escalation, a day passing), a garbage event (random fields and values), or a
// plausible event of a random type with random times around the clock. After every input the A6 checks run;
// an event `validateEvent` refuses must leave the journey exactly as it was.
import fc from 'fast-check';
import { addDays, localDate } from '../../domain/calendar';
import {
  DEFERRAL_CATEGORIES,
  EVENT_TYPES,
  EXEMPTION_CATEGORIES,
  ROLES,
  type ClaimantRecordInput,
} from '../../domain/schemas';
import { acceptedEvents, stageOf, validateEvent } from '../../machines/step';
import { checkInvariants } from '../helpers/invariants';
import {
  FIXTURES,
  applyMove,
  describeMove,
  moves,
  startWorld,
  type Fixture,
  type Move,
  type World,
} from '../helpers/world';

// ---------------------------------------------------------------------------------------------
// Claimants

const START = Date.parse('2026-01-20T09:00:00.000Z');
const DAY = 24 * 3600_000;

/** Extra facts a fixture may be given; each changes screening, the pre-call check or a review. */
const EXTRA_CIRCUMSTANCES: NonNullable<ClaimantRecordInput['circumstances']> = [
  { kind: 'BEREAVEMENT' },
  { kind: 'RECENT_TRAUMA' },
  { kind: 'JURY_SERVICE', proofSupplied: true },
  { kind: 'JURY_SERVICE', proofSupplied: false },
  { kind: 'TEMPORARILY_ABSENT_FOR_TREATMENT' },
  { kind: 'IN_HOSPITAL' },
  { kind: 'PREGNANCY_RISK' },
];

/** `arb` one time in `oneIn`, else null. */
const sometimes = <T>(arb: fc.Arbitrary<T>, oneIn: number): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

export interface FuzzFixture {
  base: number;
  /** Days (may be fractional) the start moves from 2026-01-20 09:00Z; the claim start moves with it. */
  shiftDays: number;
  circumstance: number | null;
  /** WCA date, days after the (shifted) start, or none. */
  wcaInDays: number | null;
  noMobile: boolean;
  workCoach: string | null;
}

export function fixtureOf(f: FuzzFixture): Fixture {
  const base = FIXTURES[f.base % FIXTURES.length];
  const start = new Date(START + f.shiftDays * DAY).toISOString();
  const shift = (date: string) => new Date(Date.parse(date) + Math.round(f.shiftDays) * DAY).toISOString().slice(0, 10);
  const c = base.claimant;
  const claimant: ClaimantRecordInput = {
    ...c,
    claim: { ...c.claim, startDate: shift(c.claim.startDate) },
    circumstances: [
      ...(c.circumstances ?? []).map((x) =>
        x.kind === 'PREGNANCY' ? { ...x, expectedWeekOfConfinement: shift(x.expectedWeekOfConfinement) } : x,
      ),
      ...(f.circumstance === null ? [] : [EXTRA_CIRCUMSTANCES[f.circumstance % EXTRA_CIRCUMSTANCES.length]]),
    ],
    wca: {
      scheduledDate:
        f.wcaInDays === null
          ? c.wca?.scheduledDate
            ? shift(c.wca.scheduledDate)
            : null
          : addDays(localDate(start), f.wcaInDays),
    },
    lms: {
      potentiallyViolent: false,
      staffProtectionList: false,
      reasonableAdjustments: [],
      ...c.lms,
      ...(f.noMobile ? { mobile: null } : {}),
      ...(f.workCoach ? { workCoach: f.workCoach } : {}),
    },
  };
  return { name: `${base.name} (+${f.shiftDays.toFixed(2)}d)`, start, office: base.office, claimant };
}

/** The fixtures as they are (what the suite's property test uses) or moved over a year of calendars. */
export const fuzzFixture = (varied = true): fc.Arbitrary<FuzzFixture> =>
  varied
    ? fc.record({
        // The plain claimant (index 0) half the time: the others mostly end or park at screening.
        base: fc.oneof(fc.constant(0), fc.nat({ max: FIXTURES.length - 1 })),
        // Over Christmas, Easter and the May/August bank holidays of 2026 and into 2027; any time of day.
        shiftDays: fc.oneof(fc.integer({ min: -40, max: 380 }), fc.double({ min: -40, max: 380, noNaN: true })),
        circumstance: sometimes(fc.nat({ max: EXTRA_CIRCUMSTANCES.length - 1 }), 6),
        wcaInDays: sometimes(fc.integer({ min: -10, max: 120 }), 6),
        noMobile: fc.boolean(),
        workCoach: sometimes(fc.constantFrom('WC-07', 'WC-99'), 3),
      })
    : fc.record({
        base: fc.nat({ max: FIXTURES.length - 1 }),
        shiftDays: fc.constant(0),
        circumstance: fc.constant(null),
        wcaInDays: fc.constant(null),
        noMobile: fc.constant(false),
        workCoach: fc.constant(null),
      });

// ---------------------------------------------------------------------------------------------
// Inputs

const FIELDS = [
  'contacted',
  'goodCause',
  'willRebook',
  'slot',
  'result',
  'exempt',
  'category',
  'until',
  'date',
  'sanction',
  'seen',
  'reason',
  'exemptCategory',
  'followUp',
  'myValues',
  'actions',
  'at',
  'by',
  'notes',
];
const VALUES = fc.oneof(
  fc.boolean(),
  fc.constantFrom(
    'confirmed',
    'no_answer',
    'no_longer_required',
    'IN_HOSPITAL',
    'BEREAVEMENT',
    'PREGNANCY',
    'completed',
    '2026-02-10',
    '2026-01-19',
    '2027-05-01',
    '2026-02-10T10:00:00Z',
    '2026-01-01T10:00:00Z',
    '2026-02-10T10:00:00',
    'AB123456C',
    '',
  ),
  fc.constant({ staffId: 'X-1', role: 'team_leader' }),
  fc.constant({ staffId: 'X-2', role: 'work_coach' }),
  fc.constant([{ what: 'a', where: 'b', when: 'c' }]),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
);

/** Random fields with random values under a (mostly) known type: nearly always refused. */
export const garbageEvent = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES, 'BOGUS'),
    payload: fc.dictionary(fc.constantFrom(...FIELDS), VALUES, { maxKeys: 4 }),
  })
  .map((g) => ({ ...g.payload, type: g.type }) as Record<string, unknown>);

/** An instant relative to the clock: hours from −48 to +60 days (the edges 0, 1 h, 1–3 days, a week often). */
const relHours = fc.oneof(fc.integer({ min: -48, max: 60 * 24 }), fc.constantFrom(0, 1, 24, 48, 72, 24 * 7));

/** A plausible event: a random type with well-typed random fields (times relative to the clock). */
export interface PlausibleEvent {
  /** Picks the type: among the events accepted now (progress) 7 times in 8, else among all types. */
  typePick: number;
  anyType: boolean;
  flags: boolean[];
  pick: number;
  /** Hours after the clock of any instant in the payload. */
  hours: number;
  days: number;
  role: number | null;
  actions: number;
}
const plausibleEvent: fc.Arbitrary<PlausibleEvent> = fc.record({
  typePick: fc.nat({ max: 999 }),
  anyType: fc.nat({ max: 7 }).map((n) => n === 0),
  flags: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
  pick: fc.nat({ max: 99 }),
  hours: relHours,
  days: fc.integer({ min: -3, max: 120 }),
  role: sometimes(fc.nat({ max: ROLES.length - 1 }), 3),
  actions: fc.integer({ min: 0, max: 6 }),
});

/** Events that end or park the journey from almost anywhere: picked only when `anyType` (1 in 8). */
const ENDINGS = ['CLAIM_CLOSED', 'EXEMPTION_IDENTIFIED', 'WCA_SCHEDULED', 'DEFER'];

/** The event a PlausibleEvent stands for in this world (its type among those accepted now, mostly). */
export function eventFor(p: PlausibleEvent, w: World): Record<string, unknown> {
  const progress = acceptedEvents(w.state).filter((t) => !ENDINGS.includes(t));
  const types: readonly string[] = p.anyType || !progress.length ? EVENT_TYPES : progress;
  return payloadFor(types[p.typePick % types.length], p, w.clock);
}

/** A payload for `type` from the random choices of a PlausibleEvent, times relative to the clock. */
export function payloadFor(type: string, p: PlausibleEvent, clock: string): Record<string, unknown> {
  const [a, b, c, d, e, f] = p.flags;
  const instant = () => {
    const t = new Date(Date.parse(clock) + p.hours * 3600_000).toISOString();
    return p.pick % 16 === 15 ? t.slice(0, 19) : t; // 1 in 16 without an offset: refused
  };
  const date = () => addDays(localDate(clock), p.days);
  const exempt = EXEMPTION_CATEGORIES[p.pick % EXEMPTION_CATEGORIES.length];
  const outcome = () => ({
    goodCause: b,
    ...(c ? { willRebook: d } : {}),
    ...(e && p.pick % 5 === 0 ? { exemptCategory: exempt } : {}),
    ...(f ? { slot: instant() } : {}),
  });
  const body: Record<string, unknown> = (() => {
    switch (type) {
      case 'TEAM_LEADER_ADVICE':
        return { exempt: a, ...(b ? { category: exempt } : {}) };
      case 'DEFER':
        return { category: DEFERRAL_CATEGORIES[p.pick % DEFERRAL_CATEGORIES.length], until: date() };
      case 'BOOKING_CALL':
        return a
          ? {
              contacted: true,
              ...(b ? { slot: instant() } : {}),
              ...(c ? { requirements: ['Ground floor room'] } : {}),
            }
          : { contacted: false };
      case 'PRE_CALL':
        return {
          result: p.pick % 8 === 0 ? 'no_longer_required' : p.pick % 8 < 3 ? 'no_answer' : 'confirmed',
          ...(a && b ? { exemptCategory: exempt } : {}),
        };
      case 'CONVERSATION_COMPLETED':
        return {
          actions: Array.from({ length: p.actions }, (_, i) => ({
            what: `Action ${i + 1}`,
            where: 'Library',
            when: 'Weekly',
          })),
          myValues: (['completed', 'declined', 'take_home'] as const)[p.pick % 3],
          ...(a ? { goal: { want: 'Volunteer' } } : {}),
          ...(b ? { followUp: instant() } : {}),
        };
      case 'FAILED_TO_PARTICIPATE':
        return { reason: a ? 'Left after ten minutes' : '' };
      case 'FTA_CALL':
        return a ? { contacted: true, ...outcome() } : { contacted: false };
      case 'CLAIMANT_CONTACT':
        return outcome();
      case 'SAFEGUARD_VISIT':
        return a ? { seen: true, ...outcome() } : { seen: false };
      case 'DM_DECISION':
        return { sanction: a };
      case 'EXEMPTION_IDENTIFIED':
        return { category: exempt };
      case 'WCA_SCHEDULED':
        return { date: date() };
      case 'WORK_COACH_CHANGED':
        return { workCoach: a ? 'WC-02' : b ? 'WC-03' : '' };
      default:
        return {};
    }
  })();
  const by = p.role === null ? {} : { by: { staffId: 'FUZZ-1', role: ROLES[p.role] } };
  return { type, ...body, ...by };
}

export type StepInput =
  | { kind: 'move'; pick: number; detour: boolean }
  | { kind: 'garbage'; event: Record<string, unknown> }
  | { kind: 'plausible'; event: PlausibleEvent };

/** Events available almost everywhere that end or park the journey: offered one time in eight, so walks get deep. */
const DETOURS = ['CLAIM_CLOSED', 'EXEMPTION_IDENTIFIED', 'WCA_SCHEDULED', 'DEFER', 'WAIT_DAY'];
const isDetour = (m: Move) => DETOURS.includes(m.type === 'SEND' ? String(m.event.type) : m.type);
/** Fuzz walks also keep back the person's answers that end the journey (exemption news, "no longer required"). */
const isEnding = (m: Move) =>
  isDetour(m) ||
  (m.type === 'SEND' &&
    (m.event.exemptCategory !== undefined ||
      m.event.result === 'no_longer_required' ||
      (m.event.type === 'TEAM_LEADER_ADVICE' && m.event.exempt === true)));

/** `plausible: false` gives the inputs of the suite's property test (moves and garbage only). */
export const stepInput = (plausible = true): fc.Arbitrary<StepInput> =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({ pick: fc.nat({ max: 999 }), detour: fc.nat({ max: 7 }) })
        .map(({ pick, detour }) => ({ kind: 'move' as const, pick, detour: detour === 0 })),
    },
    { weight: 1, arbitrary: garbageEvent.map((event) => ({ kind: 'garbage' as const, event })) },
    ...(plausible
      ? [{ weight: 2, arbitrary: plausibleEvent.map((event) => ({ kind: 'plausible' as const, event })) }]
      : []),
  );

// ---------------------------------------------------------------------------------------------
// The walk

export interface WalkResult {
  violations: string[];
  /** Readable inputs that changed the journey (moves and accepted events; refused events are left out). */
  trail: string[];
  world: World;
}

export type Checker = (w: World) => string[];

export const defaultChecker: Checker = (w) => [
  ...(w.error ? [`step threw: ${w.error}`] : []),
  ...checkInvariants({ state: w.state, inputs: w.inputs }),
];

/** A rule that is not in the rulebook, broken by every journey with a failed attendance: `--self-test`. */
export const SELF_TEST_RULE: Checker = (w) =>
  w.inputs.some((e) => e.type === 'FAILED_TO_ATTEND') ? ['SELF-TEST: a journey had a failed attendance'] : [];

/** What a refused event must not touch: the machine snapshot and the transition log. */
const fingerprint = (w: World) =>
  JSON.stringify([w.state.snapshot.value, w.state.snapshot.context, w.state.transitions]);

function sendRaw(
  w: World,
  event: Record<string, unknown>,
  trail: string[],
  label: string,
): { world: World; violation?: string } {
  const before = fingerprint(w);
  let checked;
  try {
    checked = validateEvent(w.state, event, w.clock);
  } catch (e) {
    return { world: w, violation: `validateEvent threw on ${JSON.stringify(event)}: ${(e as Error).message}` };
  }
  if (!checked.ok) {
    if (fingerprint(w) !== before)
      return { world: w, violation: `refused ${label} changed the journey: ${checked.error}` };
    if (!checked.error || /\n\s+at /.test(checked.error))
      return { world: w, violation: `refused ${label} without a usable reason` };
    return { world: w };
  }
  trail.push(`${label} ${describeMove({ type: 'SEND', event })}`);
  return { world: applyMove(w, { type: 'SEND', event }) };
}

/**
 * One random sequence; stops at the first violation. `deep` (the fuzz) keeps back every move that ends the
 * journey one time in eight; otherwise (the suite's property test) only the detours are kept back.
 */
export function walk(
  fixture: Fixture,
  inputs: readonly StepInput[],
  check: Checker = defaultChecker,
  deep = true,
): WalkResult {
  const heldBack = deep ? isEnding : isDetour;
  let w = startWorld(fixture);
  const trail: string[] = [];
  const done = (violations: string[]): WalkResult => ({ violations, trail, world: w });
  const first = check(w);
  if (first.length) return done(first);
  for (const input of inputs) {
    if (input.kind === 'move') {
      const all = moves(w);
      const progress = all.filter((m) => !heldBack(m));
      // Deep walks take a detour one move in 32 (the suite's: one in 8), so they reach the failure handling.
      const detour = input.detour && (!deep || input.pick % 4 === 0);
      const options = detour || !progress.length ? all : progress;
      if (!options.length) break;
      const m = options[input.pick % options.length];
      w = applyMove(w, m);
      trail.push(describeMove(m));
    } else {
      const event = input.kind === 'garbage' ? input.event : eventFor(input.event, w);
      const sent = sendRaw(w, event, trail, input.kind);
      if (sent.violation) return done([sent.violation]);
      if (sent.world === w) continue;
      w = sent.world;
    }
    const v = check(w);
    if (v.length) return done(v);
  }
  return done([]);
}

/** Where a walk ended: the outcome (with reason) or the stage it is waiting in. */
export function endOf(w: World): string {
  const c = w.state.snapshot.context;
  return c.outcome
    ? `${c.outcome}${c.reason || c.dmDecision ? `/${c.reason ?? c.dmDecision}` : ''}`
    : `waiting:${stageOf(w.state.snapshot)}`;
}

export interface PropertyOptions {
  /** Random start instants and extra facts (fuzz) or the suite's fixed fixtures. */
  varied?: boolean;
  plausible?: boolean;
  maxSteps?: number;
  check?: Checker;
  /** Called once per generated sequence (not for shrinking), with where the walk ended. */
  onRun?: (r: WalkResult) => void;
}

/** The property: for a random claimant and a random sequence of inputs, no A6 violation. */
export function walkProperty(o: PropertyOptions = {}) {
  let shrinking = false;
  const property = fc.property(
    fuzzFixture(o.varied ?? true),
    // The fuzz draws lengths over the whole range (fast-check's default size keeps arrays near 10).
    fc.array(stepInput(o.plausible ?? true), {
      minLength: 5,
      maxLength: o.maxSteps ?? 60,
      ...((o.plausible ?? true) ? { size: 'max' as const } : {}),
    }),
    (f, inputs) => {
      const r = walk(fixtureOf(f), inputs, o.check, o.plausible ?? true);
      if (!shrinking) o.onRun?.(r);
      if (r.violations.length) {
        shrinking = true;
        throw new Error(`${r.violations.join('; ')}\n  after: ${r.trail.join(' → ') || '(start)'}`);
      }
    },
  );
  return property;
}
