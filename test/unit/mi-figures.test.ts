// The MI figures (mi/figures.ts) from traces: each figure checked against a count written independently
// over the scenario files' traces, plus the selection, the funnel, overdue waits and the working-day
// percentiles on hand-made cases.
import { beforeAll, describe, expect, it } from 'vitest';
import { holidaysForJourney } from '../../domain/bank-holidays';
import type { Trace } from '../../domain/schemas';
import { calendarForTraces } from '../../mi/calendar';
import {
  computeFigures,
  flattenFigures,
  isOverdue,
  percentile,
  weekStarting,
  workingDaysBetween,
  type Figures,
} from '../../mi/figures';
import { compareFigures, figureRows, figuresCsv, figuresText } from '../../mi/report';
import { defaultIdentity, toTrace } from '../../machines/step';
import { PureEngine } from '../../simulator/pure-engine';
import { runScenario } from '../../simulator/runner';
import { loadScenarioFile, scenarioFiles } from '../helpers/scenarios';
import { FIXTURES, advanceTo, send, startWorld } from '../helpers/world';

const traces: Trace[] = [];
let figures: Figures;
const calendar = { holidays: holidaysForJourney('2026-01-01T00:00:00Z') };

beforeAll(async () => {
  for (const f of scenarioFiles()) {
    const s = loadScenarioFile(f);
    traces.push(await runScenario(s, new PureEngine(s)));
  }
  figures = computeFigures(traces, { calendar });
});

const count = <T>(xs: T[], p: (x: T) => boolean) => xs.filter(p).length;
const all = <T>(f: (t: Trace) => T[]) => traces.flatMap(f);

describe('figures over the scenario files equal counts taken straight from the traces', () => {
  it('journeys, outcomes and reasons', () => {
    expect(figures.journeys).toBe(traces.length);
    for (const o of ['HWC_COMPLETED', 'EXEMPT', 'NOT_REQUIRED', 'SANCTION_REFERRED'] as const)
      expect(figures.outcomes[o], o).toBe(count(traces, (t) => t.outcome === o));
    expect(figures.outcomes.running).toBe(count(traces, (t) => t.status === 'running'));
    const reasons: Record<string, number> = {};
    for (const t of traces) if (t.reason) reasons[t.reason] = (reasons[t.reason] ?? 0) + 1;
    expect(figures.reasons).toEqual(reasons);
    expect(Object.values(figures.screenedOut.exempt).reduce((a, b) => a + b, 0)).toBe(figures.outcomes.EXEMPT);
    expect(Object.values(figures.screenedOut.deferred).reduce((a, b) => a + b, 0)).toBe(
      all((t) => t.markers).filter((m) => m.stage === 'Def CC & HWC').length,
    );
  });

  it('appointments, pre-calls, letters, reminders', () => {
    const hwcs = all((t) => t.appointments).filter((a) => a.kind === 'HWC');
    expect(figures.hwc).toEqual({
      booked: hwcs.length,
      attended: count(hwcs, (a) => a.status === 'attended'),
      fta: count(hwcs, (a) => a.status === 'fta'),
      ftp: count(hwcs, (a) => a.status === 'ftp'),
      cancelled: count(hwcs, (a) => a.status === 'cancelled'),
      upcoming: count(hwcs, (a) => a.status === 'booked'),
    });
    expect(figures.hwc.booked).toBe(
      count(
        all((t) => t.letters),
        (l) => l.type === 'ESAHWC1',
      ),
    );
    const preCalls = all((t) => t.transitions).filter((x) => x.event === 'PRE_CALL');
    expect(figures.preCalls.recorded).toBe(preCalls.length);
    expect(figures.preCalls.held).toBe(
      count(
        all((t) => t.appointments),
        (a) => a.kind === 'PRE_CALL' && a.status === 'held',
      ),
    );
    expect(figures.reminders.REMINDER_SMS + figures.reminders.REMINDER_CALL_TASK).toBe(
      count(
        all((t) => t.notifications),
        (n) => n.type.startsWith('REMINDER'),
      ),
    );
    expect(figures.letters.FTA_LETTER).toBe(
      count(
        all((t) => t.letters),
        (l) => l.type === 'FTA_LETTER',
      ),
    );
  });

  it('failure handling', () => {
    expect(figures.easementUsed).toBe(count(traces, (t) => t.easementUsed));
    expect(figures.doubtsRaised).toBe(all((t) => t.doubts).length);
    expect(figures.doubtsWithdrawn).toBe(
      count(
        all((t) => t.doubts),
        (d) => d.withdrawnAt !== null,
      ),
    );
    expect(figures.safeguardVisits.recorded).toBe(
      count(
        all((t) => t.transitions),
        (x) => x.event === 'SAFEGUARD_VISIT',
      ),
    );
    expect(figures.referredToDm).toBe(count(traces, (t) => t.referredToDmAt !== null));
    expect(figures.dmDecisions.SANCTION).toBe(count(traces, (t) => t.dmDecision === 'SANCTION'));
    expect(figures.dmDecisions.NO_SANCTION).toBe(count(traces, (t) => t.dmDecision === 'NO_SANCTION'));
    expect(figures.escalations).toBe(all((t) => t.escalations).length);
    expect(figures.easementUsed).toBeGreaterThan(0);
    expect(figures.referredToDm).toBeGreaterThan(0);
  });

  it('the funnel narrows and its ends are the journeys and the completions', () => {
    const [reported, screenedOut, booked, preCallReached, attended, completed] = figures.funnel.map((s) => s.journeys);
    expect(reported).toBe(traces.length);
    expect(screenedOut + booked).toBeLessThanOrEqual(reported);
    expect(preCallReached).toBeLessThanOrEqual(booked);
    expect(attended).toBeLessThanOrEqual(booked);
    expect(completed).toBeLessThanOrEqual(attended);
    expect(completed).toBe(figures.outcomes.HWC_COMPLETED);
    expect(figures.funnel.map((s) => s.label)).toEqual([
      'reported',
      'screened out',
      'HWC booked',
      'pre-call reached',
      'attended',
      'completed',
    ]);
  });

  it('outcomes per week add up to the outcomes', () => {
    const sum = (k: 'HWC_COMPLETED' | 'EXEMPT' | 'NOT_REQUIRED' | 'SANCTION_REFERRED') =>
      figures.weekly.reduce((a, w) => a + w[k], 0);
    expect(sum('HWC_COMPLETED')).toBe(figures.outcomes.HWC_COMPLETED);
    expect(sum('SANCTION_REFERRED')).toBe(figures.outcomes.SANCTION_REFERRED);
    for (const w of figures.weekly) expect(new Date(`${w.weekStarting}T12:00:00Z`).getUTCDay()).toBe(1);
  });

  it('overdue waits are running journeys whose person-wait has escalated', () => {
    expect(figures.overdue.total).toBe(traces.filter(isOverdue).length);
    // Attendance not recorded: at close of business the next working day the wait escalates.
    const booked = send(startWorld(FIXTURES[0]), {
      type: 'BOOKING_CALL',
      contacted: true,
      by: defaultIdentity('BOOKING_CALL'),
    })!;
    const atHwc = toTrace(advanceTo(booked, '2026-02-02T12:00:00.000Z').state);
    const escalated = toTrace(advanceTo(booked, '2026-02-03T18:00:00.000Z').state);
    expect([atHwc.stage, escalated.stage]).toEqual(['awaitingAttendance', 'awaitingAttendance']);
    expect([isOverdue(atHwc), isOverdue(escalated)]).toEqual([false, true]);
    const f = computeFigures([atHwc, escalated, ...traces], { calendar });
    expect(f.overdue.total).toBe(figures.overdue.total + 1);
    expect(f.overdue.byStage.awaitingAttendance).toBe((figures.overdue.byStage.awaitingAttendance ?? 0) + 1);
    // Once someone acts, the escalations before it no longer make the journey overdue.
    const attended = send(advanceTo(booked, '2026-02-03T18:00:00.000Z'), {
      type: 'ATTENDED',
      by: defaultIdentity('ATTENDED'),
    })!;
    expect(isOverdue(toTrace(attended.state))).toBe(false);
  });
});

describe('selection', () => {
  it('by office, work coach and the day a journey was reported', () => {
    const leeds = computeFigures(traces, { calendar, office: 'LEEDS' });
    expect(leeds.journeys).toBe(count(traces, (t) => t.office === 'LEEDS'));
    expect(computeFigures(traces, { calendar, office: 'NOWHERE' }).journeys).toBe(0);
    const wc2 = computeFigures(traces, { calendar, coach: 'WC-02' });
    expect(wc2.journeys).toBe(count(traces, (t) => t.workCoach === 'WC-02'));
    expect(wc2.journeys).toBeGreaterThan(0);
    const days = traces.map((t) => t.transitions[0].at.slice(0, 10)).sort();
    const first = computeFigures(traces, { calendar, from: days[0], to: days[0] });
    expect(first.journeys).toBe(count(days, (d) => d === days[0]));
    expect(computeFigures(traces, { calendar, from: '2099-01-01' }).journeys).toBe(0);
  });
});

describe('working days, percentiles, weeks', () => {
  const cal = { holidays: ['2026-04-03', '2026-04-06'] };
  it.each([
    ['2026-01-05', '2026-01-05', 0],
    ['2026-01-05', '2026-01-06', 1],
    ['2026-01-09', '2026-01-12', 1], // Friday → Monday
    ['2026-04-02', '2026-04-07', 1], // over Easter
    ['2026-01-05', '2026-02-02', 20],
  ])('%s → %s is %i working days', (a, b, n) => expect(workingDaysBetween(a, b, cal)).toBe(n));

  it('nearest-rank median and 90th percentile', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 90)).toBe(10);
  });

  it('weeks start on Monday, London time', () => {
    expect(weekStarting('2026-02-01T23:30:00Z')).toBe('2026-01-26'); // Sunday night
    expect(weekStarting('2026-06-28T23:30:00Z')).toBe('2026-06-29'); // already Monday in BST
  });

  it('the working days to a completed HWC are those of the attended HWC after claim start', () => {
    const done = traces.filter((t) => t.outcome === 'HWC_COMPLETED');
    const cal2 = calendarForTraces(traces);
    const ds = done
      .map((t) => {
        const hwc = t.appointments.filter((a) => a.kind === 'HWC' && a.status === 'attended').at(-1)!;
        return workingDaysBetween(t.claimStartDate, hwc.at.slice(0, 10), cal2);
      })
      .sort((a, b) => a - b);
    const f = computeFigures(traces, { calendar: cal2 });
    expect(f.workingDaysToCompletedHwc).toEqual({
      journeys: done.length,
      median: percentile(ds, 50),
      p90: percentile(ds, 90),
    });
    expect(f.workingDaysToCompletedHwc.median).toBeGreaterThan(10);
  });
});

describe('outputs', () => {
  it('rows, text and CSV carry every number, labelled', () => {
    const rows = figureRows(figures);
    expect(rows.length).toBe(flattenFigures(figures).length);
    expect(rows.find((r) => r.key === 'hwc.attended')).toMatchObject({
      section: 'HWC appointments',
      label: 'attended',
    });
    const text = figuresText(figures);
    expect(text).toMatch(/journeys reported\s+\d+/);
    expect(text).toMatch(/referrals to the decision maker\s+\d+/);
    const csv = figuresCsv(figures).trim().split('\n');
    expect(csv[0]).toBe('figure,section,label,value');
    expect(csv).toContain(`hwc.attended,HWC appointments,attended,${figures.hwc.attended}`);
  });

  it('a comparison shows both values and the change', () => {
    const fewer = computeFigures(
      traces.filter((t) => t.outcome !== 'SANCTION_REFERRED'),
      { calendar },
    );
    const rows = compareFigures(figures, fewer);
    const ref = rows.find((r) => r.key === 'outcomes.SANCTION_REFERRED')!;
    expect(ref).toMatchObject({ baseline: figures.outcomes.SANCTION_REFERRED, whatIf: 0 });
    expect(ref.difference).toBe(-figures.outcomes.SANCTION_REFERRED);
  });
});
