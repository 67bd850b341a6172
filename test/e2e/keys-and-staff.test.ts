// `hwc keys rotate` and `hwc staff hash-password` as an operator runs them. Rotation on a dev server with
// running journeys: every running journey is told (a signed `trust` Update), sessions certified by the new key
// are accepted, sessions of the previous key still are during the grace period, and an ended journey is not
// counted. The password hash is what the staff directory and the sign-in accept.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { StubStore } from '../../activities/store';
import { EventRejectedError, sendEvent, signerFor, startJourney } from '../../client/journeys';
import { RUNNING_JOURNEYS } from '../../client/trust';
import { parseStaffDirectory } from '../../domain/staff';
import { ephemeralIssuer } from '../../identity/ephemeral';
import { ensureDevIdentityKeys, readIdentityKeys, rotateIdentityKey } from '../../identity/keys';
import { liveTrustedKeys } from '../../cli/identity';
import { verifyPassword } from '../../identity/password';
import { issueCredential, type IssuerKey } from '../../identity/signer';
import { devServerExecutable } from '../../worker/binaries';
import { PROJECT_ROOT, loadConfig } from '../../worker/config';
import { createHwcWorker } from '../../worker/worker';
import { HWC_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';
import { journeyQuery } from '../../workflows/messages';
import { recentClaimant } from '../helpers/temporal';

const HWC = join(PROJECT_ROOT, 'bin/hwc.js');
const dir = mkdtempSync(join(tmpdir(), 'hwc-keys-'));
const keyFile = join(dir, 'identity-keys.json');
const coach = { staffId: 'WC-07', roles: ['work_coach' as const], offices: ['LEEDS'] };

const cliEnv = () => ({
  ...process.env,
  TEMPORAL_ADDRESS: env?.address ?? '127.0.0.1:1',
  HWC_DATA_DIR: dir,
  HWC_ENCRYPTION: 'off',
  HWC_IDENTITY_KEY_FILE: keyFile,
  VITEST: '',
});

/** `hwc …` in its own process, asynchronously: the journeys' worker runs in this one and must keep polling. */
function hwc(input: string | undefined, ...args: string[]) {
  const child = spawn(process.execPath, [HWC, ...args], { env: cliEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(input ?? '');
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr })),
  );
}

const record = (ref: string) => recentClaimant(ref, { workCoach: 'WC-07' });

describe('hwc staff hash-password', () => {
  it('prints a salted scrypt hash that the staff directory and the sign-in accept', async () => {
    const password = 'correct horse battery staple';
    const a = await hwc(`${password}\nsecond line ignored\n`, 'staff', 'hash-password');
    const b = await hwc(`${password}\n`, 'staff', 'hash-password');
    expect(a.code, a.stderr).toBe(0);
    const hash = a.stdout.trim();
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(b.stdout.trim()).not.toBe(hash); // a fresh salt each time
    expect(a.stdout).not.toContain(password);
    expect(await verifyPassword(password, hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    const staff = parseStaffDirectory({ version: 2, staff: [{ ...coach, password: hash }] }, 'test');
    expect(staff.staff[0].password).toBe(hash);
  });

  it('refuses a short or empty password with exit 2 and prints no hash', async () => {
    for (const input of ['short\n', '\n']) {
      const r = await hwc(input, 'staff', 'hash-password');
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^hwc: password: /);
    }
  });
});

let env: TestWorkflowEnvironment;
let worker: Worker;
let running: Promise<void>;
let store: StubStore;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: devServerExecutable(),
      dbFilename: join(dir, 'temporal.sqlite'),
      searchAttributes: HWC_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  store = await StubStore.open(join(dir, 'stubs.sqlite'));
  worker = await createHwcWorker({ connection: env.nativeConnection, store, taskQueue: 'hwc-keys' });
  running = worker.run();
});

afterAll(async () => {
  worker?.shutdown();
  await running;
  await store?.close();
  await env?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('hwc keys rotate', () => {
  it('tells every running journey to trust the new key; the previous key keeps working until it retires', async () => {
    const before = ensureDevIdentityKeys(keyFile);
    const oldIssuer = before.issuer!;
    const refs = ['KEYS-A', 'KEYS-B', 'KEYS-C'].map((r) => `${r}-${process.pid}`);
    for (const ref of refs)
      await startJourney({
        client: env.client,
        taskQueue: 'hwc-keys',
        office: 'LEEDS',
        record: record(ref),
        putClaimant: (r, rec) => store.putClaimant(r, rec),
        trust: before.trusted,
      });
    // One journey has ended before the rotation: it is not counted, and not told.
    await env.client.workflow.getHandle(`hwc-${refs[2]}`).terminate('test: ended before the rotation');
    // Visibility is eventually consistent: wait until the listing shows the two running journeys.
    for (;;) {
      const listed = [];
      for await (const w of env.client.workflow.list({ query: RUNNING_JOURNEYS })) listed.push(w.workflowId);
      if (listed.length === 2) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // Each journey has finished its first workflow task (a query is answered by the worker).
    for (const ref of refs.slice(0, 2)) await env.client.workflow.getHandle(`hwc-${ref}`).query(journeyQuery);
    const foreign = ephemeralIssuer().issuer;
    const closeAs = (issuer: IssuerKey, ref: string) =>
      sendEvent(env.client, ref, { type: 'CLAIM_CLOSED' }, signerFor(issueCredential(issuer, coach)));
    // Control: a key the journeys do not trust is refused.
    await expect(closeAs(foreign, refs[0])).rejects.toThrow(/is not trusted by this journey/);

    const r = await hwc(undefined, 'keys', 'rotate');
    expect(r.code, r.stderr).toBe(0);
    const after = readIdentityKeys(keyFile);
    const newIssuer = after.issuer!;
    expect(newIssuer.kid).not.toBe(oldIssuer.kid);
    expect(r.stdout).toContain(`new identity key ${newIssuer.kid}`);
    expect(r.stdout).toContain(`2 running journeys now trust ${newIssuer.kid}`);
    const retiring = after.file.keys.find((k) => k.kid === oldIssuer.kid)!;
    expect(Date.parse(retiring.notAfter!) - Date.now()).toBeGreaterThan(11 * 3_600_000);

    // The foreign key is still refused.
    await expect(closeAs(foreign, refs[0])).rejects.toThrow(EventRejectedError);
    // A session certified by the new key is accepted by a journey started before the rotation …
    expect((await closeAs(newIssuer, refs[0])).outcome).toBe('NOT_REQUIRED');
    // … and one certified by the previous key still is, during the grace period.
    expect((await closeAs(oldIssuer, refs[1])).outcome).toBe('NOT_REQUIRED');
  });

  it('long-running services (workers starting journeys, the codec server) follow the rotation', () => {
    const other = mkdtempSync(join(tmpdir(), 'hwc-keys-live-'));
    try {
      const cfg = loadConfig({ HWC_DATA_DIR: other });
      const first = ensureDevIdentityKeys(join(other, 'identity-keys.json'));
      const live = liveTrustedKeys(cfg);
      expect(live().map((k) => k.kid)).toEqual([first.issuer!.kid]);
      const rotated = rotateIdentityKey(join(other, 'identity-keys.json'), { graceMs: 0 });
      // The previous key retired at once (no grace): only the new one is trusted now.
      expect(live().map((k) => k.kid)).toEqual([rotated.added.kid]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('refuses bad input with exit 2 and leaves the key file as it was', async () => {
    const before = readIdentityKeys(keyFile).file;
    const r = await hwc(undefined, 'keys', 'rotate', '--grace-hours', 'soon');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--grace-hours: /);
    expect(readIdentityKeys(keyFile).file).toEqual(before);
  });
});
