// `hwc outbox` and its --json redact health details, notes and phone numbers; `--unredacted` shows them
// only to a signed-in auditor or manager whose session verifies against the deployment's identity keys.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, redact } from '../../activities/redact';
import { StubStore } from '../../activities/store';
import { outbox } from '../../cli/commands/outbox';
import { CliError } from '../../cli/errors';
import { saveCliSession } from '../../identity/cli-session';
import { ensureDevIdentityKeys } from '../../identity/keys';
import { issueCredential } from '../../identity/signer';
import { PROJECT_ROOT } from '../../worker/config';

const dir = mkdtempSync(join(tmpdir(), 'hwc-redact-'));
const NOTE = 'ATTENDED: disclosed depression; prefers 07700900456';
const env = {
  HWC_DATA_DIR: join(dir, 'data'),
  HWC_DB: join(dir, 'stubs.sqlite'),
  HWC_CODEC_KEYS: `k-redact1:${randomBytes(32).toString('base64')}`,
  HWC_SESSION_FILE: join(dir, 'session.json'),
  HWC_IDENTITY_KEY_FILE: join(dir, 'identity-keys.json'),
};
const saved = { ...process.env };

beforeAll(async () => {
  Object.assign(process.env, env);
  const store = await StubStore.open(env.HWC_DB, {
    keys: {
      current: 'k-redact1',
      keys: new Map([['k-redact1', Buffer.from(env.HWC_CODEC_KEYS.split(':')[1], 'base64')]]),
    },
  });
  const base = { workflowId: 'hwc-R-1', claimantRef: 'R-1', at: '2026-02-03T10:40:00.000Z' };
  await store.record({ ...base, key: 'hwc-R-1#1', system: 'lms', kind: 'lms.note', details: { text: NOTE } });
  await store.record({
    ...base,
    key: 'hwc-R-1#2',
    system: 'lms',
    kind: 'lms.recordActionPlan',
    details: {
      actions: [{ what: 'Counselling for anxiety', where: 'GP', when: 'weekly' }],
      myValues: 'my health first',
    },
  });
  await store.record({
    ...base,
    key: 'hwc-R-1#3',
    system: 'comms',
    kind: 'comms.letter',
    details: { letter: 'ESAHWC1' },
  });
  await store.close();
  ensureDevIdentityKeys(env.HWC_IDENTITY_KEY_FILE);
});
afterAll(() => {
  process.env = saved;
  rmSync(dir, { recursive: true, force: true });
});

async function run(opts: Parameters<typeof outbox>[0]) {
  const chunks: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((c: string) => (chunks.push(String(c)), true)) as typeof process.stdout.write;
  try {
    await outbox(opts);
  } finally {
    process.stdout.write = write;
  }
  return chunks.join('');
}

const signIn = (roles: string[]) => {
  const keys = ensureDevIdentityKeys(env.HWC_IDENTITY_KEY_FILE);
  saveCliSession(
    issueCredential(keys.issuer!, { staffId: 'ST-1', roles: roles as never, offices: ['LEEDS'] }),
    env.HWC_SESSION_FILE,
  );
};

describe('hwc outbox redaction', () => {
  it('redacts notes, action plans and phone numbers in --json and the table by default', async () => {
    const json = await run({ json: true });
    expect(json).not.toContain('depression');
    expect(json).not.toContain('07700900456');
    expect(json).not.toContain('anxiety');
    const rows = JSON.parse(json);
    expect(rows.map((r: { details: unknown }) => r.details)).toEqual([
      { text: REDACTED },
      { actions: REDACTED, myValues: REDACTED },
      { letter: 'ESAHWC1' },
    ]);
    const text = await run({});
    expect(text).toMatch(/LMS: notepad entry/);
    expect(text).not.toContain('depression');
  });

  it('refuses --unredacted without a session, for a role that may not read personal data, and for a forged session', async () => {
    rmSync(env.HWC_SESSION_FILE, { force: true });
    await expect(run({ unredacted: true, json: true })).rejects.toThrow(/--unredacted: not signed in/);
    signIn(['work_coach']);
    const refused = await run({ unredacted: true, json: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CliError);
    expect((refused as CliError).exitCode).toBe(2);
    expect((refused as Error).message).toMatch(/only auditor or manager may see personal data; ST-1 holds work_coach/);
    // Editing the session file to claim a role breaks its signature.
    const file = JSON.parse(readFileSync(env.HWC_SESSION_FILE, 'utf8'));
    file.cert.roles = ['auditor'];
    writeFileSync(env.HWC_SESSION_FILE, JSON.stringify(file));
    await expect(run({ unredacted: true, json: true })).rejects.toThrow(/not signed by a key this deployment trusts/);
  });

  it('shows everything to a signed-in auditor or manager who asks', async () => {
    for (const role of ['auditor', 'manager']) {
      signIn([role]);
      const rows = JSON.parse(await run({ unredacted: true, json: true }));
      expect(rows[0].details).toEqual({ text: NOTE });
      expect(rows[1].details.myValues).toBe('my health first');
      expect(await run({ unredacted: true })).toContain(NOTE);
      // Without the flag, even they get the redacted view.
      expect(await run({ json: true })).not.toContain('depression');
    }
  });

  it('exits 2 from the command line when a work coach asks for --unredacted', () => {
    signIn(['work_coach']);
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'bin/hwc.js'), 'outbox', '--unredacted'], {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^hwc: --unredacted: only auditor or manager/);
    expect(r.stdout).toBe('');
  });

  it('redact() replaces sensitive fields at any depth and leaves the rest', () => {
    expect(
      redact({ lms: { mobile: '077', workCoach: 'WC-1' }, health: { notes: ['x'] }, list: [{ phone: '1' }], n: null }),
    ).toEqual({ lms: { mobile: REDACTED, workCoach: 'WC-1' }, health: REDACTED, list: [{ phone: REDACTED }], n: null });
  });
});
