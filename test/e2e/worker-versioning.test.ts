// Safe deploys (issue 16): two builds of the worker side by side on the dev server, with Worker Versioning.
// Journeys started while build 1 is the deployment's current version stay pinned to it after build 2
// becomes current: their workflow tasks and activities keep running on build 1 until they end, while new
// journeys start and run on build 2. One old journey is moved deliberately (a versioning override) and
// finishes on build 2. The current version is set with the `temporal` CLI, as docs/deploys.md says.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { StubStore } from '../../activities/store';
import { sendEvent, startJourney, type EventSigner } from '../../client/journeys';
import { devServerExecutable, resolveTemporalCli } from '../../worker/binaries';
import { createHwcWorker } from '../../worker/worker';
import { workflowIdFor } from '../../workflows/messages';
import { HWC_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { claimant, coach, testIdentity, uniqueId } from '../helpers/temporal';

const run = promisify(execFile);
const PINNED = 1; // temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_PINNED

let env: TestWorkflowEnvironment;
let dir: string;
let store: StubStore;
const running: { worker: Worker; done: Promise<void> }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwc-versioning-'));
  store = await StubStore.open(join(dir, 'stubs.sqlite'));
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: devServerExecutable(),
      searchAttributes: HWC_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
});
afterAll(async () => {
  for (const r of running) r.worker.shutdown();
  await Promise.all(running.map((r) => r.done));
  await store?.close();
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

const until = async <T>(what: string, ok: () => Promise<T>, ms = 60_000): Promise<NonNullable<T>> => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await ok().catch(() => undefined);
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

describe('Worker Versioning: two builds side by side', () => {
  it('journeys keep the build they started on; new ones start on the new build; a moved one follows', async () => {
    const taskQueue = uniqueId('versioned');
    const deploymentName = uniqueId('hwc');
    const cli = resolveTemporalCli().path!;
    const setCurrent = (buildId: string) =>
      // The version exists once its worker has polled: until then the server refuses it.
      until(`${buildId} to become current`, async () => {
        await run(cli, [
          'worker',
          'deployment',
          'set-current-version',
          '--address',
          env.address,
          '--deployment-name',
          deploymentName,
          '--build-id',
          buildId,
          '--yes',
        ]);
        return true;
      });
    const startBuild = async (buildId: string) => {
      const worker = await createHwcWorker({
        connection: env.nativeConnection,
        taskQueue,
        store,
        identity: `worker-${buildId}`,
        deployment: { name: deploymentName, buildId, behavior: 'PINNED' },
      });
      running.push({ worker, done: worker.run() });
    };
    const sign: EventSigner = (wf, e) => testIdentity.sign(wf, e);
    const start = async (ref: string) => {
      await startJourney({
        client: env.client,
        taskQueue,
        office: 'LEEDS',
        record: claimant(ref),
        putClaimant: (r, rec) => store.putClaimant(r, rec),
        trust: testIdentity.trust,
      });
      return ref;
    };
    const versionOf = (ref: string) =>
      until(`${ref} to have a version`, async () => {
        const d = await env.client.workflow.getHandle(workflowIdFor(ref)).describe();
        const v = d.raw.workflowExecutionInfo?.versioningInfo;
        return v?.deploymentVersion?.buildId ? { behavior: v.behavior, buildId: v.deploymentVersion.buildId } : null;
      });
    /** Who did the work: worker identity and build of each workflow task, worker identity of each activity. */
    const workOf = async (ref: string) => {
      const history = await env.client.workflow.getHandle(workflowIdFor(ref)).fetchHistory();
      const tasks = (history.events ?? []).flatMap((e) => {
        const t = e.workflowTaskCompletedEventAttributes;
        return t ? [`${t.identity} ${t.deploymentVersion?.buildId ?? '-'}`] : [];
      });
      const activities = (history.events ?? []).flatMap((e) =>
        e.activityTaskStartedEventAttributes ? [e.activityTaskStartedEventAttributes.identity ?? ''] : [],
      );
      return { tasks: [...new Set(tasks)], activities: [...new Set(activities)] };
    };
    const slot = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
    const tag = `V${process.pid}`;

    // Build 1 is current: the first journeys start on it.
    await startBuild('build-1');
    await setCurrent('build-1');
    const old = await Promise.all([1, 2, 3, 4].map((i) => start(`${tag}-OLD-${i}`)));
    for (const ref of old) expect(await versionOf(ref)).toEqual({ behavior: PINNED, buildId: 'build-1' });

    // Build 2 deployed beside it and made current.
    await startBuild('build-2');
    await setCurrent('build-2');
    const fresh = await Promise.all([1, 2, 3].map((i) => start(`${tag}-NEW-${i}`)));
    for (const ref of fresh) expect(await versionOf(ref)).toEqual({ behavior: PINNED, buildId: 'build-2' });

    // One old journey is moved deliberately: its next workflow task goes to the current build.
    const moved = old[3];
    await env.client.workflowService.updateWorkflowExecutionOptions({
      namespace: 'default',
      workflowExecution: { workflowId: workflowIdFor(moved) },
      workflowExecutionOptions: { versioningOverride: { autoUpgrade: true } },
      updateMask: { paths: ['versioning_override'] },
    });

    // Everyone's next events after the switch, then the claims close and the journeys end.
    for (const ref of [...old, ...fresh]) {
      await sendEvent(env.client, ref, { type: 'BOOKING_CALL', contacted: true, slot: slot(), by: coach }, sign);
      await sendEvent(env.client, ref, { type: 'CLAIM_CLOSED', by: coach }, sign);
    }
    const outcomes = await Promise.all(
      [...old, ...fresh].map(async (ref) => (await env.client.workflow.getHandle(workflowIdFor(ref)).result()).outcome),
    );
    expect(outcomes.every((o) => o === 'NOT_REQUIRED')).toBe(true);

    // Old journeys ran start to end on build 1 — workflow tasks and the letters and bookings of the
    // booking call — though build 2 had long been current.
    for (const ref of old.slice(0, 3))
      expect(await workOf(ref), ref).toEqual({ tasks: ['worker-build-1 build-1'], activities: ['worker-build-1'] });
    for (const ref of fresh)
      expect(await workOf(ref), ref).toEqual({ tasks: ['worker-build-2 build-2'], activities: ['worker-build-2'] });
    // The moved one: started on build 1, everything after the move on build 2.
    const m = await workOf(moved);
    expect(m.tasks[0]).toBe('worker-build-1 build-1');
    expect(m.tasks.at(-1)).toBe('worker-build-2 build-2');
    expect(m.activities).toEqual(['worker-build-1', 'worker-build-2']); // its first letter, then the bookings
    // Visibility knows each journey's build: what `hwc audit --query` selects before moving journeys.
    const onBuild = (b: string) =>
      env.client.workflow.count(`TemporalWorkerDeploymentVersion = '${deploymentName}:${b}'`).then((c) => c.count);
    await until(
      'visibility to show each build',
      async () => (await onBuild('build-1')) === 3 && (await onBuild('build-2')) === 4,
    );
    // And the letters were sent once each, by whichever build ran the journey.
    for (const ref of [...old, ...fresh]) {
      const letters = (await store.outbox({ workflowId: workflowIdFor(ref) })).filter((r) => r.kind === 'comms.letter');
      expect(
        letters.map((r) => r.details.letter),
        ref,
      ).toEqual(['ESAHWC1']);
    }
  }, 240_000);
});
