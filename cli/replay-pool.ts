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
import vm, { type Context, type RunningScriptOptions } from 'node:vm';
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
  /** A history not replayed in this time fails as `ReplayTimeout` (default 60 s). */
  historyTimeoutMs?: number;
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
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
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
  const deadlineMs = o.historyTimeoutMs ?? 60_000;
  const results: PoolResult[] = [];
  /** Histories handed back by a child that was stopped before it reached them. */
  const again: { workflowId: string; bytes: Uint8Array }[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  let startCpu = 0;
  let replayCpu = 0;

  interface Child {
    proc: ChildProcess;
    /** Sent and not answered yet, in the order the child replays them. */
    inFlight: { workflowId: string; bytes: Uint8Array }[];
    ready: Promise<void>;
    done: Promise<void>;
    cpuAtReady: number;
    /** When the child last answered (or was given work while idle). */
    lastProgress: number;
    stopped: boolean;
  }
  const spawnChild = (): Child => {
    const proc = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      // Without VITEST, the child installs its own quiet runtime (SDK logs at ERROR) like the CLI does.
      env: { ...(o.env ?? process.env), VITEST: undefined, [CHILD_ENV]: '1' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const c = { proc, inFlight: [], cpuAtReady: 0, lastProgress: Date.now(), stopped: false } as unknown as Child;
    let readyResolve!: () => void;
    let doneResolve!: () => void;
    c.ready = new Promise((r) => (readyResolve = r));
    c.done = new Promise((r) => (doneResolve = r));
    proc.on('message', (m: FromChild) => {
      c.lastProgress = Date.now();
      if (m.type === 'ready') {
        c.cpuAtReady = seconds(m.cpu);
        startCpu += c.cpuAtReady;
        readyResolve();
      } else if (m.type === 'result') {
        c.inFlight.shift();
        const error = m.error ? Object.assign(new Error(m.error.message), { name: m.error.name }) : undefined;
        results.push({ workflowId: m.workflowId, ...(error ? { error } : {}), ...(m.trail ? { trail: m.trail } : {}) });
      } else if (m.type === 'done') {
        replayCpu += seconds(m.cpu) - c.cpuAtReady;
        doneResolve();
      } else if (m.type === 'failed') failure ??= new Error(`replay worker: ${m.message}`);
      notify();
    });
    proc.once('exit', (code, signal) => {
      if (code !== 0 && !c.stopped) failure ??= new Error(`a replay worker process exited (${code ?? signal})`);
      readyResolve();
      doneResolve();
      notify();
    });
    proc.send({ type: 'init', bundleCode: o.bundleCode, codec: o.codec, trails: !!o.trails } satisfies ToChild);
    return c;
  };
  const children: Child[] = Array.from({ length: n }, spawnChild);
  // A history whose replay does not finish (workflow code that never yields: the children replay
  // without the SDK's per-call timeout, see `leanReplayRuntime`) is reported as failed, its child
  // replaced, and the histories queued behind it handed to the others.
  const watchdog = setInterval(() => {
    for (const [i, c] of children.entries()) {
      if (!c.inFlight.length || Date.now() - c.lastProgress < deadlineMs) continue;
      c.stopped = true;
      c.proc.kill('SIGKILL');
      const [stuck, ...rest] = c.inFlight;
      results.push({
        workflowId: stuck.workflowId,
        error: Object.assign(new Error(`replay did not finish within ${deadlineMs / 1000} s`), {
          name: 'ReplayTimeout',
        }),
      });
      again.push(...rest);
      children[i] = spawnChild();
      notify();
    }
  }, 1000);
  watchdog.unref();
  const waitForNews = () => new Promise<void>((r) => (wake = r));
  const give = (c: Child, h: { workflowId: string; bytes: Uint8Array }) => {
    if (!c.inFlight.length) c.lastProgress = Date.now();
    c.inFlight.push(h);
    c.proc.send({ type: 'history', ...h } satisfies ToChild);
  };
  const freeChild = async () => {
    for (;;) {
      if (failure) throw failure;
      const free = children
        .filter((c) => c.inFlight.length < window)
        .sort((a, b) => a.inFlight.length - b.inFlight.length)[0];
      if (free) {
        await free.ready;
        return free;
      }
      await waitForNews();
    }
  };

  try {
    await Promise.all(children.map((c) => c.ready));
    if (failure) throw failure;
    let sent = 0;
    let received = 0;
    const drain = function* () {
      while (results.length) {
        received++;
        yield results.shift()!;
      }
    };
    for await (const h of histories) {
      yield* drain();
      const bytes = History.encode(h.history as proto.temporal.api.history.v1.IHistory).finish();
      give(await freeChild(), { workflowId: h.workflowId, bytes });
      sent++;
      while (again.length) give(await freeChild(), again.shift()!);
    }
    while (received < sent) {
      if (failure) throw failure;
      yield* drain();
      while (again.length) give(await freeChild(), again.shift()!);
      if (received < sent) await waitForNews();
    }
    for (const c of children) c.proc.send({ type: 'end' } satisfies ToChild);
    await Promise.all(children.map((c) => c.done));
    if (failure) throw failure;
    if (stats) {
      stats.workers = n;
      stats.startCpuSeconds = startCpu;
      stats.replayCpuSeconds = replayCpu;
    }
  } finally {
    clearInterval(watchdog);
    const alive = children.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
    // After `done` a child leaves by itself; one that does not (an error, an abandoned iteration) is stopped.
    await Promise.race([Promise.all(alive.map((c) => new Promise((r) => c.proc.once('exit', r)))), sleep(2000)]);
    for (const c of alive) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGTERM');
  }
}

// ——— the child ———————————————————————————————————————————————————————————————————————————————————

/**
 * This process only replays: nothing it computes leaves it but "matched" or "diverged". So it leaves
 * out three things the SDK does for a live worker, which together cost more than the replay itself:
 * - the watchdog of every call into the workflow sandbox (`vm` `timeout`: a new thread per call); a
 *   replay that never finishes is caught by the pool's own deadline instead (`historyTimeoutMs`);
 * - the promise hook that records a stack trace for every promise a workflow creates (for the
 *   `__stack_trace` query, which nobody can send to a replay);
 * - encrypting what the workflow sends out (activity inputs, details): core compares commands by kind
 *   and id, never by payload, and the payloads are dropped (decryption of the history stays as it was).
 */
async function leanReplayRuntime() {
  type Options = RunningScriptOptions | undefined;
  const untimed = (opts: Options) => {
    if (!opts || typeof opts !== 'object' || opts.timeout === undefined) return opts;
    const { timeout: _timeout, ...rest } = opts;
    return rest;
  };
  const runScript = vm.Script.prototype.runInContext;
  vm.Script.prototype.runInContext = function (this: vm.Script, context: Context, opts?: Options) {
    return runScript.call(this, context, untimed(opts));
  };
  const runCode = vm.runInContext;
  vm.runInContext = (code: string, context: Context, opts?: Options | string) =>
    runCode(code, context, typeof opts === 'string' ? opts : untimed(opts));
  const { createRequire } = await import('node:module');
  const shared = createRequire(import.meta.url)('@temporalio/worker/lib/workflow/vm-shared.js') as {
    globalHandlers: { setPromiseHook(): void };
  };
  shared.globalHandlers.setPromiseHook = () => undefined;
}

/** Decrypts as the deployment does; sends nothing out encrypted (see `leanReplayRuntime`). */
const decodeOnly = (dc: DataConverter): DataConverter => ({
  ...dc,
  payloadCodecs: (dc.payloadCodecs ?? []).map((c) => ({
    encode: async (payloads) => payloads,
    decode: (payloads) => c.decode(payloads),
  })),
});

async function child() {
  const send = (m: FromChild) => process.send!(m);
  await leanReplayRuntime();
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
    const dc = dataConverterFor(loadConfig());
    dataConverter = dc && decodeOnly(dc);
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
