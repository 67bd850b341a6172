// A worker process of `npm run bench` (a fresh one for each phase): the hwc Worker exactly as `hwc worker`
// builds it (same factory, settings from the same environment variables) on the bench's hwc task queue,
// plus one bench-only Worker per baseline, each on its own task queue with the same concurrency and cache
// settings, so each variant has its own workflow thread, cache and heap. The bundles were built once by
// the driver (BENCH_BUNDLE_DIR). Prints `ready` on stdout when all poll; stops on SIGTERM/SIGINT.
//
// Asked over IPC by the driver: `heaps` (live heap of each variant's workflow thread after a full GC) and
// `profile-start` / `profile-stop` (a V8 CPU profile of the main thread and one variant's workflow thread).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { StubStore } from '../activities/store';
import { loadConfig } from '../worker/config';
import { connectWorker } from '../worker/connection';
import { codecKeys, dataConverterFor } from '../worker/data-converter';
import { installRuntime } from '../worker/runtime';
import { createHwcWorker } from '../worker/worker';
import { BUNDLE_FILES, type BundleId } from './bundles';
import { ThreadInspector } from './inspector';

const cfg = loadConfig();
const env = (name: string) => {
  const v = process.env[name];
  if (!v) throw new Error(`bench worker: ${name} is not set`);
  return v;
};
const bundleDir = env('BENCH_BUNDLE_DIR');
installRuntime('WARN');
const connection = await connectWorker(cfg);
const store = await StubStore.open(cfg.dbPath, { keys: cfg.encryption ? codecKeys(cfg) : null });
const dataConverter = dataConverterFor(cfg, 'worker');
const codePath = (id: BundleId) => join(bundleDir, BUNDLE_FILES[id]);

// Created in this order (hwc, hand-written, floor): the workflow threads are told apart by it.
const ORDER: BundleId[] = ['hwc', 'handWritten', 'floor'];
const hwc = await createHwcWorker({
  connection,
  namespace: cfg.namespace,
  taskQueue: cfg.taskQueue,
  store,
  stubLatencyMs: cfg.stubLatencyMs,
  dataConverter,
  maxCachedWorkflows: cfg.maxCachedWorkflows,
  maxConcurrentActivities: cfg.maxConcurrentActivities,
  maxConcurrentWorkflowTasks: cfg.maxConcurrentWorkflowTasks,
  identity: `bench-hwc@${process.pid}`,
  workflowBundle: { codePath: codePath('hwc') },
});
const baselineWorker = (id: BundleId, taskQueue: string, activities: object) =>
  Worker.create({
    connection,
    namespace: cfg.namespace,
    taskQueue,
    workflowBundle: { codePath: codePath(id) },
    activities,
    identity: `bench-${id}@${process.pid}`,
    ...(dataConverter ? { dataConverter } : {}),
    maxCachedWorkflows: cfg.maxCachedWorkflows,
    maxConcurrentActivityTaskExecutions: cfg.maxConcurrentActivities,
    maxConcurrentWorkflowTaskExecutions: cfg.maxConcurrentWorkflowTasks,
    shutdownGraceTime: '10s',
  });
const handWritten = await baselineWorker(
  'handWritten',
  env('BENCH_HAND_QUEUE'),
  createActivities({ store, latencyMs: cfg.stubLatencyMs }),
);
// The floor's activities do nothing but count, so that the driver knows when its journeys are done
// without polling visibility (which costs the server CPU that would be charged to the floor's rounds).
let noops = 0;
const floor = await baselineWorker('floor', env('BENCH_FLOOR_QUEUE'), {
  async noop() {
    noops++;
  },
});

const inspector = new ThreadInspector();
await inspector.open();
const threadOf = (id: BundleId) => {
  const t = inspector.workflowThreads()[ORDER.indexOf(id)];
  if (!t) throw new Error(`bench worker: no workflow thread for ${id} (${inspector.workflowThreads().length} seen)`);
  return t;
};

type Ask =
  | { type: 'heaps'; id: number }
  | { type: 'noops'; id: number }
  | { type: 'profile-start'; id: number; variant: BundleId }
  | { type: 'profile-stop'; id: number; variant: BundleId; dir: string; tag: string };

async function answer(m: Ask): Promise<unknown> {
  switch (m.type) {
    case 'noops':
      return noops;
    case 'heaps': {
      const out: Record<string, { usedBytes: number; totalBytes: number }> = {
        main: await inspector.liveHeap('main'),
      };
      for (const id of ORDER) out[id] = await inspector.liveHeap(threadOf(id));
      return out;
    }
    case 'profile-start':
      await inspector.startProfiling('main');
      await inspector.startProfiling(threadOf(m.variant));
      return {};
    case 'profile-stop': {
      const files = {
        main: join(m.dir, `${m.tag}-main.cpuprofile`),
        workflow: join(m.dir, `${m.tag}-workflow.cpuprofile`),
      };
      writeFileSync(files.workflow, JSON.stringify(await inspector.stopProfiling(threadOf(m.variant))));
      writeFileSync(files.main, JSON.stringify(await inspector.stopProfiling('main')));
      return files;
    }
  }
}
process.on('message', (m: Ask) => {
  if (!m || typeof m.id !== 'number') return;
  answer(m).then(
    (result) => process.send?.({ id: m.id, result }),
    (e) => process.send?.({ id: m.id, error: (e as Error).message }),
  );
});

process.stdout.write('ready\n');
await Promise.all([hwc.run(), handWritten.run(), floor.run()]);
await connection.close();
store.close();
process.exit(0);
