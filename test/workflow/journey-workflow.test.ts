// The journey workflow's message handling: people's events are validated Updates (rejections leave no
// trace in history) and Signals (refused ones are dropped).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { eventSignal, eventUpdate, journeyQuery, viewQuery } from '../../workflows/messages';
import { START, coach, startJourneyAt, startWorker, timeSkippingEnv } from '../helpers/temporal';
import { executeEvent } from '../../client/journeys';

let env: TestWorkflowEnvironment;
let w: Awaited<ReturnType<typeof startWorker>>;
beforeAll(async () => {
  env = await timeSkippingEnv();
  w = await startWorker(env);
});
afterAll(async () => {
  await w?.stop();
  await env?.teardown();
});

async function rejection(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WorkflowUpdateFailedError);
  return (e as WorkflowUpdateFailedError).cause?.message ?? '';
}

describe('journey workflow', () => {
  it('rejects invalid Updates with the reason and records none of them in history', async () => {
    const { taskQueue, store } = w;
    {
      const { handle } = await startJourneyAt(env, taskQueue, 'C-2001', store);
      const send = (ev: Record<string, unknown>) => handle.executeUpdate(eventUpdate, { args: [ev as never] });

      const wrongRole = await rejection(
        send({ type: 'BOOKING_CALL', contacted: true, by: { staffId: 'DM-1', role: 'decision_maker' } }),
      );
      const badPayload = await rejection(send({ type: 'BOOKING_CALL', contacted: 'yes', by: coach }));
      const notNow = await rejection(send({ type: 'ATTENDED', by: coach }));
      const noIdentity = await rejection(send({ type: 'BOOKING_CALL', contacted: true }));
      const unknown = await rejection(send({ type: 'TEA_BREAK', by: coach }));

      expect(wrongRole).toMatch(/decision_maker may not record BOOKING_CALL; needs sds or work_coach/);
      expect(badPayload).toMatch(/BOOKING_CALL: contacted:/);
      expect(notNow).toMatch(/ATTENDED is not accepted in state awaitingBookingCall; accepted now: .*BOOKING_CALL/);
      expect(noIdentity).toMatch(/BOOKING_CALL\.by: every event must carry/);
      expect(unknown).toMatch(/unknown event type "TEA_BREAK"/);
      const history = await handle.fetchHistory();
      const updates = history.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(updates).toHaveLength(0);
      expect(JSON.stringify(history)).not.toContain('TEA_BREAK');
      expect((await handle.query(viewQuery)).stage).toBe('awaitingBookingCall');

      const accepted = await executeEvent(handle, { type: 'BOOKING_CALL', contacted: true, by: coach, at: START });

      expect(accepted.stage).toBe('awaitingPreCallTime');
      const after = await handle.fetchHistory();
      expect(after.events!.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);
      await handle.terminate('test finished'); // a waiting journey with no worker would stop time skipping
    }
  });

  it('drops an invalid Signal and applies a valid one', async () => {
    const { taskQueue, store } = w;
    {
      const { handle } = await startJourneyAt(env, taskQueue, 'C-2002', store);

      await handle.signal(eventSignal, { type: 'ATTENDED', by: coach });
      await handle.signal(eventSignal, { type: 'BOOKING_CALL', contacted: false, by: coach });

      const trace = await handle.query(journeyQuery);
      expect(trace.stage).toBe('awaitingPreCallTime');
      expect(trace.transitions.map((t) => t.event)).toEqual(['START', 'BOOKING_CALL']);
      await handle.terminate('test finished');
    }
  });
});
