// The web front door's own logic, without a server: forms read through the event schemas, the journey's
// refusals put on fields, sessions that end when idle, the machine picture, and how a coach's work is grouped.
import { describe, expect, it } from 'vitest';
import type { CaseRow } from '../../client/cases';
import { groupWork } from '../../client/work-today';
import { eventFromForm, formFields, refusalErrors, roleFor } from '../../web/event-form';
import { machineColumns, machineSvg } from '../../web/machine-svg';
import { IDLE_MS, SessionStore, csrfMatches } from '../../web/sessions';
import { readManagerQuery } from '../../web/manager';
import type { Credential } from '../../identity/signer';

const form = (o: Record<string, string>) => new URLSearchParams(o);

describe('event forms from the schemas', () => {
  it('offers the fields each event has, notes last, and none of type/at/by', () => {
    expect(formFields('BOOKING_CALL').map((f) => [f.path.join('.'), f.kind])).toEqual([
      ['contacted', 'boolean'],
      ['slot', 'instant'],
      ['requirements', 'list'],
      ['notes', 'longText'],
    ]);
    expect(formFields('ATTENDED').map((f) => f.path[0])).toEqual(['notes']);
    const cc = formFields('CONVERSATION_COMPLETED');
    expect(cc.find((f) => f.path[0] === 'actions')!.kind).toBe('actions');
    expect(cc.find((f) => f.path[0] === 'myValues')!.options).toEqual(['completed', 'declined', 'take_home']);
    expect(cc.find((f) => f.path[0] === 'goal')!.children!.map((c) => c.path.join('.'))).toEqual([
      'goal.want',
      'goal.outcome',
      'goal.obstacle',
      'goal.plan',
    ]);
  });

  it('reads a London time typed in a date-time box as an instant, and lists one per line', () => {
    const r = eventFromForm(
      'BOOKING_CALL',
      form({ contacted: 'yes', slot: '2026-07-01T10:00', requirements: 'Ground floor\n\n  Hearing loop ' }),
    );
    expect(r).toEqual({
      ok: true,
      event: {
        type: 'BOOKING_CALL',
        contacted: true,
        slot: '2026-07-01T09:00:00.000Z',
        requirements: ['Ground floor', 'Hearing loop'],
      },
    });
  });

  it('names the field of each problem, and sends nothing for an empty conversation', () => {
    const r = eventFromForm('CONVERSATION_COMPLETED', form({ myValues: 'completed' }));
    expect(r).toEqual({ ok: false, errors: [{ field: 'actions', message: 'needs 1 to 5 actions' }] });
    const half = eventFromForm('CONVERSATION_COMPLETED', form({ myValues: 'nope', 'actions-0-where': 'Library' }));
    expect(half.ok).toBe(false);
    expect((half as { errors: { field: string }[] }).errors.map((e) => e.field).sort()).toEqual([
      'actions-0-what',
      'myValues',
    ]);
    const ok = eventFromForm(
      'CONVERSATION_COMPLETED',
      form({
        myValues: 'completed',
        'actions-0-what': 'Work club',
        'actions-0-where': 'Library',
        'actions-0-when': 'Tue',
      }),
    );
    expect(ok).toEqual({
      ok: true,
      event: {
        type: 'CONVERSATION_COMPLETED',
        myValues: 'completed',
        actions: [{ what: 'Work club', where: 'Library', when: 'Tue' }],
      },
    });
  });

  it('puts the journey’s refusal reasons on fields when they name one', () => {
    expect(
      refusalErrors('BOOKING_CALL', "BOOKING_CALL.slot: must be after the event's time 2026-01-01T00:00:00.000Z"),
    ).toEqual([{ field: 'slot', message: "must be after the event's time 2026-01-01T00:00:00.000Z" }]);
    expect(
      refusalErrors('CONVERSATION_COMPLETED', 'CONVERSATION_COMPLETED: actions[0].what: too long; myValues: bad'),
    ).toEqual([
      { field: 'actions-0-what', message: 'too long' },
      { field: 'myValues', message: 'bad' },
    ]);
    expect(refusalErrors('ATTENDED', 'ATTENDED is not accepted in state inConversation; accepted now: X')).toEqual([
      { field: '', message: 'ATTENDED is not accepted in state inConversation; accepted now: X' },
    ]);
  });

  it('records an event in a role the person holds and the event allows, or not at all', () => {
    expect(roleFor('ATTENDED', ['work_coach'])).toBe('work_coach');
    expect(roleFor('DM_DECISION', ['work_coach', 'team_leader'])).toBeNull();
    expect(roleFor('WORK_COACH_CHANGED', ['team_leader', 'work_coach'])).toBe('team_leader');
    expect(roleFor('ATTENDED', ['auditor', 'manager'])).toBeNull();
  });
});

describe('sessions', () => {
  const credential = { cert: { exp: new Date(Date.now() + 3_600_000).toISOString() } } as Credential;
  const person = {
    staffId: 'WC-01',
    roles: ['work_coach' as const],
    offices: ['LEEDS'],
    credential,
    via: 'password' as const,
  };

  it('end after the idle limit, and not before', () => {
    let now = 1_000_000;
    const store = new SessionStore(IDLE_MS, () => now);
    const s = store.rotate(store.create(), person);
    now += IDLE_MS - 1;
    expect(store.get(s.id)?.person?.staffId).toBe('WC-01');
    now += IDLE_MS - 1; // each request restarts the idle clock
    expect(store.get(s.id)).not.toBeNull();
    now += IDLE_MS + 1;
    expect(store.get(s.id)).toBeNull();
  });

  it('get a new id and CSRF token at sign-in; the old id no longer works', () => {
    const store = new SessionStore();
    const anon = store.create();
    const signed = store.rotate(anon, person);
    expect(signed.id).not.toBe(anon.id);
    expect(signed.csrf).not.toBe(anon.csrf);
    expect(store.get(anon.id)).toBeNull();
    expect(csrfMatches(signed, signed.csrf)).toBe(true);
    expect(csrfMatches(signed, anon.csrf)).toBe(false);
    expect(csrfMatches(signed, null)).toBe(false);
  });

  it('end when the credential they carry expires', () => {
    let now = Date.now();
    const store = new SessionStore(24 * 3_600_000, () => now);
    const s = store.rotate(store.create(), person);
    now += 3_600_001;
    expect(store.get(s.id)).toBeNull();
  });
});

describe('the machine picture', () => {
  it('draws every state of the definition, the current one marked, the path as arrows', () => {
    const states = machineColumns().flatMap((c) => c.states);
    expect(states).toContain('awaitingAttendance');
    expect(states).toContain('sanctionReferred');
    const svg = machineSvg('inConversation', [
      { from: 'new', to: 'awaitingBookingCall', event: 'START' },
      { from: 'awaitingBookingCall', to: 'awaitingPreCallTime', event: 'BOOKING_CALL' },
      { from: 'awaitingAttendance', to: 'inConversation', event: 'ATTENDED' },
    ]);
    for (const s of states) expect(svg).toContain(`<title>${s}`);
    expect(svg.match(/aria-current="step"/g)).toHaveLength(1);
    expect(svg).toContain('<title>inConversation (current state)</title>');
    expect(svg).toContain('<title>awaitingPreCallTime (passed through)</title>');
    expect(svg.match(/marker-end/g)).toHaveLength(2);
  });
});

describe('my work today', () => {
  const row = (ref: string, stage: string, deadline: string | null, office = 'LEEDS'): CaseRow => ({
    claimantRef: ref,
    workflowId: `hwc-${ref}`,
    status: 'RUNNING',
    stage,
    waitingFor: '',
    nextDeadline: deadline,
    outcome: null,
    office,
    workCoach: 'WC-01',
  });

  it('groups by the day’s tasks, overdue first, drops other offices and stages that do not wait on the coach', () => {
    const now = new Date('2026-03-02T12:00:00Z');
    const w = groupWork(
      [
        row('A', 'awaitingAttendance', '2026-03-02T10:00:00Z'),
        row('B', 'awaitingAttendance', '2026-03-02T09:00:00Z'),
        row('C', 'awaitingAttendance', '2026-03-02T13:00:00Z'),
        row('D', 'awaitingPreCallTime', '2026-03-03T10:00:00Z'),
        row('E', 'awaitingBookingCall', '2026-03-04T10:00:00Z', 'MAN01'),
        row('F', 'contactWindow', '2026-03-05T10:00:00Z'),
      ].sort((a, b) => a.nextDeadline!.localeCompare(b.nextDeadline!)),
      ['LEEDS'],
      now,
    );
    const today = w.groups.find((g) => g.key === 'today')!;
    expect(today.rows.map((r) => [r.claimantRef, r.overdue])).toEqual([
      ['B', true],
      ['A', true],
      ['C', false],
    ]);
    expect(w.groups.find((g) => g.key === 'windows')!.rows.map((r) => r.claimantRef)).toEqual(['F']);
    expect(w.groups.find((g) => g.key === 'booking')!.rows).toEqual([]);
    expect(w).toMatchObject({ total: 4, overdue: 2 });
  });
});

describe('the manager’s selection', () => {
  const read = (q: Record<string, string>, choices = ['LEEDS']) => readManagerQuery(new URLSearchParams(q), choices);

  it('defaults to the first office and all dates; keeps good dates', () => {
    expect(read({})).toEqual({ query: { office: 'LEEDS', from: '', to: '' }, errors: [] });
    expect(read({ office: '*', from: '2026-11-02', to: '2026-11-30' }, ['*', 'LEEDS']).errors).toEqual([]);
  });

  it('names each bad field: not a date, an impossible date, to before from, an office not theirs', () => {
    const fields = (q: Record<string, string>) => read(q).errors.map((e) => [e.field, e.href, e.text]);
    expect(fields({ from: '31/12/2026', to: '2026-02-30' })).toEqual([
      ['from', '#from', 'From: must be a calendar date YYYY-MM-DD'],
      ['to', '#to', 'To: must be a calendar date YYYY-MM-DD'],
    ]);
    expect(fields({ from: '2026-12-01', to: '2026-11-01' })).toEqual([
      ['to', '#to', 'To: must be on or after the from date 2026-12-01'],
    ]);
    expect(fields({ office: 'BRADFORD' })).toEqual([['office', '#office', 'Office: choose one of your offices']]);
    expect(fields({ office: '*' })).toEqual([['office', '#office', 'Office: choose one of your offices']]);
  });
});
