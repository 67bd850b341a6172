// End to end on the dev server (SQLite file): journeys run in a separate worker process that is killed
// with SIGKILL in the middle of activity work; a new worker finishes every journey and each letter is
// sent exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { StubStore } from '../../activities/store';
import { sendEvent, startJourney } from '../../client/journeys';
import { ephemeralIssuer } from '../../identity/ephemeral';
import { ensureDevIdentityKeys } from '../../identity/keys';
import { devServerExecutable } from '../../worker/binaries';
import { PROJECT_ROOT } from '../../worker/config';
import { HWC_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { workflowIdFor } from '../../workflows/messages';
import { uniqueId, recentClaimant } from '../helpers/temporal';
import { expectTrailMatches } from '../helpers/trail';
import { replayHistory } from '../../cli/commands/audit';
import { AesGcmCodec, createKeyFile, loadKeys } from '../../worker/codec';

const JOURNEYS = 8;
const workerLog: string[] = [];
let workerDied: ((e: Error) => void) | undefined;
const died = new Promise<never>((_, reject) => (workerDied = reject));
died.catch(() => undefined);
let env: TestWorkflowEnvironment;
let dir: string;
let keyFile: string;
let codec: AesGcmCodec;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwc-e2e-'));
  keyFile = join(dir, 'codec-keys.json');
  // Client and worker processes share the key file: histories on the server hold only ciphertext.
  codec = new AesGcmCodec(createKeyFile(keyFile));
  env = await TestWorkflowEnvironment.createLocal({
    client: { dataConverter: { payloadCodecs: [codec] } },
    server: {
      executable: devServerExecutable(),
      dbFilename: join(dir, 'temporal.sqlite'),
      searchAttributes: HWC_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
});
afterAll(async () => {
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

function startWorkerProcess(taskQueue: string, db: string): ChildProcess {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), 'worker'], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      HWC_TASK_QUEUE: taskQueue,
      HWC_DB: db,
      HWC_STUB_LATENCY_MS: '150',
      HWC_CODEC_KEY_FILE: keyFile,
      // Workers refuse to start without the deployment's identity keys (the journeys they start trust them).
      HWC_IDENTITY_KEY_FILE: ensureDevIdentityKeys(join(dir, 'identity-keys.json')).path,
      VITEST: '',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d) => workerLog.push(String(d)));
  // A worker that dies on its own (not by our kill) fails the test at once, with its log.
  child.once('exit', (code, signal) => {
    if (!signal) workerDied?.(new Error(`worker exited with ${code}:\n${workerLog.join('').slice(-3000)}`));
  });
  return child;
}

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('worker killed mid-activity', () => {
  it('every journey completes with each letter sent exactly once', async () => {
    const taskQueue = uniqueId('e2e');
    const db = join(dir, 'stubs.sqlite');
    const store = await StubStore.open(db, { keys: loadKeys(keyFile) });
    const coach = { staffId: 'WC-01', role: 'work_coach' } as const;
    const identity = ephemeralIssuer();
    const sign = (wf: string, e: Record<string, unknown> & { type: string }) => identity.sign(wf, e);
    let worker = startWorkerProcess(taskQueue, db);
    const refs = Array.from({ length: JOURNEYS }, (_, i) => `E2E-${process.pid}-${i}`);
    let slot = '';
    await Promise.race([died, run()]);
    async function run() {
      // The slot counts from a worker that is polling (its workflow bundle takes a while on a busy machine).
      await until('the worker to poll', () => workerLog.join('').includes('hwc worker: polling'), 120_000);
      slot = new Date(Date.now() + 20_000).toISOString();
      for (const ref of refs)
        await startJourney({
          client: env.client,
          taskQueue,
          office: 'LEEDS',
          record: recentClaimant(ref),
          putClaimant: (r, rec) => store.putClaimant(r, rec),
          trust: identity.trust,
        });
      await Promise.all(
        refs.map(async (ref) => {
          await sendEvent(env.client, ref, { type: 'BOOKING_CALL', contacted: true, slot, by: coach }, sign);
          await sendEvent(env.client, ref, { type: 'PRE_CALL', result: 'confirmed', by: coach }, sign);
        }),
      );

      // Kill while the stubs are still being written to (150 ms per call, several effects per journey).
      await until('activity work to begin', async () => (await store.outbox()).length > 0);
      worker.kill('SIGKILL');
      await new Promise((r) => worker.once('exit', r));
      const atKill = (await store.outbox()).length;
      worker = startWorkerProcess(taskQueue, db);
      try {
        await until('the HWC time', () => Date.now() > Date.parse(slot) + 1500, 60_000);
        for (const ref of refs) {
          await until(`${ref} to await attendance`, async () => {
            const d = await env.client.workflow.getHandle(workflowIdFor(ref)).describe();
            return d.typedSearchAttributes.get(HWC_SEARCH_ATTRIBUTES[0]) === 'awaitingAttendance';
          });
          await sendEvent(env.client, ref, { type: 'ATTENDED', by: coach }, sign);
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

        expect(atKill).toBeLessThan(JOURNEYS * 6);
        for (const [i, trace] of traces.entries()) {
          expect(trace.outcome).toBe('HWC_COMPLETED');
          const sent = (await store.outbox({ workflowId: workflowIdFor(refs[i]) }))
            .filter((r) => r.kind === 'comms.letter' || r.kind === 'comms.notify')
            .map((r) => r.details.letter ?? r.details.notification);
          expect(sent).toEqual(['ESAHWC1', 'REMINDER_SMS', 'ESAHWC4']);
          expect(trace.letters.map((l: { type: string }) => l.type)).toEqual(['ESAHWC1', 'ESAHWC4']);
        }
        // The decision trail rebuilt from each history (hwc audit) is the journey's own: a worker killed
        // mid-journey changes neither the order of inputs nor the effects decided.
        for (const [i, trace] of traces.entries()) {
          const handle = env.client.workflow.getHandle(workflowIdFor(refs[i]));
          const report = await replayHistory(await handle.fetchHistory(), {
            source: refs[i],
            workflowId: handle.workflowId,
            dataConverter: { payloadCodecs: [codec] },
          });
          expect(report.matched).toBe(true);
          expectTrailMatches(report.trail, trace, refs[i]);
        }
        // The server keeps ciphertext: read a raw history without the codec and look for the record.
        const raw = await env.client.workflowService.getWorkflowExecutionHistory({
          namespace: 'default',
          execution: { workflowId: workflowIdFor(refs[0]) },
        });
        const payloadText = (raw.history?.events ?? [])
          .flatMap((e) => e.workflowExecutionStartedEventAttributes?.input?.payloads ?? [])
          .map((p) => Buffer.from(p.data ?? []).toString('utf8'))
          .join('');
        expect(payloadText.length).toBeGreaterThan(0);
        for (const secret of ['dateOfBirth', '1980-04-02', '07700900123', 'claimantRef'])
          expect(payloadText).not.toContain(secret);
      } catch (e) {
        throw new Error(`${(e as Error).message}\nworker log:\n${workerLog.join('').slice(-3000)}`, { cause: e });
      } finally {
        worker.kill('SIGTERM');
        store.close();
      }
    }
  });
});
