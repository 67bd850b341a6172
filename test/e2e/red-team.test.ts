// The red team: every way in that an attacker would try, on a real `hwc dev --demo` (Temporal dev server,
// worker, encrypted payloads, codec server), each refused with nothing changed. People's events: forged (a
// certificate signed with the wrong key), tampered after signing, signed for another journey, replayed,
// expired, from the wrong office, in the wrong role, unsigned through @temporalio/client, and sent with the
// `temporal` CLI as an Update and as a Signal. A refused Update leaves the history as it was; a Signal is
// recorded by the server (it records every Signal) but changes nothing in the journey. Key changes unsigned.
// The codec server without a session, with a forged or expired one. And after the demo has run, none of the
// demo claimants' personal data (date of birth, phone number, health notes) is in the dev log, the stub
// database's bytes, or `hwc outbox --json` output.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection, WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { demoCaseload } from '../../cli/demo';
import { CERT_COOKIE, certToken } from '../../identity/cert-token';
import { ephemeralIssuer } from '../../identity/ephemeral';
import { issueCredential, newPrivateKey, signEvent, signTrustChange, type Credential } from '../../identity/signer';
import { publicKeyOf } from '../../identity/proof';
import { resolveTemporalCli } from '../../worker/binaries';
import { PROJECT_ROOT, loadConfig } from '../../worker/config';
import { connectClient } from '../../worker/connection';
import { eventUpdate, journeyQuery, trustUpdate, viewQuery, type EventRequest } from '../../workflows/messages';
import { deploymentIdentity } from '../helpers/identity';
import { freePortPair } from '../helpers/ports';
import { expectTrailMatches } from '../helpers/trail';
import { replayHistory } from '../../cli/commands/audit';
import { AesGcmCodec } from '../../worker/codec';
import { codecKeys } from '../../worker/data-converter';

const HWC = join(PROJECT_ROOT, 'bin/hwc.js');
const dir = mkdtempSync(join(tmpdir(), 'hwc-redteam-'));
const PASSWORD = 'red team demo password';
let dev: ChildProcess;
let devLog = '';
let address: string;
let codecUrl: string;
let env: NodeJS.ProcessEnv;
let client: Client;
/** A client without the payload keys: what a script on the network can do. */
let plainClient: Client;

async function until(what: string, fn: () => boolean, ms: number) {
  const end = Date.now() + ms;
  while (!fn()) {
    if (dev?.exitCode !== null && dev?.exitCode !== undefined) throw new Error(`hwc dev exited:\n${devLog}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}:\n${devLog}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  const port = await freePortPair();
  const uiPort = await freePortPair();
  address = `127.0.0.1:${port}`;
  codecUrl = `http://localhost:${uiPort + 1}`;
  env = {
    ...process.env,
    TEMPORAL_ADDRESS: address,
    HWC_DATA_DIR: dir,
    HWC_DEMO_PASSWORD: PASSWORD,
    HWC_SESSION_FILE: join(dir, 'session.json'),
    VITEST: '',
  };
  dev = spawn(process.execPath, [HWC, 'dev', '--demo', '--port', String(port), '--ui-port', String(uiPort)], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  dev.stderr!.on('data', (d) => (devLog += d));
  await until('hwc dev to start', () => devLog.includes('press Ctrl-C'), 120_000);
  await until('the demo caseload', () => devLog.includes('demo: caseload ready'), 150_000);
  client = await connectClient(loadConfig(env));
  plainClient = new Client({ connection: await Connection.connect({ address }) });
}, 300_000);

afterAll(async () => {
  await client?.connection.close();
  await plainClient?.connection.close();
  if (dev && dev.exitCode === null) {
    const exited = new Promise((r) => dev.once('exit', r));
    dev.kill('SIGINT');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

const identity = () => deploymentIdentity(dir);
const coachAt = (offices = ['LEEDS']) =>
  identity().credentialFor('WC-01', { roles: ['work_coach'], offices }) satisfies Credential;

/** What an attacker wants: to close a running claim. */
const closeClaim = (): EventRequest => ({ type: 'CLAIM_CLOSED', at: new Date().toISOString() });

interface Snapshot {
  historyLength: number;
  trace: string;
}
/** Waits until the journey has performed every effect it decided and has no activity or task in flight. */
async function settle(handle: WorkflowHandle) {
  for (let i = 0; i < 300; i++) {
    const view = await handle.query(viewQuery);
    const raw = (await handle.describe()).raw;
    if (view.pendingEffects === 0 && !raw.pendingActivities?.length && !raw.pendingWorkflowTask) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${handle.workflowId} did not settle`);
}

async function snapshot(handle: WorkflowHandle): Promise<Snapshot> {
  await settle(handle);
  const d = await handle.describe();
  return { historyLength: d.historyLength, trace: JSON.stringify(await handle.query(journeyQuery)) };
}

/** The Update's refusal as the client sees it (the validator's reason). */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof WorkflowUpdateFailedError) return e.cause?.message ?? e.message;
    throw e;
  }
  throw new Error('the Update was accepted');
}

/** Sends `event` as the `event` Update; expects a refusal matching `reason` and nothing changed. */
async function expectRefused(workflowId: string, event: unknown, reason: RegExp, via: Client = client) {
  const handle = via.workflow.getHandle(workflowId);
  const before = await snapshot(client.workflow.getHandle(workflowId));
  expect(await refusal(handle.executeUpdate(eventUpdate, { args: [event as EventRequest] }))).toMatch(reason);
  expect(await snapshot(client.workflow.getHandle(workflowId))).toEqual(before);
}

const temporal = (...args: string[]) =>
  spawnSync(resolveTemporalCli().path ?? 'temporal', [...args, '--address', address], {
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('the decision trail of every demo journey', () => {
  // Demo journeys get their first Updates with the start and some race the HWC time (cli/demo.ts).
  it('equals the journey’s own transitions (hwc audit against the journey query)', async () => {
    const dataConverter = { payloadCodecs: [new AesGcmCodec(codecKeys(loadConfig(env)), 'pass')] };
    const refs = demoCaseload().map((c) => c.record.claimantRef);
    expect(refs.length).toBeGreaterThan(15);
    for (const ref of refs) {
      const handle = client.workflow.getHandle(`hwc-${ref}`);
      await settle(handle);
      const trace = await handle.query(journeyQuery);
      const history = await handle.fetchHistory();
      const report = await replayHistory(history, { source: ref, workflowId: handle.workflowId, dataConverter });
      expect(report.matched, ref).toBe(true);
      expectTrailMatches(report.trail, trace, ref);
    }
  });
});

describe("red team: people's events", () => {
  const target = 'hwc-DEMO-001'; // awaiting the booking call: CLAIM_CLOSED would end it NOT_REQUIRED

  it('refuses a certificate signed with the wrong key (the real key id, another private key)', async () => {
    const realKid = identity().trust[0].kid;
    const wrong = newPrivateKey();
    const forged = issueCredential(
      { kid: realKid, privateKey: wrong, publicKey: publicKeyOf(wrong) },
      {
        staffId: 'MALLORY',
        roles: ['work_coach'],
        offices: ['*'],
      },
    );
    await expectRefused(target, signEvent(forged, target, closeClaim()), /proof\.cert\.sig: not a valid signature/);
    // And a key of the attacker's own, under its own id.
    const own = issueCredential(ephemeralIssuer().issuer, {
      staffId: 'MALLORY',
      roles: ['work_coach'],
      offices: ['*'],
    });
    await expectRefused(target, signEvent(own, target, closeClaim()), /is not trusted by this journey/);
  });

  it('refuses an event changed after it was signed', async () => {
    const signed = signEvent(coachAt(), target, {
      type: 'BOOKING_CALL',
      contacted: false,
      at: new Date().toISOString(),
    });
    await expectRefused(
      target,
      { ...signed, type: 'CLAIM_CLOSED', contacted: undefined },
      /proof\.digest: the event is not the one that was signed/,
    );
    await expectRefused(target, { ...signed, contacted: true }, /proof\.digest/);
    // The signer's name swapped for another's.
    await expectRefused(
      target,
      { ...signed, by: { staffId: 'TL-01', role: 'work_coach' } },
      /by\.staffId: TL-01 is not the signed-in person|proof\.digest/,
    );
  });

  it('refuses a proof made for another journey', async () => {
    const forOther = signEvent(coachAt(), 'hwc-DEMO-002', closeClaim());
    await expectRefused(target, forOther, /proof\.wf: signed for journey hwc-DEMO-002, not this one/);
  });

  it('accepts a signed event once and refuses it replayed', async () => {
    const wf = 'hwc-DEMO-002';
    const handle = client.workflow.getHandle(wf);
    const signed = signEvent(coachAt(), wf, { type: 'BOOKING_CALL', contacted: false, at: new Date().toISOString() });
    const first = await handle.executeUpdate(eventUpdate, { args: [signed] });
    expect(first.stage).toBe('awaitingPreCallTime');
    await expectRefused(wf, signed, /proof\.nonce: this signed event was already used/);
  });

  it('refuses an expired proof and a proof from an expired session', async () => {
    const old = Date.now() - 20 * 60_000;
    const stale = signEvent(
      coachAt(),
      target,
      { type: 'CLAIM_CLOSED', at: new Date(old).toISOString() },
      { nowMs: old },
    );
    await expectRefused(target, stale, /proof: expired at /);
    const lastWeek = Date.now() - 7 * 86_400_000;
    const ended = identity();
    const cred = issueCredential(
      { kid: ended.trust[0].kid, ...readIssuer() },
      { staffId: 'WC-01', roles: ['work_coach'], offices: ['LEEDS'] },
      { nowMs: lastWeek },
    );
    await expectRefused(target, signEvent(cred, target, closeClaim()), /proof\.cert: expired at .*sign in again/);
  });

  it('refuses a person from another office, and a role that may not record the event', async () => {
    const manchester = identity().credentialFor('WC-11', { roles: ['work_coach'], offices: ['MAN01'] });
    await expectRefused(
      target,
      signEvent(manchester, target, closeClaim()),
      /acts for MAN01, not for this journey's office LEEDS/,
    );
    const manager = identity().credentialFor('MGR-01', { roles: ['manager'], offices: ['LEEDS'] });
    await expectRefused(
      target,
      signEvent(manager, target, closeClaim()),
      /by\.role: manager may not record CLAIM_CLOSED/,
    );
    // Claiming a role the certificate does not give.
    const auditor = identity().credentialFor('AUD-01', { roles: ['auditor'], offices: ['*'] });
    await expectRefused(
      target,
      signEvent(auditor, target, closeClaim(), { role: 'work_coach' }),
      /by\.role: AUD-01 does not hold the role work_coach/,
    );
  });

  it('refuses an unsigned event sent with @temporalio/client, encrypted or not', async () => {
    const unsigned = { ...closeClaim(), by: { staffId: 'MALLORY', role: 'work_coach' } };
    await expectRefused(target, unsigned, /CLAIM_CLOSED\.proof: missing/);
    // Without the payload keys the worker sees a plain payload and refuses it before reading it.
    await expectRefused(target, unsigned, /unencrypted|encrypt/i, plainClient);
  });

  it('refuses an unsigned or self-signed change of trusted keys', async () => {
    const handle = client.workflow.getHandle(target);
    const before = await snapshot(handle);
    const attacker = ephemeralIssuer();
    expect(await refusal(handle.executeUpdate(trustUpdate, { args: [{ add: attacker.trust }] }))).toMatch(/^trust\./);
    const selfSigned = signTrustChange(attacker.issuer, target, { add: attacker.trust });
    expect(await refusal(handle.executeUpdate(trustUpdate, { args: [selfSigned] }))).toMatch(
      /trust\.kid: key .* is not trusted/,
    );
    expect(await snapshot(handle)).toEqual(before);
  });

  it('refuses an Update sent with the temporal CLI; the history length is unchanged', async () => {
    const handle = client.workflow.getHandle(target);
    const before = await snapshot(handle);
    const input = JSON.stringify({
      type: 'EXEMPTION_IDENTIFIED',
      category: 'TERMINAL_ILLNESS',
      by: { staffId: 'NOT-STAFF', role: 'work_coach' },
    });
    const r = temporal('workflow', 'update', 'execute', '--workflow-id', target, '--name', 'event', '--input', input);
    expect(r.status).not.toBe(0);
    expect(`${r.stdout}${r.stderr}`).toMatch(/unencrypted|encrypt|proof/i);
    expect(await snapshot(handle)).toEqual(before);
  });

  it('records a Signal sent with the temporal CLI (the server keeps every Signal) but the journey is unchanged', async () => {
    const handle = client.workflow.getHandle(target);
    const before = await snapshot(handle);
    const input = JSON.stringify({ ...closeClaim(), by: { staffId: 'NOT-STAFF', role: 'work_coach' } });
    for (const name of ['eventSignal', 'event']) {
      const r = temporal('workflow', 'signal', '--workflow-id', target, '--name', name, '--input', input);
      expect(r.status, r.stderr).toBe(0);
    }
    // The Signals are in the history; once the worker has handled them, the journey's state is what it was.
    let after = await snapshot(handle);
    for (let i = 0; i < 100 && after.historyLength < before.historyLength + 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await snapshot(handle);
    }
    expect(after.historyLength).toBeGreaterThan(before.historyLength);
    expect(after.trace).toBe(before.trace);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    // A signed event still works afterwards: the journey was not damaged.
    const signed = signEvent(coachAt(), target, {
      type: 'BOOKING_CALL',
      contacted: false,
      at: new Date().toISOString(),
    });
    expect((await handle.executeUpdate(eventUpdate, { args: [signed] })).stage).toBe('awaitingPreCallTime');
  });
});

/** The deployment's issuer private key (the test acts as the front door would, with old clocks). */
function readIssuer() {
  const file = JSON.parse(readFileSync(join(dir, 'identity-keys.json'), 'utf8')) as {
    current: string;
    keys: { kid: string; privateKey: string; publicKey: string }[];
  };
  const k = file.keys.find((x) => x.kid === file.current)!;
  return { privateKey: k.privateKey, publicKey: k.publicKey };
}

describe('red team: the codec server', () => {
  const decode = (headers: Record<string, string>) =>
    fetch(`${codecUrl}/decode`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ payloads: [] }),
    });
  const manager = () => identity().credentialFor('MGR-01', { roles: ['manager'], offices: ['LEEDS'] });

  it('answers 401 without a session, with a forged one and with an expired one', async () => {
    expect((await decode({})).status).toBe(401);
    const forged = issueCredential(ephemeralIssuer().issuer, { staffId: 'MGR-01', roles: ['manager'], offices: ['*'] });
    expect((await decode({ Authorization: `Bearer ${certToken(forged.cert)}` })).status).toBe(401);
    expect((await decode({ Cookie: `${CERT_COOKIE}=${certToken(forged.cert)}` })).status).toBe(401);
    const tampered = { ...manager().cert, roles: ['manager' as const, 'auditor' as const] };
    expect((await decode({ Authorization: `Bearer ${certToken(tampered)}` })).status).toBe(401);
    const expired = issueCredential(
      { kid: identity().trust[0].kid, ...readIssuer() },
      { staffId: 'MGR-01', roles: ['manager'], offices: ['LEEDS'] },
      { nowMs: Date.now() - 86_400_000 },
    );
    expect((await decode({ Authorization: `Bearer ${certToken(expired.cert)}` })).status).toBe(401);
    expect((await decode({ Authorization: 'Bearer not-a-certificate' })).status).toBe(401);
  });

  it('answers 403 for another Host or Origin, and 413 for a body over the cap', async () => {
    const token = certToken(manager().cert);
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    expect((await decode({ ...auth, Origin: 'http://localhost:1' })).status).toBe(403);
    // DNS rebinding: a page served under another name that resolves to this machine.
    expect(await rawPost({ ...auth, Host: 'evil.example' }, '{"payloads":[]}')).toBe(403);
    const big = JSON.stringify({ payloads: [{ data: 'A'.repeat(5 * 1024 * 1024) }] });
    expect(await rawPost(auth, big)).toBe(413);
    expect(await rawPost(auth, '{"payloads":[]}')).toBe(200);
  });
});

/** POST /decode with headers fetch may not set (Host); the status, even when the server stops reading. */
function rawPost(headers: Record<string, string>, body: string): Promise<number> {
  const url = new URL(`${codecUrl}/decode`);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { Host: url.host, ...headers },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('red team: personal data at rest and in output', () => {
  // The demo claimants' personal data (cli/demo.ts): a date of birth, a mobile number, a health note.
  const records = demoCaseload().map((c) => c.record);
  const pii = [
    ...new Set([
      ...records.map((r) => r.dateOfBirth),
      ...records.map((r) => r.lms?.mobile).filter((m): m is string => !!m),
      ...records.flatMap((r) => r.health?.notes ?? []),
    ]),
  ];

  it('knows what to look for', () => {
    expect(pii).toEqual(expect.arrayContaining(['1984-06-01', '07700900000', 'GP mentions DS1500 pending']));
  });

  it('keeps it out of the dev log, the stub database files and hwc outbox --json', () => {
    const log = readFileSync(join(dir, 'dev.log'), 'utf8');
    expect(log).toContain('codec | ');
    const dbFiles = readdirSync(dir).filter((f) => f.startsWith('stubs.sqlite'));
    expect(dbFiles).toContain('stubs.sqlite');
    for (const f of dbFiles) expect(statSync(join(dir, f)).mode & 0o077).toBe(0);
    const out = spawnSync(process.execPath, [HWC, 'outbox', '--json'], { env, encoding: 'utf8', timeout: 60_000 });
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(out.stdout).length).toBeGreaterThan(10);
    const places: [string, string][] = [
      ['dev.log', log],
      ['hwc dev output', devLog],
      ['hwc outbox --json', out.stdout],
      ...dbFiles.map((f) => [f, readFileSync(join(dir, f)).toString('latin1')] as [string, string]),
    ];
    for (const [where, text] of places)
      for (const value of pii) expect(text.includes(value), `${value} found in ${where}`).toBe(false);
  });
});
