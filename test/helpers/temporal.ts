// One time-skipping test server per test file, a fresh worker per test (unique task queue and ids).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { StubStore } from '../../activities/store';
import { holidaysForJourney } from '../../domain/bank-holidays';
import { hwcJourney } from '../../workflows/journey';
import type { JourneyWorkflowInput } from '../../workflows/messages';
import { ephemeralIssuer } from '../../identity/ephemeral';
import type { EventSigner } from '../../client/journeys';
import { testServerExecutable } from '../../worker/binaries';
import { createHwcWorker } from '../../worker/worker';

export async function timeSkippingEnv() {
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
}

/** The issuer every journey of a test file trusts; events are signed at the test server's clock. */
export const testIdentity = ephemeralIssuer();
export const signerAt =
  (env: TestWorkflowEnvironment): EventSigner =>
  async (workflowId, event) =>
    testIdentity.sign(workflowId, event, { nowMs: await env.currentTimeMs() });

let counter = 0;
export const uniqueId = (prefix: string) => `${prefix}-${process.pid}-${Date.now()}-${++counter}`;

export interface WorkerContext {
  store: StubStore;
  taskQueue: string;
}

/**
 * One worker for a whole file, running in the background. (A worker per test on one time-skipping
 * server stalls time skipping once the first worker has gone: the server waits on its sticky queue.)
 */
export async function startWorker(env: TestWorkflowEnvironment) {
  const dir = mkdtempSync(join(tmpdir(), 'hwc-test-'));
  const store = await StubStore.open(join(dir, 'stubs.sqlite'));
  const taskQueue = uniqueId('tq');
  const worker = await createHwcWorker({ connection: env.nativeConnection, store, taskQueue });
  const running = worker.run();
  return {
    worker,
    store,
    taskQueue,
    async stop() {
      worker.shutdown();
      await running;
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const START = '2026-01-20T09:00:00.000Z';
export const coach = { staffId: 'WC-01', role: 'work_coach' } as const;
export const claimant = (claimantRef: string) => ({
  claimantRef,
  office: 'LEEDS',
  dateOfBirth: '1980-04-02',
  claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 91.15 },
  lms: { potentiallyViolent: false, staffProtectionList: false, reasonableAdjustments: [], mobile: '07700900123' },
});

/**
 * The same claimant for journeys on a real clock (a dev server, worker processes): the claim started two
 * weeks before today, so the journey books within its target. `lms` adds to or replaces LMS fields
 * (`{ workCoach: 'WC-07' }`).
 */
export const recentClaimant = (claimantRef: string, lms: Record<string, unknown> = {}) => {
  const c = claimant(claimantRef);
  const startDate = new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10);
  return { ...c, claim: { ...c.claim, startDate }, lms: { ...c.lms, ...lms } };
};

/**
 * Starts a journey whose business clock starts at START (the simulator's offset), without search
 * attributes; with `store`, JSAPS holds the claimant's record first (the pre-call check reads it).
 */
export async function startJourneyAt(
  env: TestWorkflowEnvironment,
  taskQueue: string,
  ref: string,
  store?: StubStore,
  extra: Partial<JourneyWorkflowInput> = {},
) {
  await store?.putClaimant(ref, claimant(ref));
  const offset = Date.parse(START) - (await env.currentTimeMs());
  const handle = await env.client.workflow.start(hwcJourney, {
    taskQueue,
    workflowId: uniqueId(`hwc-${ref}`),
    args: [
      {
        office: 'LEEDS',
        record: claimant(ref),
        holidays: holidaysForJourney(START),
        start: START,
        clockOffsetMs: offset,
        searchAttributes: false,
        trust: testIdentity.trust,
        ...extra,
      },
    ],
  });
  return { handle, offset };
}
