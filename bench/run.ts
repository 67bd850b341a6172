// `npm run bench [-- --quick] [-- --profile]`: the caseload benchmark (issue 8). Not a test: nothing
// passes or fails; it measures and writes bench/results/<date>.json and .md, and prints the summary.
//
// One dev server (SQLite file) and ONE worker process (bench/worker.ts: the hwc worker plus a bench-only
// worker for the baselines) are started as child processes, so their CPU can be read from /proc apart
// from this driver's. Phases:
//   6. the pure simulator, before any server runs (one core, nothing else of ours running);
//   1. start throughput of a weekly report, for hwc and the two baselines in rounds A B C C B A;
//   2. Update latency at increasing steady rates; 3. a deadline burst; 4. replay of fetched histories;
//   5. worker memory per cached journey, read around the first round of each variant (the cache then
//      holds only the warm-up and the rounds before).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { StubStore } from '../activities/store';
import { executeEvent, startJourney } from '../client/journeys';
import { ephemeralIssuer } from '../identity/ephemeral';

/** Events are signed and verified in the bench as in production (the baselines ignore the proof). */
const benchIdentity = ephemeralIssuer();
const benchSign = (wf: string, e: Record<string, unknown> & { type: string }) => benchIdentity.sign(wf, e);
import { startReport, validateReport, type ReportRow } from '../client/report';
import { holidaysForJourney } from '../domain/bank-holidays';
import { addWorkingDays, atLocal, localDate } from '../domain/calendar';
import { workCoachFor } from '../domain/rules';
import { ClaimantRecord } from '../domain/schemas';
import { AesGcmCodec, createKeyFile } from '../worker/codec';
import { resolveTemporalCli } from '../worker/binaries';
import { PROJECT_ROOT } from '../worker/config';
import {
  HWC_SEARCH_ATTRIBUTES,
  HwcEasementUsed,
  HwcOffice,
  HwcOutcome,
  HwcStage,
  HwcWorkCoach,
} from '../workflows/search-attributes';
import { workflowIdFor, type EventRequest } from '../workflows/messages';
import {
  Queue,
  cpuSeconds,
  distribution,
  fmt,
  loadavg,
  machine,
  markdownTable,
  round,
  rssBytes,
  sleep,
  timestampMs,
  type Distribution,
} from './lib';
import { pureCostOfBenchJourney, simulatorThroughput } from './pure';
import { summarizeProfiles } from './profile';

const { temporal } = proto;

// ——— settings ————————————————————————————————————————————————————————————————————————————————————
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (flag('help')) {
  process.stdout.write(
    'usage: npm run bench [-- --quick] [-- --profile] [-- --journeys=N] [-- --keep]\n' +
      '  --quick     200 journeys per variant, short rate steps (under 5 minutes)\n' +
      '  --profile   run the worker under node --cpu-prof and attribute its CPU to modules\n' +
      '  --keep      keep the temporary directory (SQLite files, profiles)\n' +
      '  --experiment=preload  also measure hwc bundled with preloadModules: [xstate, luxon]\n',
  );
  process.exit(0);
}
const QUICK = flag('quick');
/** `--experiment=preload`: a fourth variant, the hwc workflows bundled with the SDK's preloadModules. */
const PRELOAD = option('experiment') === 'preload';
const PROFILE = flag('profile');
const S = QUICK
  ? {
      journeys: 200,
      rounds: 2,
      warmup: 20,
      rates: [10, 20, 40, 80, 160],
      stepSeconds: 4,
      latencyTargets: 200,
      burst: 80,
      replay: 100,
      historySample: 10,
      simSeconds: 3,
      budgetMinutes: 4.6,
    }
  : {
      journeys: 2000,
      rounds: 4,
      warmup: 30,
      rates: [10, 20, 40, 80, 160, 320],
      stepSeconds: 15,
      latencyTargets: 1000,
      burst: 500,
      replay: 600,
      historySample: 30,
      simSeconds: 10,
      budgetMinutes: 20,
    };
if (option('journeys')) S.journeys = Math.max(20, Number(option('journeys')));
S.journeys -= S.journeys % S.rounds; // equal rounds per variant
/** The start-throughput rounds: each variant in turn, then in reverse order, and so on (A B C C B A …). */
const roundOrder = (ids: VariantId[]) =>
  Array.from({ length: S.rounds }, (_, i) => (i % 2 ? [...ids].reverse() : ids)).flat();
const OFFICE = 'LEEDS';
const HWC_QUEUE = 'hwc-bench';
const BASE_QUEUE = 'hwc-bench-baselines';
const PRELOAD_QUEUE = 'hwc-bench-preload';
const CONCURRENCY = 8; // `hwc report`'s default: starts in flight at once (and booking calls in flight)
const STUB_LATENCY_MS = 0;
const COACH = { staffId: 'WC-BENCH', role: 'work_coach' } as const;
const FAR_WCA_DATE = `${new Date().getUTCFullYear() + 6}-06-01`;

const T0 = Date.now();
const elapsed = () => `${((Date.now() - T0) / 1000).toFixed(0).padStart(4)}s`;
const log = (s: string) => process.stderr.write(`bench ${elapsed()} ${s}\n`);
const deadline = T0 + S.budgetMinutes * 60_000 * 1.5; // a hard stop well past the expected time
/** Seconds left of the run's budget: later phases shrink (quick) to fit in it. */
const budgetLeft = () => (T0 + S.budgetMinutes * 60_000 - Date.now()) / 1000;

// ——— processes ——————————————————————————————————————————————————————————————————————————————————
const dir = mkdtempSync(join(tmpdir(), 'hwc-bench-'));
const keyFile = join(dir, 'codec-keys.json');
const codecKeysOfRun = createKeyFile(keyFile);
const codec = new AesGcmCodec(codecKeysOfRun);
const dbPath = join(dir, 'stubs.sqlite');
const temporalDb = join(dir, 'temporal.sqlite');
const profileDir = join(dir, 'profile');
let server: ChildProcess | null = null;
let worker: ChildProcess | null = null;
let port = 0;
const children = () =>
  [worker, server].filter((c): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null);

function cleanup() {
  for (const c of children()) c.kill('SIGTERM');
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    log(`${sig}: stopping the worker and the server`);
    cleanup();
    if (!flag('keep')) setTimeout(() => rmSync(dir, { recursive: true, force: true }), 1500).unref();
    setTimeout(() => process.exit(130), 2000);
  });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function startServer(cli: string) {
  port = await freePort();
  const sa = HWC_SEARCH_ATTRIBUTES.flatMap((k) => [
    '--search-attribute',
    `${k.name}=${k.type === 'DATETIME' ? 'Datetime' : k.type === 'BOOL' ? 'Bool' : 'Keyword'}`,
  ]);
  server = spawn(
    cli,
    [
      'server',
      'start-dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--headless',
      '--db-filename',
      temporalDb,
      '--log-level',
      'error',
      ...sa,
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  server.stderr!.on('data', (b: Buffer) => {
    // Cancelled contexts are the server's note of a client that stopped waiting (an Update long poll
    // under load): counted, not printed.
    for (const line of b.toString().split('\n').filter(Boolean)) {
      if (line.includes('context canceled')) serverCancelled++;
      else process.stderr.write(`[server] ${line}\n`);
    }
  });
  server.once('exit', (code, signal) => !stopping && log(`the dev server exited (${code ?? signal})`));
}

let stopping = false;
let serverCancelled = 0;
async function startWorker(): Promise<number> {
  const args = ['--import', 'tsx', join(PROJECT_ROOT, 'bench/worker.ts')];
  if (PROFILE) {
    mkdirSync(profileDir, { recursive: true });
    args.unshift('--cpu-prof', `--cpu-prof-dir=${profileDir}`);
  }
  const w = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: `127.0.0.1:${port}`,
      HWC_TASK_QUEUE: HWC_QUEUE,
      BENCH_BASELINES_QUEUE: BASE_QUEUE,
      HWC_DB: dbPath,
      HWC_CODEC_KEY_FILE: keyFile,
      HWC_LOG_LEVEL: 'warn',
      HWC_STUB_LATENCY_MS: String(STUB_LATENCY_MS),
      ...(PROFILE ? { BENCH_PROFILE_DIR: profileDir } : {}),
      ...(PRELOAD ? { BENCH_PRELOAD_QUEUE: PRELOAD_QUEUE } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  worker = w;
  w.stderr!.on('data', (b: Buffer) => process.stderr.write(`[worker] ${b}`));
  const t = Date.now();
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the bench worker did not become ready in 180 s')), 180_000);
    w.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    w.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the bench worker exited (${code}) before it was ready`));
    });
  });
  return (Date.now() - t) / 1000;
}

interface HeapThread {
  thread: string;
  usedBytes: number;
  totalBytes: number;
}
let heapAsks = 0;
/** The worker's live JS heap per thread after a full GC of each isolate (bench/worker.ts `heaps`). */
function workerHeaps(): Promise<HeapThread[] | null> {
  const w = worker!;
  const id = ++heapAsks;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      w.off('message', on);
      resolve(null);
    }, 60_000);
    const on = (m: { type?: string; id?: number; threads?: HeapThread[]; error?: string }) => {
      if (m?.type !== 'heaps' || m.id !== id) return;
      clearTimeout(timer);
      w.off('message', on);
      if (m.error) log(`heap measurement failed: ${m.error}`);
      resolve(m.threads ?? null);
    };
    w.on('message', on);
    w.send({ type: 'heaps', id });
  });
}

async function stopWorker() {
  const w = worker;
  if (!w || w.exitCode !== null) return;
  const exited = new Promise((r) => w.once('exit', r));
  w.kill('SIGTERM');
  await Promise.race([exited, sleep(30_000)]);
  if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  worker = null;
}

async function connect(): Promise<Client> {
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: '2s' });
      await connection.workflowService.getSystemInfo({});
      return new Client({ connection, dataConverter: { payloadCodecs: [codec] } });
    } catch (e) {
      if (Date.now() > until)
        throw new Error(`the dev server did not answer in 60 s: ${(e as Error).message}`, { cause: e });
      await sleep(300);
    }
  }
}

// ——— the caseload ———————————————————————————————————————————————————————————————————————————————
type VariantId = 'hwc' | 'handWritten' | 'floor' | 'hwcPreload';
interface Variant {
  id: VariantId;
  label: string;
  workflowType: string;
  taskQueue: string;
  tag: string;
  idFor(ref: string): string;
}
const VARIANTS: Record<VariantId, Variant> = {
  hwc: {
    id: 'hwc',
    label: 'hwc (XState machine)',
    workflowType: 'hwcJourney',
    taskQueue: HWC_QUEUE,
    tag: 'H',
    idFor: workflowIdFor,
  },
  handWritten: {
    id: 'handWritten',
    label: '(a) hand-written',
    workflowType: 'handWrittenJourney',
    taskQueue: BASE_QUEUE,
    tag: 'A',
    idFor: (r) => `hand-${r}`,
  },
  floor: {
    id: 'floor',
    label: '(b) engine floor',
    workflowType: 'floorJourney',
    taskQueue: BASE_QUEUE,
    tag: 'F',
    idFor: (r) => `floor-${r}`,
  },
  hwcPreload: {
    id: 'hwcPreload',
    label: 'hwc + preloadModules (experiment)',
    workflowType: 'hwcJourney',
    taskQueue: PRELOAD_QUEUE,
    tag: 'P',
    idFor: workflowIdFor,
  },
};
const ACTIVE: VariantId[] = PRELOAD ? ['hwc', 'handWritten', 'floor', 'hwcPreload'] : ['hwc', 'handWritten', 'floor'];

const claimStart = new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10);
function recordFor(ref: string) {
  return {
    claimantRef: ref,
    office: OFFICE,
    dateOfBirth: '1979-03-14',
    claim: { startDate: claimStart, status: 'built', inPayment: true, weeklyRate: 91.15 },
    health: { condition: 'Back pain', specialRules: false, notes: [] },
    lms: {
      potentiallyViolent: false,
      staffProtectionList: false,
      reasonableAdjustments: [],
      mobile: '07700900123',
      workCoach: 'WC-07',
    },
  };
}
const refsFor = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')}`);

let client!: Client;
let store!: StubStore;
/** Journeys of each variant that have reached their waiting stage so far (the floor is counted by visibility). */
const reachedSoFar: Record<VariantId, number> = { hwc: 0, handWritten: 0, floor: 0, hwcPreload: 0 };

/** Starts a baseline journey with exactly the options `startJourney` uses, but the baseline's type. */
async function startBaseline(v: Variant, record: ClaimantRecord) {
  await client.workflow.start(v.workflowType, {
    taskQueue: v.taskQueue,
    workflowId: v.idFor(record.claimantRef),
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    args: [{ office: OFFICE, record, holidays: holidaysForJourney(new Date().toISOString()) }],
    staticSummary: `HWC journey ${record.claimantRef} · office ${OFFICE}`,
    staticDetails: `Health and Work Conversation journey for claimant ${record.claimantRef}, reported by office ${OFFICE}. Current stage and next deadline are in the current details; people's events arrive as \`event\` Updates.`,
    typedSearchAttributes: [
      { key: HwcStage, value: 'screening' },
      { key: HwcOffice, value: OFFICE },
      { key: HwcWorkCoach, value: workCoachFor(record) },
      { key: HwcOutcome, value: 'NONE' },
      { key: HwcEasementUsed, value: false },
    ],
  });
}

interface RunResult {
  started: number;
  events: number;
  errors: string[];
}

/**
 * The weekly report of `refs` for one variant: every row started as `hwc report` starts it (hwc: the
 * report client itself), and each journey sent its BOOKING_CALL (then `after` events) as soon as its
 * start returned, with the same concurrency.
 */
async function runReport(v: Variant, refs: string[], slot: string, after: EventRequest[] = []): Promise<RunResult> {
  const rows: ReportRow[] = refs.map((ref, i) => ({ row: i + 1, record: recordFor(ref) }));
  const started = new Queue<string>();
  const result: RunResult = { started: 0, events: 0, errors: [] };
  const fail = (e: unknown) => result.errors.length < 20 && result.errors.push((e as Error).message.split('\n')[0]);
  const putClaimant = (ref: string, r: ClaimantRecord) => store.putClaimant(ref, r);
  const starting = (async () => {
    try {
      if (v.workflowType === 'hwcJourney') {
        let seen = 0;
        await startReport({
          client,
          taskQueue: v.taskQueue,
          office: OFFICE,
          rows,
          putClaimant,
          trust: benchIdentity.trust,
          concurrency: CONCURRENCY,
          onProgress: (_d, _t, s) => {
            while (seen < s.started.length) started.push(s.started[seen++]);
          },
        });
      } else {
        const { valid } = validateReport(rows);
        let next = 0;
        await Promise.all(
          Array.from({ length: CONCURRENCY }, async () => {
            while (next < valid.length) {
              const parsed = ClaimantRecord.parse(valid[next++].record);
              putClaimant(parsed.claimantRef, parsed);
              try {
                await startBaseline(v, parsed);
                started.push(parsed.claimantRef);
              } catch (e) {
                fail(e);
              }
            }
          }),
        );
      }
    } catch (e) {
      fail(e);
    } finally {
      started.end();
    }
  })();
  const events = [
    { type: 'BOOKING_CALL', contacted: true, slot, by: COACH },
    ...after.map((e) => ({ ...e, by: COACH })),
  ];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let ref = await started.pop(); ref !== undefined; ref = await started.pop()) {
        result.started++;
        const handle = client.workflow.getHandle(v.idFor(ref));
        try {
          for (const e of events) {
            await executeEvent(handle, e, benchSign);
            result.events++;
          }
        } catch (e) {
          fail(e);
        }
      }
    }),
  );
  await starting;
  return result;
}

const outboxRows = async (prefix: string) =>
  Number(
    (
      await store.db.query<{ n: number }>(
        'SELECT COUNT(*) AS n FROM outbox WHERE claimant_ref >= $1 AND claimant_ref < $2',
        [`${prefix}-`, `${prefix}.`],
      )
    )[0].n,
  );
const countStage = async (type: string, stage: string) =>
  (await client.workflow.count(`WorkflowType = '${type}' AND HwcStage = '${stage}'`)).count;

/**
 * Waits until the round's journeys have done everything up to their wait: hwc and hand-written, every
 * effect recorded by the stub systems (`effects` rows per journey); the floor, its final stage upsert.
 * Returns the moment it saw that (polled every 50 ms), or null on timeout.
 */
async function waitReached(
  v: Variant,
  prefix: string,
  n: number,
  effects: number,
  timeoutMs: number,
): Promise<number | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const done =
      v.id === 'floor'
        ? (await countStage(v.workflowType, 'awaitingPreCallTime')) >= reachedSoFar.floor + n
        : (await outboxRows(prefix)) >= n * effects;
    if (done) {
      reachedSoFar[v.id] += n;
      return performance.now();
    }
    await sleep(50);
  }
  return null;
}

interface Snap {
  t: number;
  worker: number;
  server: number;
  driver: number;
}
const snap = (): Snap => {
  const c = process.cpuUsage();
  return {
    t: performance.now(),
    worker: cpuSeconds(worker!.pid!),
    server: cpuSeconds(server!.pid!),
    driver: (c.user + c.system) / 1e6,
  };
};

// ——— phases ——————————————————————————————————————————————————————————————————————————————————————
const futureSlot = () =>
  atLocal(
    addWorkingDays(localDate(new Date().toISOString()), 25, { holidays: holidaysForJourney(new Date().toISOString()) }),
    '10:00',
  );

async function warmUp(tag: string) {
  for (const v of ACTIVE.map((id) => VARIANTS[id])) {
    const prefix = `W${tag}${v.tag}`;
    const r = await runReport(v, refsFor(prefix, S.warmup), futureSlot());
    const ok = await waitReached(v, prefix, S.warmup, 4, 60_000);
    if (ok === null || r.errors.length) throw new Error(`warm-up of ${v.label} failed: ${r.errors[0] ?? 'timed out'}`);
  }
}

interface Round {
  variant: VariantId;
  journeys: number;
  seconds: number;
  workerCpu: number;
  serverCpu: number;
  driverCpu: number;
  errors: string[];
}

async function startThroughput() {
  const order = roundOrder(ACTIVE);
  const half = S.journeys / S.rounds; // journeys per round
  const rounds: Round[] = [];
  const roundOf: Record<string, number> = {};
  const slot = futureSlot();
  const measure = async () => {
    await sleep(2000);
    const heaps = await workerHeaps();
    await sleep(1000);
    const heapOf = (name: string) => heaps?.find((t) => t.thread === name)?.usedBytes ?? NaN;
    return {
      rss: rssBytes(worker!.pid!),
      hwcHeap: heapOf('hwc workflows'),
      baselineHeap: heapOf('baseline workflows'),
      preloadHeap: heapOf('hwc preload workflows'),
      heaps,
    };
  };
  const atStart = await measure();
  const rssAtStart = atStart.rss;
  const kib: Partial<Record<VariantId, number>> = {};
  const heapKib: Partial<Record<VariantId, number>> = {};
  let last = atStart;
  let lastRss = rssAtStart;
  let size = half;
  const began = performance.now();
  const refsOf: Record<VariantId, string[]> = { hwc: [], handWritten: [], floor: [], hwcPreload: [] };
  for (const [i, id] of order.entries()) {
    if (QUICK && i === ACTIVE.length) {
      // --quick must end within its budget even on a busy machine: after one round of each variant, the
      // remaining rounds (of every variant alike) shrink when they would not leave ~65 s for the rest.
      const perRound = (performance.now() - began) / 1000 / i;
      const allowed = budgetLeft() - 65;
      const needed = perRound * (order.length - i);
      if (needed > allowed) {
        size = Math.max(20, Math.floor((half * Math.max(0, allowed)) / needed));
        log(`start throughput: later rounds of ${size} journeys instead of ${half}, to stay within the time budget`);
      }
    }
    const v = VARIANTS[id];
    const r = (roundOf[id] = (roundOf[id] ?? 0) + 1);
    const prefix = `${v.tag}${r}`;
    const refs = refsFor(prefix, size);
    refsOf[id].push(...refs);
    await sleep(1000); // let the previous round's tail settle
    const before = snap();
    const res = await runReport(v, refs, slot);
    const reached = await waitReached(v, prefix, size, 4, 300_000);
    if (reached === null) res.errors.push('timed out waiting for the journeys to reach awaitingPreCallTime');
    await sleep(500); // the last workflow tasks (the pre-call timers) complete
    const after = snap();
    const seconds = ((reached ?? performance.now()) - before.t) / 1000;
    rounds.push({
      variant: id,
      journeys: size,
      seconds,
      workerCpu: after.worker - before.worker,
      serverCpu: after.server - before.server,
      driverCpu: after.driver - before.driver,
      errors: res.errors,
    });
    log(
      `start throughput: ${v.label} round ${r}: ${size} journeys in ${seconds.toFixed(1)} s (${(size / seconds).toFixed(1)}/s), worker ${fmt(((after.worker - before.worker) / size) * 1000)} ms CPU/journey, server ${fmt(((after.server - before.server) / size) * 1000)} ms${res.errors.length ? `, ${res.errors.length} errors: ${res.errors[0]}` : ''}`,
    );
    if (r === 1) {
      // 5. Memory: what this variant's round of cached journeys added to the worker: RSS, and the live
      // heap (after a full GC) of the workflow thread that runs it.
      const now = await measure();
      kib[id] = round((now.rss - lastRss) / half / 1024, 1);
      const key = id === 'hwc' ? 'hwcHeap' : id === 'hwcPreload' ? 'preloadHeap' : 'baselineHeap';
      heapKib[id] = round((now[key] - last[key]) / half / 1024, 1);
      log(
        `memory: ${v.label}: RSS ${(lastRss / 2 ** 20).toFixed(0)} → ${(now.rss / 2 ** 20).toFixed(0)} MiB, workflow-thread live heap ${(last[key] / 2 ** 20).toFixed(1)} → ${(now[key] / 2 ** 20).toFixed(1)} MiB with ${half} more cached journeys: ${heapKib[id]} KiB each`,
      );
      lastRss = now.rss;
      last = now;
    }
  }
  const memory = {
    journeysPerVariant: half,
    liveHeapKibPerCachedJourney: heapKib as Record<VariantId, number>,
    rssKibPerCachedJourney: kib as Record<VariantId, number>,
    rssMiB: {
      afterWarmUp: round(rssAtStart / 2 ** 20, 1),
      afterFirstRoundOfEach: round(lastRss / 2 ** 20, 1),
      atEnd: round(rssBytes(worker!.pid!) / 2 ** 20, 1),
    },
    heapsAfterWarmUp: atStart.heaps?.map((t) => ({
      thread: t.thread,
      usedMiB: round(t.usedBytes / 2 ** 20, 1),
      totalMiB: round(t.totalBytes / 2 ** 20, 1),
    })),
    heapsAfterFirstRounds: last.heaps?.map((t) => ({
      thread: t.thread,
      usedMiB: round(t.usedBytes / 2 ** 20, 1),
      totalMiB: round(t.totalBytes / 2 ** 20, 1),
    })),
    note: 'before and after the first round of each variant (hwc, (a), (b)): live heap after a full GC of the workflow thread that runs it (inspector HeapProfiler.collectGarbage + Runtime.getHeapUsage), and process RSS (which V8 rarely gives back, so RSS deltas mostly show heap growth, not what is kept)',
  };
  const byVariant = Object.fromEntries(
    ACTIVE.map((id) => {
      const rs = rounds.filter((r) => r.variant === id);
      const n = rs.reduce((a, r) => a + r.journeys, 0);
      const sec = rs.reduce((a, r) => a + r.seconds, 0);
      const sum = (k: 'workerCpu' | 'serverCpu' | 'driverCpu') => rs.reduce((a, r) => a + r[k], 0);
      return [
        id,
        {
          journeys: n,
          seconds: round(sec, 2),
          journeysPerSecond: round(n / sec, 1),
          workerCpuMsPerJourney: round((sum('workerCpu') / n) * 1000, 2),
          serverCpuMsPerJourney: round((sum('serverCpu') / n) * 1000, 2),
          driverCpuMsPerJourney: round((sum('driverCpu') / n) * 1000, 2),
          cpuMsPerJourney: round(((sum('workerCpu') + sum('serverCpu')) / n) * 1000, 2),
          perRound: rs.map((r) => ({
            journeysPerSecond: round(r.journeys / r.seconds, 1),
            workerCpuMsPerJourney: round((r.workerCpu / r.journeys) * 1000, 1),
            serverCpuMsPerJourney: round((r.serverCpu / r.journeys) * 1000, 1),
          })),
          errors: rs.flatMap((r) => r.errors),
        },
      ];
    }),
  ) as Record<
    VariantId,
    {
      journeys: number;
      seconds: number;
      journeysPerSecond: number;
      workerCpuMsPerJourney: number;
      serverCpuMsPerJourney: number;
      driverCpuMsPerJourney: number;
      cpuMsPerJourney: number;
      perRound: { journeysPerSecond: number; workerCpuMsPerJourney: number; serverCpuMsPerJourney: number }[];
      errors: string[];
    }
  >;
  return {
    rounds: rounds.map((r) => ({
      ...r,
      seconds: round(r.seconds, 2),
      workerCpu: round(r.workerCpu, 2),
      serverCpu: round(r.serverCpu, 2),
      driverCpu: round(r.driverCpu, 2),
    })),
    byVariant,
    memory,
    refsOf,
    lastRoundPrefix: (id: VariantId) => `${VARIANTS[id].tag}2`,
    lastRoundSize: size,
  };
}

async function historySample(v: Variant, prefix: string, n: number) {
  const refs = refsFor(prefix, n);
  const events: number[] = [];
  const bytes: number[] = [];
  let types: Record<string, number> = {};
  for (const [i, ref] of refs.entries()) {
    const h = await client.workflow.getHandle(v.idFor(ref)).fetchHistory();
    events.push(h.events?.length ?? 0);
    bytes.push(temporal.api.history.v1.History.encode(h).finish().length);
    if (i === 0) {
      types = {};
      for (const e of h.events ?? []) {
        const t = String(temporal.api.enums.v1.EventType[e.eventType as number] ?? e.eventType).replace(
          /^EVENT_TYPE_/,
          '',
        );
        types[t] = (types[t] ?? 0) + 1;
      }
    }
  }
  return {
    sampled: n,
    eventsPerJourney: distribution(events, 1).mean,
    bytesPerJourney: Math.round(distribution(bytes, 0).mean),
    eventTypes: types,
  };
}

async function updateLatency(targets: string[]) {
  const handles: WorkflowHandle[] = targets.map((ref) => client.workflow.getHandle(workflowIdFor(ref)));
  let next = 0;
  const steps: {
    rate: number;
    sent: number;
    completed: number;
    errors: number;
    achievedRate: number;
    latencyMs: Distribution;
    workerCpuMsPerUpdate: number;
    serverCpuMsPerUpdate: number;
    held: boolean;
  }[] = [];
  for (const rate of S.rates) {
    if (budgetLeft() - S.stepSeconds < (QUICK ? (steps.length ? 60 : 50) : 240)) {
      log(`update latency: no time left in the budget for ${rate}/s`);
      break;
    }
    const latencies: number[] = [];
    let errors = 0;
    let sent = 0;
    let firstError = '';
    const inflight = new Set<Promise<void>>();
    const before = snap();
    const t0 = performance.now();
    const duration = S.stepSeconds * 1000;
    const interval = 1000 / rate;
    while (performance.now() - t0 < duration) {
      const due = t0 + sent * interval;
      const wait = due - performance.now();
      if (wait > 0) {
        await sleep(Math.min(wait, 50));
        continue;
      }
      if (inflight.size >= 2000) {
        errors++; // the server or worker cannot keep up at all: count a dropped send
        sent++;
        continue;
      }
      const h = handles[next++ % handles.length];
      const sentAt = performance.now();
      sent++;
      const p: Promise<void> = executeEvent(h, { type: 'WCA_SCHEDULED', date: FAR_WCA_DATE, by: COACH }, benchSign)
        .then(() => void latencies.push(performance.now() - sentAt))
        .catch((e) => {
          errors++;
          firstError ||= (e as Error).message.split('\n')[0];
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.race([Promise.all(inflight), sleep(30_000)]);
    const wall = (performance.now() - t0) / 1000;
    const after = snap();
    const d = distribution(latencies, 1);
    const achieved = latencies.length / (duration / 1000);
    const held = errors === 0 && d.p99 < 100 && achieved >= 0.95 * rate;
    steps.push({
      rate,
      sent,
      completed: latencies.length,
      errors,
      achievedRate: round(achieved, 1),
      latencyMs: d,
      workerCpuMsPerUpdate: round(((after.worker - before.worker) / Math.max(1, latencies.length)) * 1000, 2),
      serverCpuMsPerUpdate: round(((after.server - before.server) / Math.max(1, latencies.length)) * 1000, 2),
      held,
    });
    log(
      `update latency at ${rate}/s: p50 ${d.p50} ms, p95 ${d.p95} ms, p99 ${d.p99} ms, ${latencies.length}/${sent} answered in ${wall.toFixed(1)} s${errors ? `, ${errors} errors (${firstError})` : ''}`,
    );
    if (!held) break; // the next rate would only be worse
    await sleep(500);
  }
  const heldRates = steps.filter((s) => s.held).map((s) => s.rate);
  return {
    event: `WCA_SCHEDULED (date ${FAR_WCA_DATE}) as an Update to journeys waiting for their pre-call`,
    targets: targets.length,
    stepSeconds: S.stepSeconds,
    steps,
    highestRateWithP99Under100ms: heldRates.length ? Math.max(...heldRates) : null,
  };
}

async function deadlineBurst(thr: number) {
  // As many as fit in what is left of the budget (keeping ~25 s for the replay), up to S.burst.
  const fit = Math.floor(((budgetLeft() - 40) * Math.max(1, thr)) / 3);
  const planned = Math.max(20, Math.min(S.burst, fit));
  if (planned < S.burst)
    log(`deadline burst: ${planned} journeys instead of ${S.burst}, to stay within the time budget`);
  const v = VARIANTS.hwc;
  const prefix = 'B1';
  const all = refsFor(prefix, planned);
  // The slot far enough ahead for all M to be set up first (from the measured start rate, with margin:
  // each burst journey also gets a PRE_CALL and has six effects instead of four).
  const leadMs = Math.ceil(((planned / Math.max(1, thr)) * (QUICK ? 2.5 : 2) + (QUICK ? 8 : 10)) * 1000);
  const slotMs = Math.ceil((Date.now() + leadMs) / 1000) * 1000;
  const slot = new Date(slotMs).toISOString();
  log(
    `deadline burst: ${planned} journeys booked for ${slot} (in ${(leadMs / 1000).toFixed(0)} s): pre-call due at once, then PRE_CALL, then all wait for HWC_DUE at the slot`,
  );
  // Set up as many as can be before the slot (starting none in the last seconds): each started, sent
  // its BOOKING_CALL and its PRE_CALL. The burst is the journeys fully set up.
  const cutoff = slotMs - (QUICK ? 6000 : 12_000);
  const refs: string[] = [];
  const res: RunResult = { started: 0, events: 0, errors: [] };
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < all.length && Date.now() < cutoff) {
        const ref = all[next++];
        try {
          await startJourney({
            client,
            taskQueue: v.taskQueue,
            office: OFFICE,
            record: recordFor(ref),
            putClaimant: (r, rec) => store.putClaimant(r, rec),
            trust: benchIdentity.trust,
          });
          const h = client.workflow.getHandle(workflowIdFor(ref));
          await executeEvent(h, { type: 'BOOKING_CALL', contacted: true, slot, by: COACH }, benchSign);
          await executeEvent(h, { type: 'PRE_CALL', result: 'confirmed', by: COACH }, benchSign);
          refs.push(ref);
        } catch (e) {
          if (res.errors.length < 20) res.errors.push((e as Error).message.split('\n')[0]);
        }
      }
    }),
  );
  const m = refs.length;
  if (m < planned)
    log(`deadline burst: ${m} of ${planned} journeys set up before the cut-off ${QUICK ? 6 : 12} s before the slot`);
  // Every effect before the slot: readAdjustments, 2 bookings, ESAHWC1, pre-call held, reminder SMS.
  const ready = await waitReached(v, prefix, m, 6, Math.max(2000, slotMs - Date.now() - 500));
  const readyWall = ready === null ? null : Date.now() - (performance.now() - ready);
  const setupDoneBeforeSlotMs = readyWall === null ? null : Math.round(slotMs - readyWall);
  const waiting = await countStage(v.workflowType, 'awaitingHwc');
  if (setupDoneBeforeSlotMs === null || setupDoneBeforeSlotMs < 0)
    log(`deadline burst: the setup was not finished before the slot (${res.errors[0] ?? 'slow'})`);
  else
    log(
      `deadline burst: set up ${(setupDoneBeforeSlotMs / 1000).toFixed(1)} s before the slot; ${waiting} journeys in awaitingHwc`,
    );
  await sleep(Math.max(0, slotMs - Date.now() - 1000));
  const before = snap();
  const beforeWall = Date.now();
  await sleep(Math.max(0, slotMs - Date.now()));
  let drainMs: number | null = null;
  let seen = 0;
  const until = slotMs + 180_000;
  while (Date.now() < until) {
    seen = await countStage(v.workflowType, 'awaitingAttendance');
    if (seen >= m) {
      drainMs = Date.now() - slotMs;
      break;
    }
    await sleep(100);
  }
  await sleep(500);
  const after = snap();
  // Per journey, from a sample of histories: from the slot to the completion of the workflow task that
  // applied HWC_DUE (the search-attribute upsert to awaitingAttendance is in that task).
  const lateness: number[] = [];
  const sample = refs.filter((_, i) => i % Math.max(1, Math.floor(m / 50)) === 0);
  for (const ref of sample) {
    const h = await client.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
    const evs = h.events ?? [];
    const fired = evs.findLastIndex((e) => e.timerFiredEventAttributes);
    const upsert = evs.findIndex((e, i) => i > fired && e.upsertWorkflowSearchAttributesEventAttributes);
    if (fired >= 0 && upsert > fired) lateness.push(timestampMs(evs[upsert].eventTime) - slotMs);
  }
  const d = distribution(lateness, 0);
  log(
    `deadline burst: ${seen}/${m} in awaitingAttendance ${drainMs === null ? 'not all within 180 s' : `${(drainMs / 1000).toFixed(2)} s after the slot`}; per journey p50 ${d.p50} ms, p99 ${d.p99} ms`,
  );
  const windowSec = (Date.now() - beforeWall) / 1000;
  return {
    journeys: m,
    planned,
    slot,
    setupErrors: res.errors,
    setupFinishedMsBeforeSlot: setupDoneBeforeSlotMs,
    waitingAtSlot: waiting,
    reachedAwaitingAttendance: seen,
    allDoneSecondsAfterSlot: drainMs === null ? null : round(drainMs / 1000, 2),
    deadlinesPerSecond: drainMs ? round(m / (drainMs / 1000), 1) : null,
    perJourneyMsAfterSlot: d,
    workerCpuMsPerDeadline: round(((after.worker - before.worker) / m) * 1000, 2),
    serverCpuMsPerDeadline: round(((after.server - before.server) / m) * 1000, 2),
    cpuWindowSeconds: round(windowSec, 1),
  };
}

async function replay(all: string[], n: number) {
  const { Worker } = await import('@temporalio/worker');
  const { installRuntime } = await import('../worker/runtime');
  const { workflowBundle } = await import('../worker/worker');
  installRuntime('ERROR');
  const refs = all.slice(0, budgetLeft() < 20 ? Math.min(n, 40) : n);
  const t0 = performance.now();
  const histories: { workflowId: string; history: proto.temporal.api.history.v1.IHistory }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < refs.length) {
        const workflowId = workflowIdFor(refs[next++]);
        histories.push({ workflowId, history: await client.workflow.getHandle(workflowId).fetchHistory() });
      }
    }),
  );
  const fetchSeconds = (performance.now() - t0) / 1000;
  const events = histories.reduce((a, h) => a + (h.history.events?.length ?? 0), 0);
  const bundle = await workflowBundle();
  const options = {
    workflowBundle: bundle,
    dataConverter: { payloadCodecs: [codec] },
    sinks: { audit: { decision: { fn() {}, callDuringReplay: true } } },
  };
  // A first small batch warms the replay path up (bundle load, JIT), as the first history of `hwc audit --all` would.
  for await (const _ of Worker.runReplayHistories(options, histories.slice(0, 5))) void _;
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  let replayed = 0;
  let failed = 0;
  let firstError = '';
  for await (const r of Worker.runReplayHistories(options, histories)) {
    replayed++;
    if (r.error) {
      failed++;
      firstError ||= String((r.error as Error).message ?? r.error).slice(0, 200);
    }
  }
  const sec = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  log(
    `replay: ${replayed} histories (${(events / histories.length).toFixed(1)} events each) in ${sec.toFixed(2)} s: ${(replayed / sec).toFixed(1)}/s${failed ? `, ${failed} failed: ${firstError}` : ''}`,
  );
  return {
    histories: replayed,
    eventsPerHistory: round(events / histories.length, 1),
    fetchSeconds: round(fetchSeconds, 2),
    replaySeconds: round(sec, 2),
    historiesPerSecond: round(replayed / sec, 1),
    cpuMsPerHistory: round((cpu.user + cpu.system) / 1000 / replayed, 2),
    failed,
    firstError: firstError || null,
  };
}

// ——— main ———————————————————————————————————————————————————————————————————————————————————————
function versions(cli: string) {
  const pkg = (p: string) =>
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', p, 'package.json'), 'utf8')).version as string;
  let temporalCli = 'unknown';
  try {
    temporalCli = execFileSync(cli, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    /* reported as unknown */
  }
  // Others may be changing the code while the bench runs: say which code was measured.
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  const changed = git(
    'status',
    '--porcelain',
    '--',
    'workflows',
    'machines',
    'domain',
    'activities',
    'worker',
    'client',
  );
  return {
    node: process.version,
    temporalSdk: pkg('@temporalio/worker'),
    xstate: pkg('xstate'),
    zod: pkg('zod'),
    luxon: pkg('luxon'),
    temporalCli,
    gitCommit: git('rev-parse', '--short', 'HEAD'),
    uncommittedChangesMeasured: changed ? changed.split('\n').map((l) => l.trim()) : [],
  };
}

async function main() {
  const cli = resolveTemporalCli();
  if (!cli.path) throw new Error('no Temporal CLI found: run `bash scripts/setup.sh` first');
  const loadAtStart = loadavg();
  log(
    `${QUICK ? 'quick' : 'full'} run; load average ${loadAtStart.one} ${loadAtStart.five} ${loadAtStart.fifteen} on ${machine().cores} cores; data in ${dir}`,
  );

  // 6 first: nothing of ours is running yet.
  log(`pure simulator: every scenario of test/scenarios for ${S.simSeconds} s …`);
  const simulator = await simulatorThroughput(S.simSeconds);
  const pureCore = pureCostOfBenchJourney(recordFor('P-00001'), futureSlot());
  log(
    `pure simulator: ${simulator.scenariosPerSecond} scenarios/s (${simulator.msPerScenario} ms each); pure core of the bench journey ${pureCore.workflowPureCostPerJourneyUs} µs`,
  );

  await startServer(cli.path);
  client = await connect();
  store = await StubStore.open(dbPath, { keys: codecKeysOfRun });
  log(`dev server on 127.0.0.1:${port} (SQLite ${temporalDb}); starting the worker (bundling the workflows) …`);
  const workerStartSeconds = await startWorker();
  log(`worker ready in ${workerStartSeconds.toFixed(1)} s`);

  // Idle CPU of each process, to read the per-journey figures against.
  const i0 = snap();
  await sleep(3000);
  const i1 = snap();
  const idle = {
    workerCpuPercent: round(((i1.worker - i0.worker) / ((i1.t - i0.t) / 1000)) * 100, 1),
    serverCpuPercent: round(((i1.server - i0.server) / ((i1.t - i0.t) / 1000)) * 100, 1),
  };
  log(`idle: worker ${idle.workerCpuPercent}% CPU, server ${idle.serverCpuPercent}% CPU`);

  log(`warm-up: ${S.warmup} journeys of each variant`);
  await warmUp('1');

  log(
    `start throughput: ${S.journeys} journeys per variant in ${S.rounds} rounds each: ${roundOrder(ACTIVE).join(', ')}`,
  );
  const loadBefore = loadavg();
  const st = await startThroughput();
  const histories = Object.fromEntries(
    await Promise.all(
      ACTIVE.map(async (id) => [
        id,
        await historySample(VARIANTS[id], st.lastRoundPrefix(id), Math.min(S.historySample, st.lastRoundSize)),
      ]),
    ),
  ) as Record<VariantId, Awaited<ReturnType<typeof historySample>>>;
  const h = st.byVariant.hwc;
  const a = st.byVariant.handWritten;
  const b = st.byVariant.floor;
  const ratios = {
    cpuPerJourneyVsHandWritten: round(h.cpuMsPerJourney / a.cpuMsPerJourney, 2),
    throughputVsHandWritten: round(h.journeysPerSecond / a.journeysPerSecond, 2),
    cpuPerJourneyVsFloor: round(h.cpuMsPerJourney / b.cpuMsPerJourney, 2),
    throughputVsFloor: round(h.journeysPerSecond / b.journeysPerSecond, 2),
    workerCpuPerJourneyVsHandWritten: round(h.workerCpuMsPerJourney / a.workerCpuMsPerJourney, 2),
    workerCpuPerJourneyVsFloor: round(h.workerCpuMsPerJourney / b.workerCpuMsPerJourney, 2),
  };
  const p = st.byVariant.hwcPreload;
  const experiment = p
    ? {
        preloadModules: ['xstate', 'luxon'],
        note: 'zod, domain/ and machines/ cannot be preloaded: the SDK deep-freezes preloaded modules and zod 4 defines schema methods lazily (TypeError: Cannot define property safeParse, object is not extensible)',
        cpuPerJourneyPreloadVsHwc: round(p.cpuMsPerJourney / h.cpuMsPerJourney, 2),
        workerCpuPerJourneyPreloadVsHwc: round(p.workerCpuMsPerJourney / h.workerCpuMsPerJourney, 2),
        throughputPreloadVsHwc: round(p.journeysPerSecond / h.journeysPerSecond, 2),
        cpuPerJourneyPreloadVsHandWritten: round(p.cpuMsPerJourney / a.cpuMsPerJourney, 2),
      }
    : null;
  log(
    `ratios: CPU/journey hwc/(a) ${ratios.cpuPerJourneyVsHandWritten}, hwc/(b) ${ratios.cpuPerJourneyVsFloor}; throughput hwc/(a) ${ratios.throughputVsHandWritten}, hwc/(b) ${ratios.throughputVsFloor}`,
  );

  const hwcRefs = st.refsOf.hwc;
  const latency = await updateLatency(hwcRefs.slice(-S.latencyTargets));
  const burst = await deadlineBurst(Math.min(...h.perRound.map((r) => r.journeysPerSecond)));
  const replayed = await replay(hwcRefs, S.replay);
  const mem = st.memory;
  const loadAtEnd = loadavg();

  stopping = true;
  await stopWorker();
  const profile = PROFILE ? summarizeProfiles(profileDir) : null;
  const serverDbMiB = round(statSync(temporalDb).size / 2 ** 20, 1);

  const date = new Date().toISOString().replace(/:/g, '-').replace(/\..*$/, 'Z');
  const results = {
    benchmark: 'hwc caseload benchmark (issue 8)',
    run: QUICK ? 'quick' : 'full',
    date: new Date().toISOString(),
    totalSeconds: round((Date.now() - T0) / 1000, 1),
    machine: machine(),
    versions: versions(cli.path),
    load: {
      atStart: loadAtStart,
      beforeStartThroughput: loadBefore,
      atEnd: loadAtEnd,
      note: 'os.loadavg() (/proc/loadavg); other work was running on the machine',
    },
    settings: {
      ...S,
      office: OFFICE,
      concurrency: CONCURRENCY,
      stubLatencyMs: STUB_LATENCY_MS,
      encryption: 'AES-256-GCM payload codec on every variant',
      worker:
        'one process (bench/worker.ts): hwc worker (createHwcWorker) + bench-only baselines worker; cache 2000, 20 workflow tasks, 50 activities each',
      server: 'temporal server start-dev, SQLite file, headless',
      roundOrder: roundOrder(ACTIVE).join(', '),
    },
    idle,
    startThroughput: { ...st.byVariant, rounds: st.rounds, histories },
    ratios,
    experiment,
    updateLatency: latency,
    deadlineBurst: burst,
    replay: replayed,
    memory: mem,
    simulator: { ...simulator, pureCoreOfBenchJourney: pureCore },
    serverDbMiB,
    serverContextCancelledLogLines: serverCancelled,
    profile,
  };
  const md = summary(results);
  const outDir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(outDir, { recursive: true });
  const base = join(outDir, `${date}${QUICK ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(`${base}.md`, md);
  process.stdout.write(md);
  log(`wrote ${base}.json and ${base}.md in ${results.totalSeconds} s`);
}

type Results = {
  run: string;
  settings: { roundOrder: string };
  date: string;
  totalSeconds: number;
  machine: ReturnType<typeof machine>;
  versions: ReturnType<typeof versions>;
  load: {
    atStart: ReturnType<typeof loadavg>;
    beforeStartThroughput: ReturnType<typeof loadavg>;
    atEnd: ReturnType<typeof loadavg>;
  };
  idle: { workerCpuPercent: number; serverCpuPercent: number };
  startThroughput: Record<
    VariantId,
    {
      journeys: number;
      journeysPerSecond: number;
      workerCpuMsPerJourney: number;
      serverCpuMsPerJourney: number;
      cpuMsPerJourney: number;
      driverCpuMsPerJourney: number;
      perRound: { journeysPerSecond: number; workerCpuMsPerJourney: number }[];
      errors: string[];
    }
  > & {
    histories: Record<VariantId, { eventsPerJourney: number; bytesPerJourney: number }>;
  };
  ratios: Record<string, number>;
  experiment: Record<string, unknown> | null;
  updateLatency: Awaited<ReturnType<typeof updateLatency>>;
  deadlineBurst: Awaited<ReturnType<typeof deadlineBurst>>;
  replay: Awaited<ReturnType<typeof replay>>;
  memory: Awaited<ReturnType<typeof startThroughput>>['memory'];
  simulator: Awaited<ReturnType<typeof simulatorThroughput>> & {
    pureCoreOfBenchJourney: ReturnType<typeof pureCostOfBenchJourney>;
  };
  profile: ReturnType<typeof summarizeProfiles> | null;
};

function summary(r: Results): string {
  const st = r.startThroughput;
  const ids = ACTIVE;
  const l = r.load;
  const out: string[] = [];
  out.push(`## hwc benchmark, ${r.run} run, ${r.date.slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(
    `${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB; Node ${r.versions.node}, Temporal SDK ${r.versions.temporalSdk}, ${r.versions.temporalCli.split('\n')[0]}. ` +
      `Load average ${l.atStart.one} at start, ${l.beforeStartThroughput.one} before the start-throughput rounds, ${l.atEnd.one} at the end (other work was running). ` +
      `Idle: worker ${r.idle.workerCpuPercent}% CPU, server ${r.idle.serverCpuPercent}%. Took ${Math.round(r.totalSeconds)} s.`,
  );
  out.push('');
  out.push(
    `**1. Start throughput**: a weekly report of ${st.hwc.journeys} journeys per variant, started as \`hwc report\` does, each sent a BOOKING_CALL, until all wait for their pre-call (4 activities each); ` +
      `rounds in the order ${r.settings.roundOrder}. The driver (this process) used ${st.hwc.driverCpuMsPerJourney} ms CPU per hwc journey on the same cores.`,
  );
  out.push('');
  out.push(
    markdownTable(
      [
        'variant',
        'journeys/s',
        'worker CPU ms/journey',
        'server CPU ms/journey',
        'CPU ms/journey',
        'history events',
        'history KiB',
        'per round: journeys/s · worker ms',
      ],
      ids.map((id) => [
        id === 'hwc'
          ? 'hwc (XState)'
          : id === 'handWritten'
            ? '(a) hand-written'
            : id === 'floor'
              ? '(b) engine floor'
              : 'hwc + preloadModules (experiment)',
        st[id].journeysPerSecond,
        st[id].workerCpuMsPerJourney,
        st[id].serverCpuMsPerJourney,
        st[id].cpuMsPerJourney,
        st.histories[id].eventsPerJourney,
        round(st.histories[id].bytesPerJourney / 1024, 1),
        st[id].perRound.map((r) => `${fmt(r.journeysPerSecond)} · ${fmt(r.workerCpuMsPerJourney)}`).join(', '),
      ]),
    ),
  );
  out.push('');
  const rt = r.ratios;
  out.push(
    markdownTable(
      ['ratio', 'vs (a) hand-written', 'vs (b) engine floor'],
      [
        ['CPU per journey (worker + server), hwc / baseline', rt.cpuPerJourneyVsHandWritten, rt.cpuPerJourneyVsFloor],
        ['worker CPU per journey, hwc / baseline', rt.workerCpuPerJourneyVsHandWritten, rt.workerCpuPerJourneyVsFloor],
        ['throughput, hwc / baseline', rt.throughputVsHandWritten, rt.throughputVsFloor],
      ],
    ),
  );
  out.push('');
  if (r.experiment) {
    const e = r.experiment as Record<string, number>;
    out.push(
      `Experiment, hwc with the SDK's \`preloadModules: ['xstate', 'luxon']\` (evaluated once per V8 context instead of once per workflow; zod cannot be, see the JSON): ` +
        `CPU per journey ${e.cpuPerJourneyPreloadVsHwc}× hwc's (worker ${e.workerCpuPerJourneyPreloadVsHwc}×), throughput ${e.throughputPreloadVsHwc}×; ${e.cpuPerJourneyPreloadVsHandWritten}× (a)'s CPU.`,
    );
    out.push('');
  }
  const ul = r.updateLatency;
  out.push(
    `**2. Update latency** (${ul.event}, ${ul.stepSeconds} s per rate, ${ul.targets} journeys): highest rate held with p99 < 100 ms: **${ul.highestRateWithP99Under100ms ?? 'none'}/s**.`,
  );
  out.push('');
  out.push(
    markdownTable(
      [
        'rate/s',
        'answered/s',
        'p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'errors',
        'worker CPU ms/update',
        'server CPU ms/update',
      ],
      ul.steps.map((s) => [
        s.rate,
        s.achievedRate,
        s.latencyMs.p50,
        s.latencyMs.p95,
        s.latencyMs.p99,
        s.latencyMs.max,
        s.errors,
        s.workerCpuMsPerUpdate,
        s.serverCpuMsPerUpdate,
      ]),
    ),
  );
  out.push('');
  const b = r.deadlineBurst;
  out.push(
    `**3. Deadline burst**: ${b.journeys} journeys with HWC_DUE at the same instant: ${b.reachedAwaitingAttendance}/${b.journeys} in awaitingAttendance ` +
      `${b.allDoneSecondsAfterSlot === null ? 'not all within 180 s' : `${b.allDoneSecondsAfterSlot} s after the slot (${b.deadlinesPerSecond} deadlines/s)`}; ` +
      `per journey (sampled histories) p50 ${b.perJourneyMsAfterSlot.p50} ms, p99 ${b.perJourneyMsAfterSlot.p99} ms after the slot; ` +
      `worker ${b.workerCpuMsPerDeadline} ms, server ${b.serverCpuMsPerDeadline} ms CPU per deadline.` +
      (b.setupFinishedMsBeforeSlot === null || b.setupFinishedMsBeforeSlot < 0
        ? ' (The setup was not done before the slot: the burst was smeared.)'
        : ''),
  );
  out.push('');
  const rp = r.replay;
  out.push(
    `**4. Replay**: ${rp.histories} hwc histories (${rp.eventsPerHistory} events each) replayed as \`hwc audit --all\` does: **${rp.historiesPerSecond}/s** (${rp.cpuMsPerHistory} ms CPU each)${rp.failed ? `, ${rp.failed} FAILED` : ''}.`,
  );
  out.push('');
  const m = r.memory;
  out.push(
    `**5. Memory** per cached journey (live heap of its workflow thread after a full GC, ${m.journeysPerVariant} journeys): ` +
      `hwc **${m.liveHeapKibPerCachedJourney.hwc} KiB**, (a) ${m.liveHeapKibPerCachedJourney.handWritten} KiB, (b) ${m.liveHeapKibPerCachedJourney.floor} KiB. ` +
      `Worker RSS ${m.rssMiB.afterWarmUp} MiB after the warm-up, ${m.rssMiB.afterFirstRoundOfEach} MiB after the first round of each variant, ${m.rssMiB.atEnd} MiB at the end ` +
      `(RSS per journey hwc ${m.rssKibPerCachedJourney.hwc}, (a) ${m.rssKibPerCachedJourney.handWritten}, (b) ${m.rssKibPerCachedJourney.floor} KiB: mostly heap growth, not what is kept).`,
  );
  out.push('');
  const s = r.simulator;
  out.push(
    `**6. Pure simulator**: ${s.scenarios} scenarios of test/scenarios, ${s.runs} runs in ${s.seconds} s on one thread: **${s.scenariosPerSecond} scenarios/s** (${s.msPerScenario} ms each). ` +
      `Pure core of the bench journey (record parse, start, 2 validations, 1 step, trace, timers): ${s.pureCoreOfBenchJourney.workflowPureCostPerJourneyUs} µs.`,
  );
  if (r.profile) {
    out.push('');
    out.push(`**Worker CPU profile** (node --cpu-prof, all phases; self time by where the code comes from):`);
    out.push('');
    out.push(
      markdownTable(
        ['where', 'ms', '%'],
        r.profile.byCategory.slice(0, 14).map((c) => [c.category, c.ms, c.percent]),
      ),
    );
  }
  out.push('');
  return out.join('\n');
}

let exitCode = 0;
const hardStop = setTimeout(() => {
  log(`hard time limit (${(S.budgetMinutes * 1.5).toFixed(0)} min) reached: stopping`);
  cleanup();
  process.exit(1);
}, deadline - Date.now());
hardStop.unref();
try {
  await main();
} catch (e) {
  log(`failed: ${(e as Error).stack ?? e}`);
  exitCode = 1;
} finally {
  stopping = true;
  store?.close();
  await stopWorker().catch(() => undefined);
  const s = server as ChildProcess | null;
  if (s && s.exitCode === null) {
    const exited = new Promise((r) => s.once('exit', r));
    s.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
  }
  if (flag('keep')) log(`kept ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
process.exit(exitCode);
