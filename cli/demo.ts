// A demo caseload for `hwc dev --demo`: journeys in the stages an office sees in a normal week, reached
// through the same Updates a work coach would send. Slots a few seconds ahead let some cases pass their
// HWC time at once; stages that need 7 working days to pass (safeguard visit, referral) cannot be
// reached on a real clock and are left to `hwc simulate`.
import type { Client } from '@temporalio/client';
import type { ClaimantRecordInput } from '../domain/schemas';
import { sendEvent, startJourney, type EventSigner } from '../client/journeys';
import type { TrustedKey } from '../identity/proof';
import type { EventRequest } from '../workflows/messages';

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
const coach = { staffId: 'WC-01', role: 'work_coach' } as const;
const tl = { staffId: 'TL-01', role: 'team_leader' } as const;

function record(ref: string, over: Partial<ClaimantRecordInput> = {}): ClaimantRecordInput {
  return {
    claimantRef: ref,
    office: 'LEEDS',
    dateOfBirth: '1984-06-01',
    claim: { startDate: days(-14), status: 'built', inPayment: true, weeklyRate: 91.15 },
    health: { condition: null, specialRules: false, notes: [] },
    otherBenefits: [],
    disabilityBenefits: [],
    appointee: false,
    household: { parentMarker: 'None', youngestChildAgeYears: null },
    circumstances: [],
    lms: {
      potentiallyViolent: false,
      staffProtectionList: false,
      reasonableAdjustments: [],
      mobile: '07700900000',
      phone: null,
      workCoach: ref.endsWith('2') ? 'WC-02' : 'WC-01',
    },
    wca: { scheduledDate: null },
    ...over,
  };
}

type Step = { type: string; by?: typeof coach | typeof tl; [field: string]: unknown };
interface DemoCase {
  record: ClaimantRecordInput;
  /** Events sent at once; `slot` marks a booking a few seconds ahead. */
  now?: Step[];
  /** Events sent once the HWC time has passed. */
  afterHwc?: Step[];
}

const SOON_MS = 25_000;

export function demoCaseload(prefix = 'DEMO'): DemoCase[] {
  const r = (n: number, over?: Partial<ClaimantRecordInput>) => record(`${prefix}-${String(n).padStart(3, '0')}`, over);
  const booked = { type: 'BOOKING_CALL', contacted: true } as Step;
  const soon = () =>
    ({ type: 'BOOKING_CALL', contacted: true, slot: new Date(Date.now() + SOON_MS).toISOString() }) as Step;
  const confirmed = { type: 'PRE_CALL', result: 'confirmed' } as Step;
  const actions = [{ what: 'Visit the local work club', where: 'Central Library', when: 'Tuesday mornings' }];
  return [
    { record: r(1) },
    { record: r(2) },
    { record: r(3), now: [booked] },
    { record: r(4), now: [booked] },
    { record: r(5), now: [{ type: 'BOOKING_CALL', contacted: false }] },
    { record: r(6, { claim: { startDate: days(-14), status: 'built', inPayment: true, weeklyRate: 0 } }) },
    { record: r(7, { circumstances: [{ kind: 'FULL_TIME_EDUCATION' }] }) },
    { record: r(8, { claim: { startDate: days(-14), status: 'built', inPayment: false, weeklyRate: 91.15 } }) },
    { record: r(9, { circumstances: [{ kind: 'BEREAVEMENT' }] }) },
    {
      record: r(10, { circumstances: [{ kind: 'RECENT_TRAUMA' }] }),
      now: [{ type: 'DEFER', category: 'RECENT_TRAUMA', until: days(28) }],
    },
    { record: r(11, { health: { condition: null, specialRules: false, notes: ['GP mentions DS1500 pending'] } }) },
    { record: r(12, { office: 'BRADFORD' }) },
    { record: r(13), now: [soon(), confirmed] },
    { record: r(14), now: [soon()] },
    { record: r(15), now: [soon(), confirmed], afterHwc: [{ type: 'ATTENDED' }] },
    {
      record: r(16),
      now: [soon(), confirmed],
      afterHwc: [{ type: 'ATTENDED' }, { type: 'CONVERSATION_COMPLETED', myValues: 'completed', actions }],
    },
    {
      record: r(17),
      now: [soon(), confirmed],
      afterHwc: [
        { type: 'ATTENDED' },
        {
          type: 'CONVERSATION_COMPLETED',
          myValues: 'take_home',
          actions,
          followUp: new Date(Date.now() + 14 * 86_400_000).toISOString(),
        },
      ],
    },
    { record: r(18), now: [soon(), confirmed], afterHwc: [{ type: 'FAILED_TO_ATTEND' }] },
    {
      record: r(19),
      now: [soon(), confirmed],
      afterHwc: [{ type: 'FAILED_TO_ATTEND' }, { type: 'FTA_CALL', contacted: false }],
    },
    {
      record: r(20),
      now: [soon(), confirmed],
      afterHwc: [{ type: 'ATTENDED' }, { type: 'FAILED_TO_PARTICIPATE', reason: 'Left the conversation early' }],
    },
    {
      record: r(21),
      now: [soon(), confirmed],
      afterHwc: [
        { type: 'FAILED_TO_ATTEND' },
        { type: 'FTA_CALL', contacted: true, goodCause: false, willRebook: false },
      ],
    },
  ];
}

export interface SeedOptions {
  client: Client;
  taskQueue: string;
  office?: string;
  prefix?: string;
  putClaimant?: (ref: string, record: never) => void | Promise<void>;
  log?: (line: string) => void;
  /** The keys the demo journeys trust, and a signer for each demo staff member who records their events. */
  trust: TrustedKey[];
  signerFor: (staffId: string) => EventSigner;
}

export async function seedDemo(o: SeedOptions): Promise<{ started: number; existing: number }> {
  const log = o.log ?? (() => {});
  const cases = demoCaseload(o.prefix);
  let started = 0;
  let existing = 0;
  const send = async (ref: string, step: Step) => {
    const by = step.type === 'TEAM_LEADER_ADVICE' ? tl : coach;
    const who = step.by ?? by;
    await sendEvent(o.client, ref, { ...step, by: who } as EventRequest, o.signerFor(who.staffId));
  };
  for (const c of cases) {
    const res = await startJourney({
      client: o.client,
      taskQueue: o.taskQueue,
      office: o.office ?? 'LEEDS',
      record: c.record,
      putClaimant: o.putClaimant as never,
      trust: o.trust,
    });
    if (res.status === 'already-exists') {
      existing++;
      continue;
    }
    started++;
    for (const step of c.now ?? []) await send(res.claimantRef, step);
  }
  log(`demo: ${started} journeys started, ${existing} already there`);
  const later = started ? cases.filter((c) => c.afterHwc?.length) : [];
  if (later.length) {
    log(
      `demo: ${later.length} appointments fall due in ${Math.round(SOON_MS / 1000)} s; recording their outcomes then`,
    );
    await new Promise((r) => setTimeout(r, SOON_MS + 3000));
    for (const c of later) for (const step of c.afterHwc!) await send(c.record.claimantRef, step);
    log('demo: caseload ready');
  }
  return { started, existing };
}
