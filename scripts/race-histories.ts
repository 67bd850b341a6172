// Golden histories of the two orders of arrival that once put the decision trail out of order (issue 12),
// made to happen for certain on a dev server by holding the worker back:
//   90-update-with-start — the first Update arrives with the start (Update-with-Start: one workflow task
//     carries both);
//   91-update-races-timer — an Update and a due timer in one workflow task: the worker is stopped, the HWC
//     time passes (the server fires the timer), the Update is sent, then the worker comes back.
// Recorded by scripts/record-histories.ts; replayed by test/workflow/golden-histories.test.ts and checked
// against the journey's transitions by test/workflow/audit-trail.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { StubStore } from '../activities/store';
import { executeEvent } from '../client/journeys';
import { holidaysForJourney } from '../domain/bank-holidays';
import { CURRENT_POLICY } from '../domain/policy';
import { ephemeralIssuer } from '../identity/ephemeral';
import { devServerExecutable } from '../worker/binaries';
import { createHwcWorker } from '../worker/worker';
import { hwcJourney } from '../workflows/journey';
import { eventUpdate, viewQuery, type EventRequest, type JourneyWorkflowInput } from '../workflows/messages';
import { recentClaimant } from '../test/helpers/temporal';

const TASK_QUEUE = 'hwc-golden';
const coach = { staffId: 'WC-01', role: 'work_coach' } as const;

const record = (ref: string) => recentClaimant(ref, { workCoach: 'WC-01' });

export async function recordRaceHistories(): Promise<{ name: string; history: History }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hwc-golden-'));
  const issuer = ephemeralIssuer();
  const env = await TestWorkflowEnvironment.createLocal({
    server: { executable: devServerExecutable(), log: { format: 'pretty', level: 'error' } },
  });
  const store = await StubStore.open(join(dir, 'stubs.sqlite'));
  let worker: { w: Worker; running: Promise<void> } | null = null;
  const startWorker = async () => {
    const w = await createHwcWorker({ connection: env.nativeConnection, store, taskQueue: TASK_QUEUE });
    worker = { w, running: w.run() };
  };
  const stopWorker = async () => {
    worker?.w.shutdown();
    await worker?.running;
    worker = null;
  };
  const input = (ref: string): JourneyWorkflowInput => ({
    office: 'LEEDS',
    record: record(ref),
    holidays: holidaysForJourney(new Date().toISOString()),
    policy: CURRENT_POLICY,
    searchAttributes: false,
    trust: issuer.trust,
  });
  const sign = async (workflowId: string, event: EventRequest) => issuer.sign(workflowId, event);
  const out: { name: string; history: History }[] = [];
  try {
    // 90: BOOKING_CALL with the start, then the claim closes.
    {
      const ref = 'GOLD-090';
      const workflowId = `hwc-${ref}`;
      await store.putClaimant(ref, record(ref));
      await startWorker();
      const booking = await sign(workflowId, { type: 'BOOKING_CALL', contacted: false, at: new Date().toISOString() });
      const start = new WithStartWorkflowOperation(hwcJourney, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [input(ref)],
        workflowIdConflictPolicy: 'FAIL',
      });
      await env.client.workflow.executeUpdateWithStart(eventUpdate, { args: [booking], startWorkflowOperation: start });
      const handle = await start.workflowHandle();
      await executeEvent(handle, { type: 'CLAIM_CLOSED', by: coach }, sign);
      await handle.result();
      out.push({ name: '90-update-with-start', history: await handle.fetchHistory() });
      await stopWorker();
    }
    // 91: booked a few seconds ahead and confirmed; the worker stops, the HWC time passes, the claim closes
    // while the HWC_DUE timer has fired: both reach the journey in one workflow task.
    {
      const ref = 'GOLD-091';
      const workflowId = `hwc-${ref}`;
      await store.putClaimant(ref, record(ref));
      await startWorker();
      const handle = await env.client.workflow.start(hwcJourney, {
        workflowId,
        taskQueue: TASK_QUEUE,
        args: [input(ref)],
      });
      const slot = new Date(Date.now() + 15_000).toISOString();
      await executeEvent(handle, { type: 'BOOKING_CALL', contacted: true, slot, by: coach }, sign);
      await executeEvent(handle, { type: 'PRE_CALL', result: 'confirmed', by: coach }, sign);
      // Idle, waiting on the HWC_DUE timer: every effect performed, the timer started.
      for (;;) {
        const view = await handle.query(viewQuery);
        const h = await handle.fetchHistory();
        const started = h.events?.filter((e) => e.timerStartedEventAttributes).length ?? 0;
        const fired = h.events?.filter((e) => e.timerFiredEventAttributes).length ?? 0;
        if (view.nextTimer?.type === 'HWC_DUE' && view.pendingEffects === 0 && started > fired) break;
        if (Date.now() > Date.parse(slot) - 3000) throw new Error('91: the journey was not idle before the HWC time');
        await new Promise((r) => setTimeout(r, 100));
      }
      await stopWorker();
      // The server fires the timer without a worker.
      for (;;) {
        const h = await handle.fetchHistory();
        const fired = h.events?.filter((e) => e.timerFiredEventAttributes).length ?? 0;
        const started = h.events?.filter((e) => e.timerStartedEventAttributes).length ?? 0;
        if (Date.now() > Date.parse(slot) && fired === started) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const closing = executeEvent(handle, { type: 'CLAIM_CLOSED', by: coach }, sign);
      // The Update is with the server (admitted, waiting for a worker) before the worker comes back.
      for (;;) {
        const d = await env.client.workflowService.describeWorkflowExecution({
          namespace: 'default',
          execution: { workflowId },
        });
        if (d.pendingWorkflowTask) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 500));
      await startWorker();
      await closing;
      await handle.result();
      out.push({ name: '91-update-races-timer', history: await handle.fetchHistory() });
      await stopWorker();
    }
  } finally {
    await stopWorker();
    await store.close();
    await env.teardown();
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
