// WORK_COACH_CHANGED: a team leader moves a case to another work coach in any running state; booked
// appointments move with it (an LMS effect each), later bookings use the new coach, and the LMS diary stub
// follows. Scenario files 91 and 92 pin whole traces; this file pins the parts a trace does not show.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { StubStore } from '../../activities/store';
import { ClaimantRecord } from '../../domain/schemas';
import { acceptedEvents, effectsAfter, startJourney, step, toTrace, validateEvent } from '../../machines/step';
import { getStateNodes } from 'xstate/graph';
import { journeyMachine } from '../../machines/journey';
import { FINAL_STAGES } from '../helpers/invariants';

const record = ClaimantRecord.parse({
  claimantRef: 'C-7101',
  office: 'LEEDS',
  dateOfBirth: '1980-04-02',
  claim: { startDate: '2026-01-05', status: 'built', inPayment: true, weeklyRate: 91.15 },
  lms: { mobile: '07700900123', workCoach: 'WC-01' },
});
const start = '2026-01-20T09:00:00.000Z';
const tl = { staffId: 'TL-1', role: 'team_leader' } as const;

function booked() {
  const s0 = startJourney({ office: 'LEEDS', record, start, holidays: [] });
  const v = validateEvent(
    s0,
    { type: 'BOOKING_CALL', contacted: true, by: { staffId: 'WC-01', role: 'work_coach' } },
    start,
  );
  if (!v.ok) throw new Error(v.error);
  return step(s0, v.event);
}

describe('WORK_COACH_CHANGED', () => {
  it('needs a team leader and a work coach id', () => {
    const s = booked();
    const asCoach = validateEvent(
      s,
      { type: 'WORK_COACH_CHANGED', workCoach: 'WC-02', by: { staffId: 'WC-01', role: 'work_coach' } },
      start,
    );
    expect(asCoach).toEqual({
      ok: false,
      error: 'WORK_COACH_CHANGED.by.role: work_coach may not record WORK_COACH_CHANGED; needs team_leader',
    });
    const noId = validateEvent(s, { type: 'WORK_COACH_CHANGED', workCoach: 'WC 02', by: tl }, start);
    expect(noId.ok || noId.error).toMatch(/^WORK_COACH_CHANGED: workCoach: must be a staff id/);
  });

  it('is accepted in every running stage and in none after the outcome', () => {
    expect(acceptedEvents(booked())).toContain('WORK_COACH_CHANGED');
    const resting = getStateNodes(journeyMachine.root).filter(
      (n) => (n.type === 'atomic' || n.type === 'final') && !n.always?.length,
    );
    type Node = (typeof resting)[number];
    const handles = (n: Node | undefined): boolean =>
      !!n && (n.ownEvents.includes('WORK_COACH_CHANGED') || handles(n.parent));
    const finals = resting.filter((n) => (FINAL_STAGES as readonly string[]).includes(n.key));
    expect(finals.length).toBe(FINAL_STAGES.length);
    expect(finals.filter(handles)).toEqual([]);
    expect(resting.filter((n) => !finals.includes(n) && !handles(n)).map((n) => n.key)).toEqual([]);
  });

  it('moves the booked HWC and pre-call (one LMS effect each) and books later appointments with the new coach', () => {
    const s1 = booked();
    const seen = s1.snapshot.context.effects.length;
    const v = validateEvent(s1, { type: 'WORK_COACH_CHANGED', workCoach: 'WC-02', by: tl }, '2026-01-21T09:00:00.000Z');
    if (!v.ok) throw new Error(v.error);
    const s2 = step(s1, v.event);
    expect(
      effectsAfter(s2, seen).map((e) => [
        e.kind,
        'appointmentId' in e ? e.appointmentId : null,
        'workCoach' in e ? e.workCoach : null,
      ]),
    ).toEqual([
      ['lms.assignCase', null, 'WC-02'],
      ['lms.moveAppointment', 1, 'WC-02'],
      ['lms.moveAppointment', 2, 'WC-02'],
    ]);
    const t = toTrace(s2);
    expect(t.workCoach).toBe('WC-02');
    expect(t.appointments.map((a) => a.workCoach)).toEqual(['WC-02', 'WC-02']);
    expect(t.transitions.at(-1)).toEqual({
      at: '2026-01-21T09:00:00.000Z',
      event: 'WORK_COACH_CHANGED',
      from: 'awaitingPreCallTime',
      to: 'awaitingPreCallTime',
      by: 'TL-1',
    });
    // The same coach again: recorded, nothing moves.
    const again = validateEvent(
      s2,
      { type: 'WORK_COACH_CHANGED', workCoach: 'WC-02', by: tl },
      '2026-01-21T10:00:00.000Z',
    );
    if (!again.ok) throw new Error(again.error);
    const s3 = step(s2, again.event);
    expect(effectsAfter(s3, s2.snapshot.context.effects.length)).toEqual([]);
    expect(s3.transitions.length).toBe(s2.transitions.length + 1);
  });

  describe('the LMS diary stub', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hwc-wcc-'));
    let store: StubStore;
    beforeAll(async () => {
      store = await StubStore.open(join(dir, 'stubs.sqlite'), { keys: null });
    });
    afterAll(async () => {
      await store?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('moves the appointment to the new coach, once', async () => {
      const acts = createActivities({ store });
      const s1 = booked();
      const v = validateEvent(
        s1,
        { type: 'WORK_COACH_CHANGED', workCoach: 'WC-02', by: tl },
        '2026-01-21T09:00:00.000Z',
      );
      if (!v.ok) throw new Error(v.error);
      const s2 = step(s1, v.event);
      for (const effect of s2.snapshot.context.effects) {
        const req = { workflowId: 'hwc-C-7101', claimantRef: 'C-7101', effect };
        await acts.bookAppointment(req);
        await acts.bookAppointment(req); // a retry changes nothing
      }
      expect((await store.diary({ workflowId: 'hwc-C-7101' })).map((d) => [d.kind, d.workCoach])).toEqual([
        ['PRE_CALL', 'WC-02'],
        ['HWC', 'WC-02'],
      ]);
    });
  });
});
