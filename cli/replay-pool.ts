// Replay of many histories on every core (`hwc audit --all`, and the benchmark's replay phase). The SDK
// replays one history at a time on one thread, so the pool forks one child process per core, gives each
// the prebuilt workflow bundle once, and hands out histories as they come (a few in flight per child, so
// a child never waits for the next one); results come back in the order each child finishes them.
//
// A child builds its data converter from the same environment as the parent (the deployment's keys), so
// keys never travel over IPC; histories travel as protobuf bytes.
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { HistoryAndWorkflowId } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import type { DecisionEntry } from '../workflows/messages';

const { History } = proto.temporal.api.history.v1;

export interface PoolOptions {
  /** The workflow bundle's code (e.g. `(await workflowBundle()).code`), built once by the caller. */
  bundleCode: string;
  /** Child processes; default: one per core. */
  workers?: number;
  /** `deployment`: each child decrypts with the keys of the environment (worker/data-converter.ts). */
  codec: 'none' | 'deployment';
  /** Collect the decision trail (`audit` sink) of histories that diverge, to say where. */
  trails?: boolean;
  /** Histories in flight per child. */
  window?: number;
  /** Environment of the children (default: this process's), e.g. where the keys are. */
  env?: NodeJS.ProcessEnv;
}

export interface PoolResult {
  workflowId: string;
  error?: Error;
  /** The decisions replay reached (only for a history that diverged, and only with `trails`). */
  trail?: DecisionEntry[];
}

export interface PoolStats {
  workers: number;
  /** CPU seconds (user + system) the children used while replaying, after their start-up. */
  replayCpuSeconds: number;
  /** Their start-up: loading the SDK and the bundle, up to the first history. */
  startCpuSeconds: number;
}

type ToChild =
  | { type: 'init'; bundleCode: string; codec: 'none' | 'deployment'; trails: boolean }
  | { type: 'history'; workflowId: string; bytes: Uint8Array }
  | { type: 'end' };
type FromChild =
  | { type: 'ready'; cpu: NodeJS.CpuUsage }
  | { type: 'result'; workflowId: string; error?: { name: string; message: string }; trail?: DecisionEntry[] }
  | { type: 'done'; cpu: NodeJS.CpuUsage }
  | { type: 'failed'; message: string };

const CHILD_ENV = 'HWC_REPLAY_POOL_CHILD';
const seconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;

/**
 * Replays `histories` on `workers` child processes and yields one result per history (in completion
 * order). `stats` is filled in when the iteration ends.
 */
export async function* replayInParallel(
  histories: AsyncIterable<HistoryAndWorkflowId> | Iterable<HistoryAndWorkflowId>,
  o: PoolOptions,
  stats?: PoolStats,
): AsyncGenerator<PoolResult> {
  const n = Math.max(1, o.workers ?? availableParallelism());
  const window = o.window ?? 4;
  const results: PoolResult[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  interface Child {
    proc: ChildProcess;
    inFlight: number;
    ready: Promise<void>;
    done: Promise<void>;
    cpuAtReady: number;
    cpuAtEnd: number;
  }
  const children: Child[] = Array.from({ length: n }, () => {
    const proc = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      // Without VITEST, the child installs its own quiet runtime (SDK logs at ERROR) like the CLI does.
      env: { ...(o.env ?? process.env), VITEST: undefined, [CHILD_ENV]: '1' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const c = { proc, inFlight: 0, cpuAtReady: 0, cpuAtEnd: 0 } as Child;
    let readyResolve!: () => void;
    let doneResolve!: () => void;
    c.ready = new Promise((r) => (readyResolve = r));
    c.done = new Promise((r) => (doneResolve = r));
    proc.on('message', (m: FromChild) => {
      if (m.type === 'ready') {
        c.cpuAtReady = seconds(m.cpu);
        readyResolve();
      } else if (m.type === 'result') {
        c.inFlight--;
        const error = m.error ? Object.assign(new Error(m.error.message), { name: m.error.name }) : undefined;
        results.push({ workflowId: m.workflowId, ...(error ? { error } : {}), ...(m.trail ? { trail: m.trail } : {}) });
      } else if (m.type === 'done') {
        c.cpuAtEnd = seconds(m.cpu);
        doneResolve();
      } else if (m.type === 'failed') failure ??= new Error(`replay worker: ${m.message}`);
      notify();
    });
    proc.once('exit', (code, signal) => {
      if (code !== 0) failure ??= new Error(`a replay worker process exited (${code ?? signal})`);
      readyResolve();
      doneResolve();
      notify();
    });
    const init: ToChild = { type: 'init', bundleCode: o.bundleCode, codec: o.codec, trails: !!o.trails };
    proc.send(init);
    return c;
  });
  const waitForNews = () => new Promise<void>((r) => (wake = r));

  try {
    await Promise.all(children.map((c) => c.ready));
    if (failure) throw failure;
    let sent = 0;
    let received = 0;
    for await (const h of histories) {
      for (;;) {
        if (failure) throw failure;
        while (results.length) {
          received++;
          yield results.shift()!;
        }
        const free = children.filter((c) => c.inFlight < window).sort((a, b) => a.inFlight - b.inFlight)[0];
        if (free) {
          const bytes = History.encode(h.history as proto.temporal.api.history.v1.IHistory).finish();
          free.inFlight++;
          sent++;
          free.proc.send({ type: 'history', workflowId: h.workflowId, bytes } satisfies ToChild);
          break;
        }
        await waitForNews();
      }
    }
    for (const c of children) c.proc.send({ type: 'end' } satisfies ToChild);
    while (received < sent) {
      if (failure) throw failure;
      while (results.length) {
        received++;
        yield results.shift()!;
      }
      if (received < sent) await waitForNews();
    }
    await Promise.all(children.map((c) => c.done));
    if (stats) {
      stats.workers = n;
      stats.startCpuSeconds = children.reduce((a, c) => a + c.cpuAtReady, 0);
      stats.replayCpuSeconds = children.reduce((a, c) => a + c.cpuAtEnd - c.cpuAtReady, 0);
    }
  } finally {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
  }
}

// ——— the child ———————————————————————————————————————————————————————————————————————————————————

async function child() {
  const send = (m: FromChild) => process.send!(m);
  const { Worker } = await import('@temporalio/worker');
  const { installRuntime } = await import('../worker/runtime');
  const queue: (HistoryAndWorkflowId | null)[] = [];
  let wake: (() => void) | null = null;
  let init: Extract<ToChild, { type: 'init' }> | null = null;
  let initWake: (() => void) | null = null;
  process.on('message', (m: ToChild) => {
    if (m.type === 'init') {
      init = m;
      initWake?.();
    } else {
      queue.push(
        m.type === 'history' ? { workflowId: m.workflowId, history: History.decode(new Uint8Array(m.bytes)) } : null,
      );
      wake?.();
      wake = null;
    }
  });
  if (!init) await new Promise<void>((r) => (initWake = r));
  const o = init! as Extract<ToChild, { type: 'init' }>;
  installRuntime('ERROR');
  let dataConverter: DataConverter | undefined;
  if (o.codec === 'deployment') {
    const { loadConfig } = await import('../worker/config');
    const { dataConverterFor } = await import('../worker/data-converter');
    dataConverter = dataConverterFor(loadConfig());
  }
  const trails = new Map<string, DecisionEntry[]>();
  const options = {
    workflowBundle: { code: o.bundleCode },
    ...(dataConverter ? { dataConverter } : {}),
    sinks: {
      audit: {
        decision: {
          fn: (info: { workflowId: string }, entry: DecisionEntry) => {
            if (!o.trails) return;
            const t = trails.get(info.workflowId) ?? [];
            t.push(entry);
            trails.set(info.workflowId, t);
          },
          callDuringReplay: true,
        },
      },
    },
  };
  async function* histories() {
    // Asked for the first history once the replay worker exists (the bundle loaded): ready.
    send({ type: 'ready', cpu: process.cpuUsage() });
    for (;;) {
      while (!queue.length) await new Promise<void>((r) => (wake = r));
      const h = queue.shift()!;
      if (!h) return;
      yield h;
    }
  }
  for await (const r of Worker.runReplayHistories(options, histories())) {
    const trail = trails.get(r.workflowId);
    trails.delete(r.workflowId);
    send({
      type: 'result',
      workflowId: r.workflowId,
      ...(r.error
        ? {
            error: { name: r.error.name || r.error.constructor.name, message: String(r.error.message) },
            ...(o.trails ? { trail: trail ?? [] } : {}),
          }
        : {}),
    });
  }
  send({ type: 'done', cpu: process.cpuUsage() });
  process.disconnect();
}

if (process.env[CHILD_ENV] === '1' && process.send) {
  child().catch((e) => {
    process.send?.({ type: 'failed', message: (e as Error).message } satisfies FromChild);
    process.exitCode = 1;
    process.disconnect();
  });
}
