// The stub systems' store on both backends (a SQLite file, a real PostgreSQL server): one letter, one
// booking, one doubt per (workflow id, step) enforced by the database even when several workers race;
// personal data sealed at rest with the deployment's keys.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities, MISSING_RECORD_ESCALATION_ATTEMPT, type EffectRequest } from '../../activities';
import { StubStore } from '../../activities/store';
import { SealError, type SealKeys } from '../../db/sealed';
import type { RecordedEffect } from '../../machines/context';
import { claimant } from '../helpers/temporal';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

let pg: TestPostgres;
const dir = mkdtempSync(join(tmpdir(), 'hwc-stubs-'));
let n = 0;
const keysOf = (id: string): SealKeys => ({ current: id, keys: new Map([[id, randomBytes(32)]]) });

beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const backends = [
  { name: 'sqlite', location: async () => join(dir, `stubs-${++n}.sqlite`) },
  { name: 'postgres', location: () => pg.newDatabase('stubs') },
] as const;

const booking = (seq: number, appointmentId = 1): RecordedEffect =>
  ({
    kind: 'lms.bookAppointment',
    seq,
    at: '2026-01-21T10:00:00.000Z',
    appointment: 'HWC',
    appointmentId,
    appointmentAt: '2026-02-03T10:00:00.000Z',
    minutes: 40,
    workCoach: 'WC-01',
  }) as RecordedEffect;

describe.each(backends)('StubStore on $name', ({ location }) => {
  let url: string;
  let keys: SealKeys;
  let a: StubStore;
  let b: StubStore;
  beforeAll(async () => {
    url = await location();
    keys = keysOf('k-0a1b2c3d');
    // Two stores on one database: two workers on two hosts.
    a = await StubStore.open(url, { keys });
    b = await StubStore.open(url, { keys });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('records an effect once per key, whoever records it', async () => {
    const row = {
      key: 'wf-1#1',
      workflowId: 'wf-1',
      claimantRef: 'C-1',
      system: 'comms' as const,
      kind: 'comms.letter',
      at: '2026-01-21T10:00:00.000Z',
      details: { letter: 'ESAHWC1' },
    };
    const results = await Promise.all([a.record(row), b.record(row), a.record(row), b.record(row)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await a.outbox({ workflowId: 'wf-1' })).toMatchObject([{ key: 'wf-1#1', details: { letter: 'ESAHWC1' } }]);
  });

  it('books one appointment and raises one doubt per (workflow, step) when two workers perform it at once', async () => {
    const onA = createActivities({ store: a });
    const onB = createActivities({ store: b });
    const wf = `wf-race-${n}`;
    const req = (effect: RecordedEffect): EffectRequest => ({ workflowId: wf, claimantRef: 'C-2', effect });
    const book = await Promise.all([
      onA.bookAppointment(req(booking(1))),
      onB.bookAppointment(req(booking(1))),
      onA.bookAppointment(req(booking(1))),
    ]);
    expect(book.filter((r) => r.performed)).toHaveLength(1);
    const doubt = { kind: 'lms.raiseDoubt', seq: 2, at: '2026-02-04T10:00:00.000Z', failure: 'FTA' } as RecordedEffect;
    const raised = await Promise.all([onA.raiseDoubt(req(doubt)), onB.raiseDoubt(req(doubt))]);
    expect(raised.map((r) => r.performed).sort()).toEqual([false, true]);
    const attended = {
      kind: 'lms.updateAppointment',
      seq: 3,
      at: '2026-02-03T10:40:00.000Z',
      appointmentId: 1,
      status: 'attended',
    } as RecordedEffect;
    await Promise.all([onA.updateAppointment(req(attended)), onB.updateAppointment(req(attended))]);

    const rows = await a.outbox({ workflowId: wf });
    expect(rows.map((r) => [r.key, r.kind])).toEqual([
      [`${wf}#1`, 'lms.bookAppointment'],
      [`${wf}#3`, 'lms.updateAppointment'],
      [`${wf}#2`, 'lms.raiseDoubt'],
    ]);
    expect(await b.diary({ workflowId: wf })).toEqual([
      {
        workflowId: wf,
        appointmentId: 1,
        claimantRef: 'C-2',
        kind: 'HWC',
        at: '2026-02-03T10:00:00.000Z',
        workCoach: 'WC-01',
        status: 'attended',
      },
    ]);
  });

  it('keeps claimant records sealed at rest and opens them with the keys', async () => {
    const record = claimant('C-SEALED');
    await a.putClaimant('C-SEALED', record);
    expect(await b.getClaimant('C-SEALED')).toEqual(record);
    const [raw] = await a.db.query<{ record: string }>(`SELECT record FROM claimants WHERE claimant_ref = $1`, [
      'C-SEALED',
    ]);
    expect(raw.record).toMatch(/^hwc-sealed:v1:k-0a1b2c3d:/);
    for (const secret of ['1980-04-02', '07700900123', 'LEEDS']) expect(raw.record).not.toContain(secret);

    // Another deployment's keys, or no keys, cannot read it; one claimant's sealed record moved onto
    // another's row does not open either.
    const stranger = await StubStore.open(url, { keys: keysOf('k-0a1b2c3d') });
    await expect(stranger.getClaimant('C-SEALED')).rejects.toThrow(SealError);
    await stranger.close();
    const keyless = await StubStore.open(url);
    await expect(keyless.getClaimant('C-SEALED')).rejects.toThrow(/set the codec keys/);
    await keyless.close();
    await a.putClaimant('C-OTHER', claimant('C-OTHER'));
    await a.db.run(`UPDATE claimants SET record = $1 WHERE claimant_ref = $2`, [raw.record, 'C-OTHER']);
    await expect(a.getClaimant('C-OTHER')).rejects.toThrow(/tampered or moved/);
  });

  it('seals what people wrote in recorded effects, and keeps the rest queryable', async () => {
    await a.record({
      key: 'wf-note#4',
      workflowId: 'wf-note',
      claimantRef: 'C-3',
      system: 'lms',
      kind: 'lms.note',
      at: '2026-02-03T10:40:00.000Z',
      details: { text: 'ATTENDED: disclosed anxiety, call 07700900999' },
    });
    const [raw] = await a.db.query<{ details: string; sealed: string }>(
      `SELECT details, sealed FROM outbox WHERE key = $1`,
      ['wf-note#4'],
    );
    expect(raw.details).toBe('{}');
    expect(raw.sealed).toMatch(/^hwc-sealed:v1:/);
    expect(raw.sealed).not.toContain('anxiety');
    expect((await b.outbox({ claimantRef: 'C-3' }))[0].details).toEqual({
      text: 'ATTENDED: disclosed anxiety, call 07700900999',
    });
  });

  it('keeps a weekly report once, its rows sealed, processed once', async () => {
    const rows = [claimant('R-1'), claimant('R-2')];
    const first = await a.submitReport({ id: 'R-abc', office: 'LEEDS', source: 'weekly.json', rows });
    const again = await b.submitReport({ id: 'R-abc', office: 'LEEDS', source: 'weekly.json', rows });
    expect([first.created, again.created]).toEqual([true, false]);
    expect((await b.pendingReports('LEEDS')).map((r) => [r.id, r.rowCount])).toEqual([['R-abc', 2]]);
    expect(await b.pendingReports('YORK')).toEqual([]);
    expect(await b.reportRows('R-abc')).toEqual(rows);
    const [raw] = await a.db.query<{ rows: string }>(`SELECT rows FROM reports WHERE id = $1`, ['R-abc']);
    expect(raw.rows).not.toContain('07700900123');
    const marked = await Promise.all([
      a.markReportProcessed('R-abc', { started: ['R-1', 'R-2'] }),
      b.markReportProcessed('R-abc', { started: [] }),
    ]);
    expect(marked.filter(Boolean)).toHaveLength(1);
    const [done] = await a.reports({ status: 'processed' });
    expect(done).toMatchObject({ id: 'R-abc', status: 'processed', rowCount: 2 });
    expect(await a.report('nope')).toBeNull();
  });

  it('refuses work while a system is down (fault injection), seen by every worker', async () => {
    await a.setFault('lms', new Date(Date.now() + 60_000));
    expect(await b.faultUntil('lms')).not.toBeNull();
    await expect(
      createActivities({ store: b }).bookAppointment({
        workflowId: 'wf-down',
        claimantRef: 'C-4',
        effect: booking(1),
      }),
    ).rejects.toThrow(/LMS unavailable/);
    await b.setFault('lms', null);
    expect(await a.faultUntil('lms')).toBeNull();
    expect(await a.outbox({ workflowId: 'wf-down' })).toEqual([]);
  });

  it('never answers "no record": a missing record is retried, and escalated once from the third attempt', async () => {
    const activities = createActivities({ store: a });
    const read = (attempt: number) =>
      new MockActivityEnvironment({
        attempt,
        activityId: '7',
        workflowExecution: { workflowId: 'wf-missing', runId: 'r' },
      }).run(activities.readClaimantRecord, { claimantRef: 'C-MISSING' });
    for (let attempt = 1; attempt <= MISSING_RECORD_ESCALATION_ATTEMPT + 2; attempt++)
      await expect(read(attempt)).rejects.toMatchObject({ type: 'RecordMissing', nonRetryable: false });
    const escalations = (await a.outbox({ workflowId: 'wf-missing' })).filter((r) => r.kind === 'lms.escalate');
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({ key: 'wf-missing#record-missing#7', system: 'lms' });
    expect(String(escalations[0].details.reason)).toMatch(/no claimant record for C-MISSING/);

    await a.putClaimant('C-MISSING', claimant('C-MISSING'));
    expect(await read(6)).toMatchObject({ claimantRef: 'C-MISSING' });
  });
});

describe('StubStore with encryption off', () => {
  it('stores records in clear (and says so in the docs), readable without keys', async () => {
    const s = await StubStore.open(join(dir, 'clear.sqlite'));
    await s.putClaimant('C-CLEAR', claimant('C-CLEAR'));
    expect(await s.getClaimant('C-CLEAR')).toEqual(claimant('C-CLEAR'));
    await s.close();
  });
});
