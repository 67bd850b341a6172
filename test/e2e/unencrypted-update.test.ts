// With encryption on, an `event` Update sent without encryption (the `temporal` CLI, the Web UI, a script)
// is refused by the journey with a reason, and leaves nothing in its history; the workflow keeps running.
// (A codec that throws instead fails the workflow task again and again: events pile up and the journey
// stalls until the sender gives up. So the worker's codec turns it into a marker the validator refuses.)
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { StubStore } from '../../activities/store';
import { ephemeralIssuer } from '../../identity/ephemeral';
import { ensureDevIdentityKeys } from '../../identity/keys';
import { startJourney } from '../../client/journeys';
import { devServerExecutable, resolveTemporalCli } from '../../worker/binaries';
import { AesGcmCodec, createKeyFile } from '../../worker/codec';
import { PROJECT_ROOT } from '../../worker/config';
import { viewQuery, workflowIdFor } from '../../workflows/messages';
import { HWC_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { claimant, uniqueId } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let dir: string;
let keyFile: string;
let worker: ChildProcess | undefined;
let workerLog = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hwc-plain-'));
  keyFile = join(dir, 'codec-keys.json');
  env = await TestWorkflowEnvironment.createLocal({
    client: { dataConverter: { payloadCodecs: [new AesGcmCodec(createKeyFile(keyFile))] } },
    server: {
      executable: devServerExecutable(),
      searchAttributes: HWC_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
});
afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((r) => worker!.once('exit', r));
    worker.kill('SIGTERM');
    await exited;
  }
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('an unencrypted event Update', () => {
  it('is refused with a reason and leaves the history as it was', async () => {
    const taskQueue = uniqueId('plain');
    const db = join(dir, 'stubs.sqlite');
    worker = spawn(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), 'worker'], {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: env.address,
        HWC_TASK_QUEUE: taskQueue,
        HWC_DB: db,
        HWC_CODEC_KEY_FILE: keyFile,
        // Workers refuse to start without the deployment's identity keys (the journeys they start trust them).
        HWC_IDENTITY_KEY_FILE: ensureDevIdentityKeys(join(dir, 'identity-keys.json')).path,
        VITEST: '',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    worker.stderr!.on('data', (d) => (workerLog += d));
    const ref = `PLAIN-${process.pid}`;
    const store = await StubStore.open(db);
    await startJourney({
      client: env.client,
      taskQueue,
      office: 'LEEDS',
      record: claimant(ref),
      putClaimant: (r, rec) => store.putClaimant(r, rec),
      trust: ephemeralIssuer().trust,
    });
    await store.close();
    const handle = env.client.workflow.getHandle(workflowIdFor(ref));
    // Settled: waiting for the booking call, its first effects performed.
    for (let i = 0; ; i++) {
      const v = await handle.query(viewQuery).catch(() => null);
      if (v?.stage === 'awaitingBookingCall' && v.pendingEffects === 0) break;
      if (i > 600) throw new Error(`journey did not settle\n${workerLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const events = async () => (await handle.fetchHistory()).events!.length;
    const before = await events();

    const cli = resolveTemporalCli().path!;
    const forged = {
      type: 'EXEMPTION_IDENTIFIED',
      category: 'TERMINAL_ILLNESS',
      by: { staffId: 'X-1', role: 'work_coach' },
    };
    const sent = await promisify(execFile)(
      cli,
      [
        'workflow',
        'update',
        'execute',
        '--address',
        env.address,
        '--workflow-id',
        handle.workflowId,
        '--name',
        'event',
        '--input',
        JSON.stringify(forged),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    ).then(
      () => ({ code: 0, text: '' }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, text: `${e.stdout}${e.stderr}` }),
    );
    expect(sent.code).not.toBe(0);
    expect(sent.text).toMatch(/payload not encrypted/);

    await new Promise((r) => setTimeout(r, 2000));
    expect(await events()).toBe(before);
    const d = await handle.describe();
    expect(d.status.name).toBe('RUNNING');
    expect(d.raw.pendingWorkflowTask ?? null).toBeNull();
    expect((await handle.query(viewQuery)).stage).toBe('awaitingBookingCall');
  });
});
