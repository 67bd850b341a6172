// Model-based checks of journey.md A6 on every reachable state, and a property test over random inputs.
//
// Why not xstate/graph on `journeyMachine` directly: the machine's guards read the clock (`context.now`,
// which only the step function sets), its deadlines are instants in context fired by the shell, and a
// state's meaning depends on the claimant record. Traversing the bare machine would send timer events at
// the wrong times and skip the step function's zero-wait draining. So the traversed logic is the real
// engine: `fromTransition` over a World (journey state + simulated clock + accepted inputs) whose events are
// "a person records X now", "run to the next deadline", "fire the next escalation" and "a day passes".
// xstate/graph then does the breadth-first exploration (getShortestPaths: one shortest path to every
// abstract state) with our own state serialisation, which abstracts away the clock and caps the counters
// that rebooking loops would grow, so the explored graph is finite.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromTransition } from 'xstate';
import { getShortestPaths, getSimplePaths, getStateNodes } from 'xstate/graph';
import { EVENT_TYPES } from '../../domain/schemas';
import { journeyMachine } from '../../machines/journey';
import { stageOf, validateEvent } from '../../machines/step';
import { DEADLINE_WAITS, FINAL_STAGES, PERSON_WAITS, checkInvariants } from '../helpers/invariants';
import { FIXTURES, applyMove, moves, startWorld, type Fixture, type Move, type World } from '../helpers/world';

const worldLogic = (f: Fixture) => fromTransition((w: World, m: Move) => applyMove(w, m), startWorld(f));

/** What makes two journeys different for the invariants: stage, outcome, counters (capped), timers, errors. */
function abstractKey(w: World): string {
  const c = w.state.snapshot.context;
  const cap = (n: number, max: number) => Math.min(n, max);
  return JSON.stringify([
    stageOf(w.state.snapshot),
    c.outcome,
    c.reason,
    c.dmDecision,
    c.easementUsed,
    cap(c.doubts.length, 2),
    c.doubts.at(-1)?.withdrawnAt === null,
    c.failure?.kind ?? null,
    cap(c.appointments.filter((a) => a.kind === 'HWC').length, 3),
    cap(c.markers.filter((m) => m.stage === 'Def CC & HWC').length, 2),
    c.wcaDate !== null,
    Object.keys(c.timers).sort(),
    c.escalations.length > 0,
    w.error ?? null,
  ]);
}

const describeMove = (m: Move) =>
  m.type === 'SEND' ? JSON.stringify(Object.fromEntries(Object.entries(m.event).filter(([k]) => k !== 'by'))) : m.type;

function violationsOf(w: World): string[] {
  return [...(w.error ? [`step threw: ${w.error}`] : []), ...checkInvariants({ state: w.state, inputs: w.inputs })];
}

/** Resting stages of the machine: atomic or final nodes that are not transient (`always`) checks. */
const restingStages = getStateNodes(journeyMachine.root)
  .filter((n) => (n.type === 'atomic' || n.type === 'final') && !n.always?.length)
  .map((n) => n.key)
  .sort();

describe('A6 invariants on every reachable state (xstate/graph over the step function)', () => {
  const reached = new Set<string>();
  const outcomes = new Set<string>();

  it('classifies every resting stage of the machine as a person wait, a deadline wait or an outcome', () => {
    const classified = [...PERSON_WAITS, ...Object.keys(DEADLINE_WAITS), ...FINAL_STAGES].sort();
    expect(restingStages).toEqual(classified);
  });

  it.each(FIXTURES.map((f) => [f.name, f] as const))('claimant: %s', (_name, fixture) => {
    const paths = getShortestPaths(worldLogic(fixture), {
      events: (snapshot) => moves(snapshot.context),
      serializeState: (snapshot) => abstractKey(snapshot.context),
    });
    expect(paths.length).toBeGreaterThan(10);
    const problems: string[] = [];
    for (const path of paths) {
      const w = path.state.context;
      reached.add(stageOf(w.state.snapshot));
      if (w.state.snapshot.context.outcome)
        outcomes.add([w.state.snapshot.context.outcome, w.state.snapshot.context.reason ?? w.state.snapshot.context.dmDecision].join('/'));
      const v = violationsOf(w);
      if (v.length && problems.length < 5)
        problems.push(`${v.join('; ')}\n    after: ${path.steps.map((s) => describeMove(s.event)).join(' → ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('between them the claimants reach every resting stage and every kind of outcome', () => {
    expect([...reached].sort()).toEqual(restingStages);
    for (const o of [
      'HWC_COMPLETED/',
      'EXEMPT/TERMINAL_ILLNESS',
      'EXEMPT/IN_HOSPITAL',
      'EXEMPT/PREGNANCY',
      'EXEMPT/CANCER_TREATMENT',
      'NOT_REQUIRED/ESA_NOT_IN_PAYMENT',
      'NOT_REQUIRED/WCA_WITHIN_3_WEEKS',
      'NOT_REQUIRED/CLAIM_CLOSED',
      'NOT_REQUIRED/NEW_CIRCUMSTANCES',
      'SANCTION_REFERRED/SANCTION',
      'SANCTION_REFERRED/NO_SANCTION',
    ])
      expect(outcomes, o).toContain(o);
  });

  it('every simple path to a sanction referral goes through a failure, a doubt and a closed window', () => {
    // Failure handling only: the events that can lead to or away from a referral, no clock noise.
    const failureOnly = (w: World) =>
      moves(w).filter(
        (m) =>
          m.type === 'ADVANCE' ||
          (m.type === 'SEND' &&
            ['BOOKING_CALL', 'PRE_CALL', 'ATTENDED', 'FAILED_TO_ATTEND', 'FAILED_TO_PARTICIPATE', 'FTA_CALL',
              'CLAIMANT_CONTACT', 'SAFEGUARD_VISIT', 'DM_DECISION'].includes(String(m.event.type)) &&
            m.event.slot === undefined &&
            m.event.exemptCategory === undefined &&
            m.event.result !== 'no_longer_required' &&
            m.event.contacted !== false),
      );
    const paths = getSimplePaths(worldLogic(FIXTURES[0]), {
      events: (snapshot) => failureOnly(snapshot.context),
      serializeState: (snapshot) => abstractKey(snapshot.context),
      toState: (snapshot) => stageOf(snapshot.context.state.snapshot) === 'sanctionReferred',
    });
    const toReferral = paths.filter((p) => stageOf(p.state.context.state.snapshot) === 'sanctionReferred');
    expect(toReferral.length).toBeGreaterThan(5);
    for (const p of toReferral) {
      const events = p.steps.map((s) => s.event).filter((m): m is Extract<Move, { type: 'SEND' }> => m.type === 'SEND');
      const types = events.map((m) => m.event.type);
      expect(types.some((t) => t === 'FAILED_TO_ATTEND' || t === 'FAILED_TO_PARTICIPATE')).toBe(true);
      expect(violationsOf(p.state.context)).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Property: random walks (people's events, deadlines, escalations, days passing) and random garbage
// events never throw and never break A6; a refused event changes nothing.

const FIELDS = ['contacted', 'goodCause', 'willRebook', 'slot', 'result', 'exempt', 'category', 'until', 'date',
  'sanction', 'seen', 'reason', 'exemptCategory', 'followUp', 'myValues', 'actions', 'at', 'by', 'notes'];
const VALUES = fc.oneof(
  fc.boolean(),
  fc.constantFrom('confirmed', 'no_answer', 'no_longer_required', 'IN_HOSPITAL', 'BEREAVEMENT', 'PREGNANCY',
    'completed', '2026-02-10', '2026-01-19', '2027-05-01', '2026-02-10T10:00:00Z', '2026-01-01T10:00:00Z',
    '2026-02-10T10:00:00', 'AB123456C', ''),
  fc.constant({ staffId: 'X-1', role: 'team_leader' }),
  fc.constant({ staffId: 'X-2', role: 'work_coach' }),
  fc.constant([{ what: 'a', where: 'b', when: 'c' }]),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.constant(null),
);
const garbageEvent = fc.record({
  type: fc.constantFrom(...EVENT_TYPES, 'BOGUS'),
  payload: fc.dictionary(fc.constantFrom(...FIELDS), VALUES, { maxKeys: 4 }),
});
const stepInput = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 999 }).map((pick) => ({ kind: 'move' as const, pick })) },
  { weight: 1, arbitrary: garbageEvent.map((g) => ({ kind: 'garbage' as const, event: { ...g.payload, type: g.type } })) },
);

describe('property: random inputs never throw and never violate A6', () => {
  it('holds for a few hundred random journeys', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FIXTURES), fc.array(stepInput, { minLength: 5, maxLength: 45 }), (fixture, inputs) => {
        let w = startWorld(fixture);
        const trail: string[] = [];
        for (const input of inputs) {
          if (input.kind === 'garbage') {
            const before = w.state;
            const checked = validateEvent(w.state, input.event, w.clock);
            if (!checked.ok) {
              expect(w.state).toBe(before);
              continue;
            }
            w = applyMove(w, { type: 'SEND', event: input.event });
            trail.push(`garbage ${JSON.stringify(input.event)}`);
          } else {
            const options = moves(w);
            if (!options.length) break;
            const m = options[input.pick % options.length];
            w = applyMove(w, m);
            trail.push(describeMove(m));
          }
          const v = violationsOf(w);
          if (v.length) throw new Error(`${v.join('; ')}\n  after: ${trail.join(' → ')}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
