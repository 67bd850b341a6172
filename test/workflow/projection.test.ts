// The MI projection written by the journey itself (workflows/projection.ts, activities/projection.ts), on
// the time-skipping test server: after every step the journey's row equals its `journey` query; the row rides
// on the step's last effect, and only steps without an effect run the `projectJourney` activity; the history
// with the projection replays; the row holds nothing of the claimant's record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { ProjectionStore } from '../../activities/projection';
import { executeEvent } from '../../client/journeys';
import type { Db } from '../../db';
import { journeyQuery } from '../../workflows/messages';
import { workflowBundle } from '../../worker/worker';
import { START, coach, signerAt, startJourneyAt, startWorker, timeSkippingEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let w: Awaited<ReturnType<typeof startWorker>>;
let db: Db;
let projection: ProjectionStore;
beforeAll(async () => {
  env = await timeSkippingEnv();
  w = await startWorker(env);
  db = w.store.db;
  projection = new ProjectionStore(db);
});
afterAll(async () => {
  await w?.stop();
  await env?.teardown();
});

/** Waits until the journey's row is its current trace (the write is the step's last activity). */
async function projected(handle: WorkflowHandle, stage?: string) {
  const end = Date.now() + 60_000;
  for (;;) {
    const trace = await handle.query(journeyQuery);
    const row = await projection.row(handle.workflowId);
    // After a sleep, the timer's workflow task may not have run yet: wait for the stage it leads to.
    const there = stage === undefined || trace.stage === stage;
    if (there && row && JSON.stringify(row.trace) === JSON.stringify(trace)) return { row, trace };
    if (Date.now() > end)
      throw new Error(
        `projection of ${handle.workflowId} never caught up: ${JSON.stringify(row?.trace.stage)} vs ${trace.stage}`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the MI projection', () => {
  it('follows the journey step by step, mostly riding on effects, and replays', async () => {
    const { handle, offset } = await startJourneyAt(env, w.taskQueue, 'C-8101', w.store); // JSAPS holds the record the pre-call check reads
    const sleepUntil = async (iso: string) => {
      const ms = Date.parse(iso) - ((await env.currentTimeMs()) + offset);
      if (ms > 0) await env.sleep(ms);
    };
    const stages: string[] = [];
    const versions: number[] = [];
    const check = async (stage?: string) => {
      const { row, trace } = await projected(handle, stage);
      stages.push(trace.stage);
      versions.push(row.version);
      expect(row.nextDeadline === null).toBe(trace.status === 'ended');
    };

    await check(); // started: awaiting the booking call
    await executeEvent(handle, { type: 'BOOKING_CALL', contacted: true, by: coach, at: START }, signerAt(env));
    await check();
    await sleepUntil('2026-01-29T10:05:00.000Z'); // the pre-call time
    await check('awaitingPreCallResult');
    await executeEvent(
      handle,
      { type: 'PRE_CALL', result: 'confirmed', by: coach, at: '2026-01-29T10:05:00.000Z' },
      signerAt(env),
    );
    await check(); // no effect: the projection's own activity
    await sleepUntil('2026-02-02T10:30:00.000Z'); // the HWC time (a stage change without an effect)
    await check('awaitingAttendance');
    await executeEvent(handle, { type: 'FAILED_TO_ATTEND', by: coach, at: '2026-02-02T10:30:00.000Z' }, signerAt(env));
    await executeEvent(
      handle,
      {
        type: 'WORK_COACH_CHANGED',
        workCoach: 'WC-05',
        by: { staffId: 'TL-1', role: 'team_leader' },
        at: '2026-02-02T10:30:00.000Z',
      },
      signerAt(env),
    );
    await check();
    await executeEvent(
      handle,
      {
        type: 'FTA_CALL',
        contacted: true,
        goodCause: false,
        willRebook: false,
        by: coach,
        at: '2026-02-02T10:30:00.000Z',
      },
      signerAt(env),
    );
    await sleepUntil('2026-02-12T09:00:00.000Z'); // the doubt window closed: referred
    await check('awaitingDmDecision');
    await executeEvent(
      handle,
      {
        type: 'DM_DECISION',
        sanction: false,
        by: { staffId: 'DM-1', role: 'decision_maker' },
        at: '2026-02-12T09:00:00.000Z',
      },
      signerAt(env),
    );
    const final = await handle.result();
    const { row } = await projected(handle);

    expect(stages).toEqual([
      'awaitingBookingCall',
      'awaitingPreCallTime',
      'awaitingPreCallResult',
      'awaitingHwc',
      'awaitingAttendance',
      'awaitingFtaCall',
      'awaitingDmDecision',
    ]);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(row.trace).toEqual(final);
    expect(row.trace).toMatchObject({ outcome: 'SANCTION_REFERRED', dmDecision: 'NO_SANCTION', workCoach: 'WC-05' });

    // Where the rows travelled: on effect activities' requests, and on projectJourney only for steps that had none.
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a ? [a.activityType?.name ?? ''] : [];
    });
    const own = scheduled.filter((n) => n === 'projectJourney').length;
    const effects = scheduled.filter((n) => n !== 'projectJourney' && n !== 'readClaimantRecord').length;
    // Exactly the steps that changed the trace without an effect: PRE_CALL confirmed, the HWC time, DM_DECISION.
    expect(own).toBe(3);
    expect(effects).toBeGreaterThan(10); // every other step's row rode on one of these
    expect(history.events?.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toBe(true);

    // The recorded history (with the projection) replays against the code.
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, handle.workflowId);

    // Nothing of the claimant record beyond the trace: no date of birth, no phone number.
    const [raw] = await db.query<Record<string, unknown>>(`SELECT * FROM mi_journeys WHERE workflow_id = $1`, [
      handle.workflowId,
    ]);
    const text = JSON.stringify(raw);
    expect(text).not.toContain('1980-04-02');
    expect(text).not.toContain('07700900123');
    expect(raw).toMatchObject({ office: 'LEEDS', work_coach: 'WC-05', stage: 'sanctionReferred', status: 'ended' });
  });
});
