// The one worker process of `npm run bench`: the hwc worker exactly as `hwc worker` builds it (same
// factory, settings from the same environment variables) on the bench's hwc task queue, plus a
// bench-only worker in the same process for the two baselines on their own task queue, with the same
// concurrency and cache settings. Prints `ready` on stdout when both poll; stops on SIGTERM/SIGINT.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { fileURLToPath } from 'node:url';
import { Worker, bundleWorkflowCode } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createReportActivities } from '../activities/report';
import { StubStore } from '../activities/store';
import { loadConfig } from '../worker/config';
import { connectWorker } from '../worker/connection';
import { codecKeys, dataConverterFor } from '../worker/data-converter';
import { installRuntime } from '../worker/runtime';
import { WORKFLOWS_PATH, createHwcWorker, workflowBundle } from '../worker/worker';

const cfg = loadConfig();
const baselinesQueue = process.env.BENCH_BASELINES_QUEUE ?? 'hwc-bench-baselines';
installRuntime('WARN');
const connection = await connectWorker(cfg);
const store = await StubStore.open(cfg.dbPath, { keys: cfg.encryption ? codecKeys(cfg) : null });
const dataConverter = dataConverterFor(cfg, 'worker');

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
});

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m), log() {} };
const baselineBundle = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(new URL('./baselines/index.ts', import.meta.url)),
  logger: silent,
});
const baselines = await Worker.create({
  connection,
  namespace: cfg.namespace,
  taskQueue: baselinesQueue,
  workflowBundle: baselineBundle,
  activities: { ...createActivities({ store, latencyMs: cfg.stubLatencyMs }), async noop() {} },
  identity: `bench-baselines@${process.pid}`,
  ...(dataConverter ? { dataConverter } : {}),
  maxCachedWorkflows: cfg.maxCachedWorkflows,
  maxConcurrentActivityTaskExecutions: cfg.maxConcurrentActivities,
  maxConcurrentWorkflowTaskExecutions: cfg.maxConcurrentWorkflowTasks,
  shutdownGraceTime: '10s',
});

// `--experiment=preload`: the same hwc workflows, bundled with the SDK's `preloadModules` so that XState
// and luxon are evaluated once per V8 context and shared, instead of once per workflow; otherwise exactly
// createHwcWorker's options. Bench-only.
const preloadQueue = process.env.BENCH_PRELOAD_QUEUE;
// Only third-party modules without per-instance lazy state: zod (and so domain/ and machines/, which
// import domain/schemas) cannot be preloaded, because the SDK deep-freezes preloaded modules and zod 4
// defines methods on each schema lazily ("Cannot define property safeParse, object is not extensible").
const PRELOADED = ['xstate', 'luxon'];
const preloaded = preloadQueue
  ? await Worker.create({
      connection,
      namespace: cfg.namespace,
      taskQueue: preloadQueue,
      workflowBundle: await bundleWorkflowCode({
        workflowsPath: WORKFLOWS_PATH,
        preloadModules: PRELOADED,
        logger: silent,
      }),
      activities: {
        ...createActivities({ store, latencyMs: cfg.stubLatencyMs }),
        ...createReportActivities({ store }),
      },
      identity: `bench-hwc-preload@${process.pid}`,
      ...(dataConverter ? { dataConverter } : {}),
      maxCachedWorkflows: cfg.maxCachedWorkflows,
      maxConcurrentActivityTaskExecutions: cfg.maxConcurrentActivities,
      maxConcurrentWorkflowTaskExecutions: cfg.maxConcurrentWorkflowTasks,
      shutdownGraceTime: '10s',
      sinks: { audit: { decision: { fn() {}, callDuringReplay: false } } },
    })
  : null;

// For a CPU profile (`--profile`): the bundles' code, to attribute bundled functions to their modules.
if (process.env.BENCH_PROFILE_DIR) {
  writeFileSync(`${process.env.BENCH_PROFILE_DIR}/hwc-bundle.js`, (await workflowBundle()).code);
  writeFileSync(`${process.env.BENCH_PROFILE_DIR}/baselines-bundle.js`, baselineBundle.code);
}

/**
 * Live JS heap of every isolate of this process after a full GC each (through the inspector, which
 * reaches the SDK's workflow threads too): the main thread, the hwc workflow thread (created first),
 * the baselines workflow thread, and any other thread (tsx's loader). Asked for by the driver over IPC.
 */
async function heaps() {
  const session = new Session();
  session.connect();
  const threads: { sessionId: string; workerId: string; url: string; title: string }[] = [];
  const pending = new Map<number, (m: { result?: { usedSize: number; totalSize: number } }) => void>();
  session.on('NodeWorker.attachedToWorker', (m) =>
    threads.push({
      sessionId: m.params.sessionId,
      workerId: m.params.workerInfo.workerId,
      url: m.params.workerInfo.url,
      title: m.params.workerInfo.title,
    }),
  );
  session.on('NodeWorker.receivedMessageFromWorker', (m) => {
    const msg = JSON.parse(m.params.message) as { id?: number; result?: { usedSize: number; totalSize: number } };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg);
  });
  await session.post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  let next = 1;
  const send = (sessionId: string, method: string) =>
    new Promise<{ result?: { usedSize: number; totalSize: number } }>((resolve, reject) => {
      const id = next++;
      pending.set(id, resolve);
      setTimeout(() => reject(new Error(`inspector: no answer to ${method}`)), 30_000).unref();
      void session.post('NodeWorker.sendMessageToWorker', {
        sessionId,
        message: JSON.stringify({ id, method, params: {} }),
      });
    });
  await session.post('HeapProfiler.collectGarbage');
  const main = (await session.post('Runtime.getHeapUsage')) as unknown as { usedSize: number; totalSize: number };
  const out: { thread: string; id: string; usedBytes: number; totalBytes: number }[] = [
    { thread: 'main', id: '0', usedBytes: main.usedSize, totalBytes: main.totalSize },
  ];
  let workflowThreads = 0;
  // The title carries the thread id ("[worker 2]"): threads in creation order, so the hwc worker's first.
  const threadId = (t: { title: string }) => Number(/\d+/.exec(t.title)?.[0] ?? 0);
  for (const t of threads.sort((a, b) => threadId(a) - threadId(b))) {
    await send(t.sessionId, 'HeapProfiler.collectGarbage');
    const r = (await send(t.sessionId, 'Runtime.getHeapUsage')).result!;
    const name = /workflow/.test(t.url)
      ? (['hwc workflows', 'baseline workflows', 'hwc preload workflows'][workflowThreads++] ?? 'workflows')
      : `other (${t.url.split('/').pop()})`;
    out.push({ thread: name, id: `${t.workerId} ${t.title} ${t.url}`, usedBytes: r.usedSize, totalBytes: r.totalSize });
  }
  await session.post('NodeWorker.disable');
  session.disconnect();
  return out;
}
process.on('message', (m: { type?: string; id?: number }) => {
  if (m?.type !== 'heaps') return;
  heaps().then(
    (threads) => process.send?.({ type: 'heaps', id: m.id, threads }),
    (e) => process.send?.({ type: 'heaps', id: m.id, error: (e as Error).message }),
  );
});

process.stdout.write('ready\n');
await Promise.all([hwc.run(), baselines.run(), preloaded?.run()]);
await connection.close();
await store.close();
process.exit(0);
