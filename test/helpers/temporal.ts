// One time-skipping test server per test file, a fresh worker per test (unique task queue and ids).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { StubStore } from '../../activities/store';
import { testServerExecutable } from '../../worker/binaries';
import { createHwcWorker } from '../../worker/worker';

export async function timeSkippingEnv() {
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
}

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
  const store = new StubStore(join(dir, 'stubs.sqlite'));
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
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
