// Several workers on several hosts (issue 16): one Temporal dev server, one real PostgreSQL as the stub
// store (HWC_DB), and two `hwc worker` processes, each with its own data folder as on its own machine,
// sharing only what a deployment shares: the database URL, the codec key file and the identity key file.
// A weekly report of 12 rows is processed by whichever worker takes the activity (its journeys trust the
// deployment's identity keys, read by that worker); events are signed by the deployment's issuer. One
// worker is killed with SIGKILL while it holds a started activity; the other carries on alone. Every
// journey ends, no letter, booking or doubt is recorded twice in the shared store, and the effects of both
// workers are in it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { StubStore } from '../../activities/store';
import { sendEvent, type EventSigner } from '../../client/journeys';
import { reportId } from '../../client/report';
import { ensureDevIdentityKeys } from '../../identity/keys';
import { devServerExecutable } from '../../worker/binaries';
import { AesGcmCodec, createKeyFile, loadKeys } from '../../worker/codec';
import { PROJECT_ROOT } from '../../worker/config';
import { workflowIdFor } from '../../workflows/messages';
import { HWC_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { weeklyReport } from '../../workflows/weekly-report';
import { deploymentIdentity } from '../helpers/identity';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { freePort } from '../helpers/ports';
import { uniqueId, recentClaimant } from '../helpers/temporal';

const JOURNEYS = 12;
/** The worker metrics docs/production.md lists to watch. */
const WATCHED = [
  'temporal_workflow_task_schedule_to_start_latency',
  'temporal_activity_schedule_to_start_latency',
  'temporal_activity_execution_latency',
  'temporal_worker_task_slots_available',
  'temporal_sticky_cache_hit',
  'temporal_workflow_completed',
  'temporal_num_pollers',
];
const STARTED = 2; // temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED

let env: TestWorkflowEnvironment;
let postgres: TestPostgres;
let dir: string;
let dbUrl: string;
let codecKeyFile: string;
let identityKeyFile: string;

interface HostWorker {
  name: string;
  child: ChildProcess;
  /** The SDK's default worker identity, `<pid>@<hostname>`: what the server records for its tasks. */
  identity: string;
  log: string[];
  /** Where it serves the SDK's Prometheus metrics (HWC_METRICS_PORT). */
  metricsPort: number;
}
const workers: HostWorker[] = [];
let workerDied: ((e: Error) => void) | undefined;
const died = new Promise<never>((_, reject) => (workerDied = reject));
died.catch(() => undefined);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwc-multihost-'));
  codecKeyFile = join(dir, 'codec-keys.json');
  identityKeyFile = ensureDevIdentityKeys(join(dir, 'identity-keys.json')).path;
  const codec = new AesGcmCodec(createKeyFile(codecKeyFile));
  [postgres, env] = await Promise.all([
    startPostgres(),
    TestWorkflowEnvironment.createLocal({
      client: { dataConverter: { payloadCodecs: [codec] } },
      server: {
        executable: devServerExecutable(),
        dbFilename: join(dir, 'temporal.sqlite'),
        searchAttributes: HWC_SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'error' },
      },
    }),
  ]);
  dbUrl = await postgres.newDatabase('multihost');
});
afterAll(async () => {
  await Promise.all(
    workers
      .filter((w) => w.child.exitCode === null && w.child.signalCode === null)
      .map((w) => {
        const exited = new Promise((r) => w.child.once('exit', r));
        w.child.kill('SIGTERM');
        return exited;
      }),
  );
  await env?.teardown();
  await postgres?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A worker as on another machine: its own data folder; the deployment's database and key files. */
async function startHost(name: string, taskQueue: string): Promise<HostWorker> {
  const metricsPort = await freePort();
  const dataDir = join(dir, name);
  mkdirSync(dataDir);
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      HWC_TASK_QUEUE: taskQueue,
      HWC_DATA_DIR: dataDir,
      HWC_DB: dbUrl,
      HWC_CODEC_KEY_FILE: codecKeyFile,
      HWC_IDENTITY_KEY_FILE: identityKeyFile,
      HWC_STUB_LATENCY_MS: '600',
      HWC_METRICS_PORT: String(metricsPort),
      VITEST: '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const w: HostWorker = { name, child, identity: `${child.pid}@${hostname()}`, log: [], metricsPort };
  child.stderr?.on('data', (d) => w.log.push(String(d)));
  // A worker that dies on its own (not by our kill) fails the test at once, with its log.
  child.once('exit', (code, signal) => {
    if (!signal) workerDied?.(new Error(`${name} exited with ${code}:\n${w.log.join('').slice(-3000)}`));
  });
  workers.push(w);
  return w;
}

const until = async <T>(what: string, ok: () => T | Promise<T>, ms = 90_000): Promise<NonNullable<T>> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await ok();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Every activity task of a workflow's history, with the identity of the worker that took its last attempt. */
async function activityTasks(workflowId: string) {
  const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
  const scheduled = new Map<string, { type: string; activityId: string }>();
  const tasks: { activityId: string; type: string; identity: string; attempt: number }[] = [];
  for (const e of history.events ?? []) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(e.eventId), { type: s.activityType?.name ?? '', activityId: s.activityId ?? '' });
    const t = e.activityTaskStartedEventAttributes;
    if (t) {
      const of = scheduled.get(String(t.scheduledEventId));
      tasks.push({
        activityId: of?.activityId ?? '',
        type: of?.type ?? '',
        identity: t.identity ?? '',
        attempt: t.attempt ?? 0,
      });
    }
  }
  return tasks;
}

describe('two workers on two hosts, one PostgreSQL store', () => {
  it('every journey ends and no letter, booking or doubt is recorded twice, one worker killed mid-activity', async () => {
    const taskQueue = uniqueId('multihost');
    const hosts = [await startHost('host-a', taskQueue), await startHost('host-b', taskQueue)];
    const store = await StubStore.open(dbUrl, { keys: loadKeys(codecKeyFile) });
    const identity = deploymentIdentity(dir);
    const sign: EventSigner = identity.signerFor('WC-01');
    const coach = { staffId: 'WC-01', role: 'work_coach' } as const;
    // Three letters first: `MH-6031-10` would read as a National Insurance number (MH 60 31 10) and be refused.
    const refs = Array.from({ length: JOURNEYS }, (_, i) => `MHT-${process.pid}-${i}`);
    // Every third conversation fails (FTP): a doubt is raised, then the claim closes and the journey ends.
    const fails = (i: number) => i % 3 === 0;
    try {
      await Promise.race([died, run()]);
    } catch (e) {
      const logs = hosts.map((h) => `${h.name} log:\n${h.log.join('').slice(-2000)}`).join('\n');
      throw new Error(`${(e as Error).message}\n${logs}`, { cause: e });
    } finally {
      await store.close();
    }

    async function run() {
      await until(
        'both workers to poll',
        () => hosts.every((h) => h.log.join('').includes('hwc worker: polling')),
        150_000,
      );

      // The weekly report, as JSAPS holds it; the schedule's workflow processes it on either worker.
      const rows = refs.map((ref) => recentClaimant(ref));
      const id = await reportId('LEEDS', rows);
      await store.submitReport({ id, office: 'LEEDS', source: 'multihost.json', rows });
      const weeklyId = uniqueId('weekly');
      const later = new Date(Date.now() + 10 * 60_000).toISOString();
      const weekly = await env.client.workflow.execute(weeklyReport, {
        taskQueue,
        workflowId: weeklyId,
        args: [{ office: 'LEEDS', processBy: later, giveUpAt: later, pollEveryMs: 1000 }],
      });
      expect(weekly.processed).toMatchObject([{ reportId: id, rows: JOURNEYS, started: JOURNEYS, rejectedCount: 0 }]);
      const reportWorker = (await activityTasks(weeklyId)).find((t) => t.type === 'processReport')!.identity;
      expect(hosts.map((h) => h.identity)).toContain(reportWorker);

      // Signed by the deployment's issuer: accepted only because the journeys trust its keys, which the
      // worker that started them read from HWC_IDENTITY_KEY_FILE.
      const slot = new Date(Date.now() + 25_000).toISOString();
      await Promise.all(
        refs.map(async (ref) => {
          await sendEvent(env.client, ref, { type: 'BOOKING_CALL', contacted: true, slot, by: coach }, sign);
          await sendEvent(env.client, ref, { type: 'PRE_CALL', result: 'confirmed', by: coach }, sign);
        }),
      );

      // Kill a worker while it holds a started activity (the stubs take 600 ms a call, so the kill lands before it ends).
      const {
        victim,
        workflowId: interrupted,
        activityId,
      } = await until('a worker in the middle of an activity', async () => {
        for (const ref of refs) {
          const d = await env.client.workflow.getHandle(workflowIdFor(ref)).describe();
          for (const a of d.raw.pendingActivities ?? []) {
            const victim = hosts.find((h) => h.identity === a.lastWorkerIdentity);
            if (Number(a.state) === STARTED && victim)
              return { victim, workflowId: workflowIdFor(ref), activityId: a.activityId };
          }
        }
        return null;
      });
      victim.child.kill('SIGKILL');
      await new Promise((r) => victim.child.once('exit', r));
      const survivor = hosts.find((h) => h !== victim)!;

      await until('the HWC time', () => Date.now() > Date.parse(slot) + 1500, 60_000);
      for (const [i, ref] of refs.entries()) {
        const handle = env.client.workflow.getHandle(workflowIdFor(ref));
        await until(`${ref} to await attendance`, async () => {
          const d = await handle.describe();
          return d.typedSearchAttributes.get(HWC_SEARCH_ATTRIBUTES[0]) === 'awaitingAttendance';
        });
        await sendEvent(env.client, ref, { type: 'ATTENDED', by: coach }, sign);
        if (fails(i)) {
          await sendEvent(env.client, ref, { type: 'FAILED_TO_PARTICIPATE', reason: 'left early', by: coach }, sign);
          await sendEvent(env.client, ref, { type: 'CLAIM_CLOSED', by: coach }, sign);
        } else
          await sendEvent(
            env.client,
            ref,
            {
              type: 'CONVERSATION_COMPLETED',
              by: coach,
              myValues: 'completed',
              actions: [{ what: 'Join the job club', where: 'Library', when: 'Mondays' }],
            },
            sign,
          );
      }
      const traces = await Promise.all(refs.map((ref) => env.client.workflow.getHandle(workflowIdFor(ref)).result()));

      // Every journey ended.
      expect(traces.map((t) => t.outcome)).toEqual(refs.map((_, i) => (fails(i) ? 'NOT_REQUIRED' : 'HWC_COMPLETED')));

      // Each letter, booking and doubt once, across the one shared store.
      const outbox = await store.outbox();
      const diary = await store.diary();
      for (const [i, ref] of refs.entries()) {
        const workflowId = workflowIdFor(ref);
        const rows = outbox.filter((r) => r.workflowId === workflowId);
        const letters = rows
          .filter((r) => r.kind === 'comms.letter' || r.kind === 'comms.notify')
          .map((r) => r.details.letter ?? r.details.notification);
        expect(letters, ref).toEqual(
          fails(i) ? ['ESAHWC1', 'REMINDER_SMS', 'FTP_LETTER', 'ESA10'] : ['ESAHWC1', 'REMINDER_SMS', 'ESAHWC4'],
        );
        const bookings = diary.filter((d) => d.workflowId === workflowId).map((d) => d.kind);
        expect(bookings.sort(), ref).toEqual(['HWC', 'PRE_CALL']);
        expect(
          rows.filter((r) => r.kind === 'lms.bookAppointment'),
          ref,
        ).toHaveLength(2);
        expect(
          rows.filter((r) => r.kind === 'lms.raiseDoubt'),
          ref,
        ).toHaveLength(fails(i) ? 1 : 0);
      }
      // No effect of a journey twice, whatever its key: letters, bookings and doubts in the database itself,
      // and every other effect with its personal details unsealed.
      const db = new pg.Client({ connectionString: dbUrl });
      await db.connect();
      try {
        const twice = await db.query(
          `SELECT workflow_id, kind, details, count(*) FROM outbox
           WHERE kind IN ('comms.letter', 'comms.notify', 'lms.bookAppointment', 'lms.raiseDoubt')
           GROUP BY workflow_id, kind, details HAVING count(*) > 1`,
        );
        expect(twice.rows).toEqual([]);
        const total = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE workflow_id LIKE 'hwc-MHT-%'`);
        expect(total.rows[0].n).toBe(outbox.filter((r) => r.workflowId.startsWith('hwc-MHT-')).length);
      } finally {
        await db.end();
      }
      const effects = outbox.map((r) => JSON.stringify([r.workflowId, r.kind, r.details]));
      expect(effects.filter((e, i) => effects.indexOf(e) !== i)).toEqual([]);

      // Both workers' effects are in that one store: each performed activities of these journeys, and
      // neither made a store of its own in its data folder.
      const tasks = (await Promise.all(refs.map((ref) => activityTasks(workflowIdFor(ref))))).flat();
      const by = new Set(tasks.map((t) => t.identity));
      expect(by).toEqual(new Set(hosts.map((h) => h.identity)));
      for (const h of hosts) expect(existsSync(join(dir, h.name, 'stubs.sqlite')), h.name).toBe(false);
      // The activity the victim held was finished by the survivor, on a later attempt.
      const redone = (await activityTasks(interrupted)).find((t) => t.activityId === activityId);
      expect(redone, `activity ${activityId} of ${interrupted}`).toMatchObject({ identity: survivor.identity });
      expect(redone!.attempt).toBeGreaterThan(1);

      // The survivor's metrics (HWC_METRICS_PORT), as Prometheus scrapes them: the ones docs/production.md
      // says to watch, for this task queue.
      const scraped = await (await fetch(`http://127.0.0.1:${survivor.metricsPort}/metrics`)).text();
      const series = new Set(
        [...scraped.matchAll(/^(temporal_\w+?)(?:_bucket|_sum|_count|_total)?\{([^}]*)\}/gm)]
          .filter((m) => m[2].includes(`task_queue="${taskQueue}"`))
          .map((m) => m[1]),
      );
      for (const metric of WATCHED) expect([...series], metric).toContain(metric);
    }
  }, 360_000);
});
