// What every server phase of `npm run bench` shares: the dev server and the worker processes (children,
// so their CPU is read from /proc apart from this driver's), the client, the stub store, the three
// variants and the way a weekly report of them is run and waited for.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { StubStore } from '../activities/store';
import { executeEvent } from '../client/journeys';
import { startReport, validateReport, type ReportRow } from '../client/report';
import { holidaysForJourney } from '../domain/bank-holidays';
import { addWorkingDays, atLocal, localDate } from '../domain/calendar';
import { workCoachFor } from '../domain/rules';
import { ClaimantRecord } from '../domain/schemas';
import { AesGcmCodec, createKeyFile, type CodecKeys } from '../worker/codec';
import { ephemeralIssuer } from '../identity/ephemeral';

/** Events are signed and verified in the bench as in production (the baselines ignore the proof). */
export const benchIdentity = ephemeralIssuer();
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
import type { BundleId } from './bundles';
import { Queue, cpuSeconds, sleep } from './lib';

export type VariantId = BundleId;
export interface Variant {
  id: VariantId;
  label: string;
  workflowType: string;
  taskQueue: string;
  /** Prefix of the claimant refs of this variant's journeys. */
  tag: string;
  idFor(ref: string): string;
}
export const VARIANT_IDS: VariantId[] = ['hwc', 'handWritten', 'floor'];
export const VARIANTS: Record<VariantId, Variant> = {
  hwc: {
    id: 'hwc',
    label: 'hwc (XState)',
    workflowType: 'hwcJourney',
    taskQueue: 'hwc-bench',
    tag: 'H',
    idFor: workflowIdFor,
  },
  handWritten: {
    id: 'handWritten',
    label: '(a) hand-written',
    workflowType: 'handWrittenJourney',
    taskQueue: 'hwc-bench-hand',
    tag: 'A',
    idFor: (r) => `hand-${r}`,
  },
  floor: {
    id: 'floor',
    label: '(b) engine floor',
    workflowType: 'floorJourney',
    taskQueue: 'hwc-bench-floor',
    tag: 'F',
    idFor: (r) => `floor-${r}`,
  },
};

export const OFFICE = 'LEEDS';
/** `hwc report`'s default: starts in flight at once (and booking calls in flight). */
export const CONCURRENCY = 8;
export const STUB_LATENCY_MS = 0;
export const COACH = { staffId: 'WC-BENCH', role: 'work_coach' } as const;
/** Every journey's effects up to its pre-call wait: readAdjustments, 2 bookings, the ESAHWC1 letter. */
export const EFFECTS_TO_PRE_CALL = 4;

const claimStart = new Date(Date.now() - 14 * 86_400_000).toISOString().slice(0, 10);
export function recordFor(ref: string, workCoach = 'WC-07') {
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
      workCoach,
    },
  };
}
export const refsFor = (prefix: string, n: number) =>
  Array.from({ length: n }, (_, i) => `${prefix}-${String(i + 1).padStart(5, '0')}`);

/** A slot five weeks ahead: every journey waits for its pre-call well past the run. */
export const futureSlot = () =>
  atLocal(
    addWorkingDays(localDate(new Date().toISOString()), 25, { holidays: holidaysForJourney(new Date().toISOString()) }),
    '10:00',
  );

export interface Snap {
  t: number;
  worker: number;
  server: number;
  driver: number;
}

export interface RunResult {
  started: number;
  events: number;
  /** Update attempts refused as `busy` and sent again (client/journeys.ts executeEvent). */
  busy: number;
  errors: string[];
}

export interface HarnessOptions {
  dir: string;
  temporalCli: string;
  bundleDir: string;
  log: (line: string) => void;
  /** Extra environment for every worker process (e.g. HWC_MAX_CACHED_WORKFLOWS). */
  workerEnv?: Record<string, string>;
}

export class Harness {
  readonly keyFile: string;
  readonly codec: AesGcmCodec;
  readonly dbPath: string;
  readonly temporalDb: string;
  port = 0;
  server: ChildProcess | null = null;
  worker: ChildProcess | null = null;
  client!: Client;
  store!: StubStore;
  private keys: CodecKeys;
  /** Server log lines about a client that stopped waiting (an Update long poll under load): counted. */
  serverCancelled = 0;
  workerStarts: { phase: string; seconds: number }[] = [];
  private stopping = false;
  private asks = 0;
  /** Journeys of each variant that reached their waiting stage so far (the floor is counted by visibility). */
  private reachedSoFar: Record<VariantId, number> = { hwc: 0, handWritten: 0, floor: 0 };

  constructor(readonly o: HarnessOptions) {
    this.keyFile = join(o.dir, 'codec-keys.json');
    this.keys = createKeyFile(this.keyFile);
    this.codec = new AesGcmCodec(this.keys);
    this.dbPath = join(o.dir, 'stubs.sqlite');
    this.temporalDb = join(o.dir, 'temporal.sqlite');
  }

  children(): ChildProcess[] {
    return [this.worker, this.server].filter(
      (c): c is ChildProcess => !!c && c.exitCode === null && c.signalCode === null,
    );
  }

  async startServer() {
    this.port = await freePort();
    const sa = HWC_SEARCH_ATTRIBUTES.flatMap((k) => [
      '--search-attribute',
      `${k.name}=${k.type === 'DATETIME' ? 'Datetime' : k.type === 'BOOL' ? 'Bool' : 'Keyword'}`,
    ]);
    const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(this.port), '--headless'];
    args.push('--db-filename', this.temporalDb, '--log-level', 'error', ...sa);
    const server = spawn(this.o.temporalCli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.server = server;
    server.stderr!.on('data', (b: Buffer) => {
      for (const line of b.toString().split('\n').filter(Boolean)) {
        if (line.includes('context canceled')) this.serverCancelled++;
        else process.stderr.write(`[server] ${line}\n`);
      }
    });
    server.once('exit', (code, signal) => !this.stopping && this.o.log(`the dev server exited (${code ?? signal})`));
    this.client = await this.connect();
    this.store = await StubStore.open(this.dbPath, { keys: this.keys });
  }

  private async connect(): Promise<Client> {
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        const connection = await Connection.connect({ address: `127.0.0.1:${this.port}`, connectTimeout: '2s' });
        await connection.workflowService.getSystemInfo({});
        return new Client({ connection, dataConverter: { payloadCodecs: [this.codec] } });
      } catch (e) {
        if (Date.now() > until)
          throw new Error(`the dev server did not answer in 60 s: ${(e as Error).message}`, { cause: e });
        await sleep(300);
      }
    }
  }

  /** A fresh worker process (the previous one is stopped first): nothing cached from earlier phases. */
  async freshWorker(phase: string): Promise<number> {
    await this.stopWorker();
    const w = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'bench/worker.ts')], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: `127.0.0.1:${this.port}`,
        HWC_TASK_QUEUE: VARIANTS.hwc.taskQueue,
        BENCH_HAND_QUEUE: VARIANTS.handWritten.taskQueue,
        BENCH_FLOOR_QUEUE: VARIANTS.floor.taskQueue,
        BENCH_BUNDLE_DIR: this.o.bundleDir,
        HWC_DB: this.dbPath,
        HWC_CODEC_KEY_FILE: this.keyFile,
        HWC_LOG_LEVEL: 'warn',
        HWC_STUB_LATENCY_MS: String(STUB_LATENCY_MS),
        ...this.o.workerEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.worker = w;
    this.reachedSoFar.floor = 0;
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
    const seconds = (Date.now() - t) / 1000;
    this.workerStarts.push({ phase, seconds: Math.round(seconds * 10) / 10 });
    return seconds;
  }

  async stopWorker() {
    const w = this.worker;
    this.worker = null;
    if (!w || w.exitCode !== null || w.signalCode !== null) return;
    const exited = new Promise((r) => w.once('exit', r));
    w.kill('SIGTERM');
    await Promise.race([exited, sleep(30_000)]);
    if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  }

  async stop() {
    this.stopping = true;
    await this.store?.close();
    await this.stopWorker().catch(() => undefined);
    const s = this.server;
    if (s && s.exitCode === null) {
      const exited = new Promise((r) => s.once('exit', r));
      s.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
    }
  }

  /** Kill the children at once (exit, signals). */
  kill() {
    for (const c of this.children()) c.kill('SIGTERM');
  }

  /** Ask the worker process something over IPC (bench/worker.ts `answer`). */
  ask<T>(message: Record<string, unknown>, timeoutMs = 120_000): Promise<T> {
    const w = this.worker;
    if (!w) return Promise.reject(new Error('no worker process'));
    const id = ++this.asks;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        w.off('message', on);
        reject(new Error(`the worker did not answer ${String(message.type)} in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const on = (m: { id?: number; result?: T; error?: string }) => {
        if (m?.id !== id) return;
        clearTimeout(timer);
        w.off('message', on);
        if (m.error) reject(new Error(m.error));
        else resolve(m.result as T);
      };
      w.on('message', on);
      w.send({ ...message, id });
    });
  }

  snap(): Snap {
    const c = process.cpuUsage();
    return {
      t: performance.now(),
      worker: this.worker?.pid ? cpuSeconds(this.worker.pid) : NaN,
      server: this.server?.pid ? cpuSeconds(this.server.pid) : NaN,
      driver: (c.user + c.system) / 1e6,
    };
  }

  /** Starts a baseline journey with exactly the options `startJourney` uses, but the baseline's type. */
  private async startBaseline(v: Variant, record: ClaimantRecord) {
    await this.client.workflow.start(v.workflowType, {
      taskQueue: v.taskQueue,
      workflowId: v.idFor(record.claimantRef),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // The same trusted keys as hwc's journeys: the hand-written baseline verifies proofs as they do.
      args: [
        { office: OFFICE, record, holidays: holidaysForJourney(new Date().toISOString()), trust: benchIdentity.trust },
      ],
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

  /** The `event` Update as every client sends it (executeEvent), counting the `busy` refusals. */
  async send(handle: ReturnType<Client['workflow']['getHandle']>, event: EventRequest, r?: { busy: number }) {
    return executeEvent(handle, event, (wf, e) => benchIdentity.sign(wf, e), { onBusy: () => r && r.busy++ });
  }

  /**
   * The weekly report of `refs` for one variant: every row started as `hwc report` starts it (hwc: the
   * report client itself), and each journey sent its BOOKING_CALL (then `after` events) as soon as its
   * start returned, with the same concurrency. `record` makes each row's claimant record (the web phase
   * gives its journeys different work coaches).
   */
  async runReport(
    v: Variant,
    refs: string[],
    slot: string,
    after: EventRequest[] = [],
    record: (ref: string) => ReturnType<typeof recordFor> = recordFor,
  ): Promise<RunResult> {
    const rows: ReportRow[] = refs.map((ref, i) => ({ row: i + 1, record: record(ref) }));
    const started = new Queue<string>();
    const result: RunResult = { started: 0, events: 0, busy: 0, errors: [] };
    const fail = (e: unknown) => result.errors.length < 20 && result.errors.push((e as Error).message.split('\n')[0]);
    const putClaimant = (ref: string, r: ClaimantRecord) => this.store.putClaimant(ref, r);
    const starting = (async () => {
      try {
        if (v.id === 'hwc') {
          let seen = 0;
          await startReport({
            client: this.client,
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
                  await this.startBaseline(v, parsed);
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
          const handle = this.client.workflow.getHandle(v.idFor(ref));
          try {
            for (const e of events) {
              await this.send(handle, e, result);
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

  async outboxRows(prefix: string): Promise<number> {
    const [row] = await this.store.db.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM outbox WHERE claimant_ref >= $1 AND claimant_ref < $2',
      [`${prefix}-`, `${prefix}.`],
    );
    return Number(row?.n ?? 0);
  }

  async countStage(type: string, stage: string): Promise<number> {
    return (await this.client.workflow.count(`WorkflowType = '${type}' AND HwcStage = '${stage}'`)).count;
  }

  /**
   * Waits until a round's journeys have done everything up to their wait: hwc and hand-written, every
   * effect recorded by the stub systems (`effects` rows per journey); the floor, as many no-op activities
   * run in this worker process. Returns the moment it saw that (polled every 50 ms), or null on timeout.
   * (A fresh worker starts counting no-ops at 0: `reachedSoFar` of the floor counts per worker.)
   */
  async waitReached(v: Variant, prefix: string, n: number, effects: number, timeoutMs: number) {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const done =
        v.id === 'floor'
          ? (await this.ask<number>({ type: 'noops' })) >= (this.reachedSoFar.floor + n) * effects
          : (await this.outboxRows(prefix)) >= n * effects;
      if (done) {
        this.reachedSoFar[v.id] += n;
        return performance.now();
      }
      await sleep(50);
    }
    return null;
  }

  /** A directory of the run for a phase's files (profiles, histories). */
  subdir(name: string): string {
    const d = join(this.o.dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  }
}

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
