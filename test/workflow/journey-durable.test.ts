// The journey workflow on the time-skipping test server: weeks pass in seconds, and every effect lands
// exactly once in the stub database. (Its own file, hence its own server: on the Java test server, time
// skipping stalls after earlier tests' journeys were terminated mid-wait.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { executeEvent } from '../../client/journeys';
import { START, coach, signerAt, startJourneyAt, startWorker, timeSkippingEnv } from '../helpers/temporal';

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

describe('journey workflow over weeks', () => {
  it('waits weeks in seconds and performs each effect exactly once in the stub systems', async () => {
    const { taskQueue, store } = w;
    {
      const { handle, offset } = await startJourneyAt(env, taskQueue, 'C-2003', store);
      const sleepUntil = async (iso: string) => {
        const ms = Date.parse(iso) - ((await env.currentTimeMs()) + offset);
        if (ms > 0) await env.sleep(ms);
      };
      await executeEvent(handle, { type: 'BOOKING_CALL', contacted: true, by: coach, at: START }, signerAt(env));
      // No pre-call recorded and no attendance: the journey moves on at the HWC time and escalates.
      await sleepUntil('2026-02-04T18:00:00.000Z');
      await executeEvent(handle, { type: 'ATTENDED', by: coach, at: '2026-02-04T18:00:00.000Z' }, signerAt(env));
      await executeEvent(
        handle,
        {
          type: 'CONVERSATION_COMPLETED',
          by: coach,
          at: '2026-02-04T18:00:00.000Z',
          myValues: 'declined',
          actions: [{ what: 'Try the library job club', where: 'Library', when: 'Fridays' }],
        },
        signerAt(env),
      );

      const trace = await handle.result();

      expect(trace.outcome).toBe('HWC_COMPLETED');
      expect(trace.escalations).toEqual([
        { reason: 'attendance not recorded', at: '2026-02-03T17:00:00.000Z' },
        { reason: 'attendance not recorded', at: '2026-02-04T17:00:00.000Z' },
      ]);
      const outbox = await store.outbox({ workflowId: handle.workflowId });
      const letters = outbox.filter((r) => r.kind === 'comms.letter').map((r) => r.details.letter);
      expect(letters).toEqual(['ESAHWC1', 'ESAHWC4']);
      expect(new Set(outbox.map((r) => r.key)).size).toBe(outbox.length);
      expect((await store.diary({ workflowId: handle.workflowId })).map((a) => [a.kind, a.status])).toEqual([
        ['PRE_CALL', 'held'],
        ['HWC', 'attended'],
      ]);
    }
  });
});
