// Every scenario file (shared and own) through the pure engine, in-process, matched against its `expect`
// block with the rules of B4 (the same as check-scenarios); each run's final state must also satisfy the A6
// invariants. Then scenarios the rules cannot run: they must fail with exit code 2 and say why.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Scenario, describeZodError, type JourneyEvent } from '../../domain/schemas';
import type { PersonEvent } from '../../machines/step';
import { PureEngine } from '../../simulator/pure-engine';
import { runScenario, ScenarioError } from '../../simulator/runner';
import { matchExpect } from '../helpers/expect';
import { checkInvariants } from '../helpers/invariants';

const here = path.dirname(fileURLToPath(import.meta.url));
const dirs = ['shared', 'own'].map((d) => path.join(here, '..', 'scenarios', d));

/** The pure engine, remembering the person events it accepted (the invariant checks need their payloads). */
class RecordingEngine extends PureEngine {
  readonly inputs: PersonEvent[] = [];
  override async deliver(event: JourneyEvent & { at: string }): Promise<void> {
    await super.deliver(event);
    this.inputs.push(event);
  }
}

const files = dirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ dir: path.basename(dir), file: f, full: path.join(dir, f) })),
);

describe('scenario files', () => {
  it('has the shared scenarios and at least 45 of our own, each with an expect block', () => {
    expect(files.filter((f) => f.dir === 'shared').length).toBeGreaterThanOrEqual(8);
    expect(files.filter((f) => f.dir === 'own').length).toBeGreaterThanOrEqual(45);
    for (const f of files) expect(JSON.parse(readFileSync(f.full, 'utf8')).expect, f.file).toBeTypeOf('object');
  });

  it.each(files.map((f) => [`${f.dir}/${f.file}`, f.full] as const))('%s', async (_name, full) => {
    const parsed = Scenario.safeParse(JSON.parse(readFileSync(full, 'utf8')));
    if (!parsed.success) throw new Error(describeZodError(parsed.error));
    const scenario = parsed.data;
    const engine = new RecordingEngine(scenario);

    const trace = await runScenario(scenario, engine);

    expect(matchExpect(scenario.expect ?? {}, trace)).toBeNull();
    expect(checkInvariants({ state: engine.state, inputs: engine.inputs })).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Scenarios the rules cannot run. `hwc simulate` exits 2 for all of these: a scenario file that fails its
// schema, or a ScenarioError from the runner. The message must name the field or event (and, when the
// event is refused, the state and what it accepts).

const claimant = {
  claimantRef: 'C-3001',
  office: 'LEEDS',
  dateOfBirth: '1980-04-02',
  claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 91.15 },
  lms: { mobile: '07700900123' },
};
const scenarioWith = (events: object[], over: Record<string, unknown> = {}) => ({
  name: 'invalid',
  start: '2026-01-20T09:00:00.000Z',
  office: 'LEEDS',
  claimant,
  events,
  ...over,
});

/** What `hwc simulate` would do: exit code and stderr message. */
async function simulate(raw: unknown): Promise<{ code: number; message: string }> {
  const parsed = Scenario.safeParse(raw);
  if (!parsed.success) return { code: 2, message: describeZodError(parsed.error) };
  try {
    await runScenario(parsed.data, new PureEngine(parsed.data));
    return { code: 0, message: '' };
  } catch (e) {
    if (e instanceof ScenarioError) return { code: e.exitCode, message: e.message };
    throw e;
  }
}

const BC = { type: 'BOOKING_CALL', contacted: true };
const PC = { type: 'PRE_CALL', result: 'confirmed' };

const INVALID: [string, unknown, RegExp][] = [
  [
    'a claimant field with a value outside its enum',
    scenarioWith([], { claimant: { ...claimant, claim: { ...claimant.claim, status: 'paid' } } }),
    /^claimant\.claim\.status: /,
  ],
  [
    'an unknown circumstance kind',
    scenarioWith([], { claimant: { ...claimant, circumstances: [{ kind: 'HOLIDAY' }] } }),
    /^claimant\.circumstances\[0\]\.kind: /,
  ],
  [
    'a scenario start without a UTC offset',
    scenarioWith([], { start: '2026-01-20T09:00:00' }),
    /^start: must be an ISO-8601 instant with a UTC offset/,
  ],
  [
    'a claimantRef shaped like a National Insurance number',
    scenarioWith([], { claimant: { ...claimant, claimantRef: 'AB123456C' } }),
    /^claimant\.claimantRef: looks like a National Insurance number/,
  ],
  [
    'an unknown event type',
    scenarioWith([{ type: 'RESCHEDULE' }]),
    /^events\[0\]\.type: unknown event type "RESCHEDULE"; known types: CASE_REASSIGNED, .*WCA_SCHEDULED, WORK_COACH_CHANGED$/,
  ],
  [
    'a bad payload value',
    scenarioWith([BC, { type: 'PRE_CALL', result: 'maybe' }]),
    /^events\[1\] \(PRE_CALL\): result: /,
  ],
  ['an unknown payload key', scenarioWith([{ ...BC, colour: 'red' }]), /^events\[0\] \(BOOKING_CALL\): .*colour/],
  [
    'TEAM_LEADER_ADVICE exempt without a category',
    scenarioWith([{ type: 'TEAM_LEADER_ADVICE', exempt: true }]),
    /^events\[0\] \(TEAM_LEADER_ADVICE\): category: is required when exempt is true$/,
  ],
  [
    'an answered FTA call without goodCause',
    scenarioWith([BC, PC, { type: 'FAILED_TO_ATTEND' }, { type: 'FTA_CALL', contacted: true }]),
    /^events\[3\] \(FTA_CALL\): goodCause: is required when contacted is true$/,
  ],
  [
    'a slot without a UTC offset',
    scenarioWith([{ ...BC, slot: '2026-02-04T14:30:00' }]),
    /^events\[0\] \(BOOKING_CALL\): slot: must be an ISO-8601 instant with a UTC offset/,
  ],
  [
    'an event time without a UTC offset',
    scenarioWith([{ type: 'CLAIM_CLOSED', at: '2026-01-26 12:00' }]),
    /^events\[0\] \(CLAIM_CLOSED\): at: must be an ISO-8601 instant/,
  ],
  [
    'the wrong role for TEAM_LEADER_ADVICE',
    scenarioWith([{ type: 'TEAM_LEADER_ADVICE', exempt: false, by: { staffId: 'WC-1', role: 'work_coach' } }]),
    /^events\[0\]\.by\.role: work_coach may not record TEAM_LEADER_ADVICE; needs team_leader$/,
  ],
  [
    'the wrong role for DM_DECISION',
    scenarioWith([{ type: 'DM_DECISION', sanction: true, by: { staffId: 'S-1', role: 'sds' } }]),
    /^events\[0\]\.by\.role: sds may not record DM_DECISION; needs decision_maker$/,
  ],
  [
    'a work coach recording BOOKING_CALL is fine but a team leader is not',
    scenarioWith([{ ...BC, by: { staffId: 'TL-1', role: 'team_leader' } }]),
    /^events\[0\]\.by\.role: team_leader may not record BOOKING_CALL; needs sds or work_coach$/,
  ],
  [
    'an event the journey never accepts (claimant contact with no failure)',
    scenarioWith([{ type: 'CLAIMANT_CONTACT', goodCause: true }]),
    /^events\[0\] CLAIMANT_CONTACT is not accepted and only escalations are ahead: the journey is in state awaitingAttendance; it accepts: .*ATTENDED, FAILED_TO_ATTEND/,
  ],
  [
    'an event after the journey has ended',
    scenarioWith([BC], { claimant: { ...claimant, claim: { ...claimant.claim, weeklyRate: 0 } } }),
    /^events\[0\] BOOKING_CALL cannot be delivered: the journey is in state exempt \(ended\); it accepts: nothing$/,
  ],
  [
    'CLAIM_CLOSED while the decision maker is awaited',
    scenarioWith([
      BC,
      PC,
      { type: 'FAILED_TO_ATTEND' },
      { type: 'FTA_CALL', contacted: true, goodCause: false },
      // the doubt window closes at COB Wed 11 Feb: the referral is made then
      { type: 'CLAIM_CLOSED', at: '2026-02-12T09:00:00Z' },
    ]),
    /^events\[4\] CLAIM_CLOSED is not accepted and only escalations are ahead: the journey is in state awaitingDmDecision; it accepts: DM_DECISION, WORK_COACH_CHANGED$/,
  ],
  [
    'FAILED_TO_PARTICIPATE before ATTENDED',
    scenarioWith([BC, PC, { type: 'FAILED_TO_PARTICIPATE', reason: 'x' }]),
    /^events\[2\] FAILED_TO_PARTICIPATE is not accepted .*state awaitingAttendance; it accepts: .*ATTENDED/,
  ],
  [
    'a booking slot not after the event time',
    scenarioWith([{ ...BC, slot: '2026-01-20T09:00:00Z' }]),
    /^events\[0\] BOOKING_CALL was rejected: BOOKING_CALL\.slot: must be after the event's time 2026-01-20T09:00:00\.000Z$/,
  ],
  [
    'a follow-up not after the event time',
    scenarioWith([
      BC,
      PC,
      { type: 'ATTENDED' },
      {
        type: 'CONVERSATION_COMPLETED',
        myValues: 'declined',
        actions: [{ what: 'a', where: 'b', when: 'c' }],
        followUp: '2026-02-02T09:59:00Z',
      },
    ]),
    /^events\[3\] CONVERSATION_COMPLETED was rejected: CONVERSATION_COMPLETED\.followUp: must be after/,
  ],
  [
    'a DEFER whose review date is not after the event day',
    scenarioWith([{ type: 'DEFER', category: 'APPOINTEE', until: '2026-01-20' }], {
      claimant: { ...claimant, appointee: true },
    }),
    /^events\[0\] DEFER was rejected: DEFER\.until: must be after the event's day 2026-01-20$/,
  ],
  [
    'an event not accepted within a year of simulated time',
    scenarioWith([{ type: 'DEFER', category: 'APPOINTEE', until: '2027-06-01' }, { type: 'PROCEED' }], {
      claimant: { ...claimant, appointee: true },
    }),
    /^events\[1\] PROCEED was not accepted within a year of simulated time: the journey is in state deferred; it accepts: .*DEFER/,
  ],
];

describe('scenarios the rules cannot run (exit code 2)', () => {
  it.each(INVALID)('%s', async (_name, raw, message) => {
    const result = await simulate(raw);
    expect(result.code).toBe(2);
    expect(result.message).toMatch(message);
  });
});
