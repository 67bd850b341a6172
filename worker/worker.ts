// The worker: journey workflows plus the stub activities, sized for a 2-core machine.
import { fileURLToPath } from 'node:url';
import type { DataConverter, VersioningBehavior } from '@temporalio/common';
import {
  Worker,
  bundleWorkflowCode,
  type NativeConnection,
  type WorkflowBundleOption,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import { createActivities } from '../activities';
import { createReportActivities } from '../activities/report';
import { ProjectionStore } from '../activities/projection';
import type { StubStore } from '../activities/store';
import type { TrustedKey } from '../identity/proof';

export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
/** Evaluated once per worker thread and shared by all journeys (why and how: the file's comment). */
export const SHARED_MODULES_PATH = fileURLToPath(new URL('../workflows/shared-modules.ts', import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | null = null;
/** The workflow bundle, built once per process (webpack takes seconds; several workers can share it). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    preloadModules: [SHARED_MODULES_PATH],
    logger: quietBundlerLogger,
  });
  return bundle;
}

const quietBundlerLogger = {
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error(message: string, meta?: Record<string, unknown>) {
    console.error(message, meta ?? '');
  },
  log() {},
};

export interface HwcWorkerOptions {
  connection: NativeConnection;
  namespace?: string;
  taskQueue?: string;
  store: StubStore;
  /** Where journeys write their MI projection; default: hwc's database in the stub store's file. */
  projection?: ProjectionStore;
  stubLatencyMs?: number;
  /** Payload encryption; the same as every client's (worker/data-converter.ts). */
  dataConverter?: DataConverter;
  maxCachedWorkflows?: number;
  maxConcurrentActivities?: number;
  maxConcurrentWorkflowTasks?: number;
  identity?: string;
  /** Signing keys for journeys this worker starts (the weekly-report schedule): the deployment's public keys. */
  trust?: TrustedKey[];
  /** A bundle built beforehand (e.g. by the benchmark, once for several worker processes). */
  workflowBundle?: WorkflowBundleOption;
  /**
   * Worker Versioning (docs/deploys.md): this worker serves one build of a worker deployment. Journeys
   * started while that build is the deployment's current version stay on it (PINNED) unless moved;
   * unset: an unversioned worker, as before.
   */
  deployment?: WorkerDeployment;
}

export interface WorkerDeployment {
  /** The worker deployment (one per task queue set; default `hwc`). */
  name: string;
  /** This build (a git commit, a release tag). */
  buildId: string;
  behavior: VersioningBehavior;
}

export async function createHwcWorker(o: HwcWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: o.connection,
    namespace: o.namespace ?? 'default',
    taskQueue: o.taskQueue ?? 'hwc',
    workflowBundle: o.workflowBundle ?? (await workflowBundle()),
    activities: {
      ...createActivities({
        store: o.store,
        latencyMs: o.stubLatencyMs,
        projection: o.projection ?? new ProjectionStore(o.store.db),
      }),
      ...createReportActivities({ store: o.store, trust: o.trust }),
    },
    ...(o.identity ? { identity: o.identity } : {}),
    ...(o.dataConverter ? { dataConverter: o.dataConverter } : {}),
    ...(o.deployment
      ? {
          workerDeploymentOptions: {
            useWorkerVersioning: true,
            version: { deploymentName: o.deployment.name, buildId: o.deployment.buildId },
            defaultVersioningBehavior: o.deployment.behavior,
          },
        }
      : {}),
    // Journeys wait for weeks and wake briefly: a large cache keeps hot ones without replaying, and
    // two cores do not gain from more than a handful of concurrent workflow tasks.
    maxCachedWorkflows: o.maxCachedWorkflows ?? 2000,
    maxConcurrentActivityTaskExecutions: o.maxConcurrentActivities ?? 50,
    maxConcurrentWorkflowTaskExecutions: o.maxConcurrentWorkflowTasks ?? 20,
    shutdownGraceTime: '10s',
    // The decision trail is for `hwc audit` (which replays histories); a live worker has no use for it.
    sinks: { audit: { decision: { fn() {}, callDuringReplay: false } } },
  });
}
