// Working days and wall-clock time (journey.md A2): England and Wales bank holidays (substitute days and
// one-off holidays included), n-th working day before/after, 10:00 and 17:00 London time across the
// daylight-saving changes.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { bankHolidays, holidaysForJourney } from '../../domain/bank-holidays';
import {
  addDays,
  addMonths,
  addWeeks,
  addWorkingDays,
  atLocal,
  closeOfBusiness,
  isWorkingDay,
  localDate,
  localTime,
  onOrAfterWorkingDay,
  subtractWorkingDays,
} from '../../domain/calendar';

// The official England and Wales lists (gov.uk/bank-holidays), substitute and one-off days included.
const OFFICIAL: Record<number, string[]> = {
  2022: [
    '2022-01-03', // New Year's Day (substitute day)
    '2022-04-15',
    '2022-04-18',
    '2022-05-02',
    '2022-06-02', // Spring bank holiday, moved
    '2022-06-03', // Platinum Jubilee
    '2022-08-29',
    '2022-09-19', // State Funeral of Queen Elizabeth II
    '2022-12-26',
    '2022-12-27', // Christmas Day (substitute day)
  ],
  2023: [
    '2023-01-02', // New Year's Day (substitute day)
    '2023-04-07',
    '2023-04-10',
    '2023-05-01',
    '2023-05-08', // Coronation of King Charles III
    '2023-05-29',
    '2023-08-28',
    '2023-12-25',
    '2023-12-26',
  ],
  2026: [
    '2026-01-01',
    '2026-04-03', // Good Friday
    '2026-04-06', // Easter Monday
    '2026-05-04',
    '2026-05-25',
    '2026-08-31',
    '2026-12-25',
    '2026-12-28', // Boxing Day (substitute day)
  ],
  2027: [
    '2027-01-01',
    '2027-03-26',
    '2027-03-29',
    '2027-05-03',
    '2027-05-31',
    '2027-08-30',
    '2027-12-27', // Christmas Day (substitute day)
    '2027-12-28', // Boxing Day (substitute day)
  ],
};

const weekday = (d: string) => new Date(`${d}T12:00:00Z`).getUTCDay() % 6 !== 0;
const cal = { holidays: bankHolidays(2021, 2028) };

describe('bank holidays (England and Wales)', () => {
  it.each(Object.entries(OFFICIAL))('%s: exactly the official weekday holidays', (year, official) => {
    const days = bankHolidays(Number(year), Number(year));
    for (const d of official) expect(days).toContain(d);
    // A holiday the source also lists on a weekend day (e.g. Boxing Day on a Saturday) changes nothing.
    expect(days.filter(weekday)).toEqual(official);
  });

  it('gives a journey the holidays from the year before its start to two years after, sorted', () => {
    const days = holidaysForJourney('2026-12-21T09:00:00.000Z');
    expect(days[0].startsWith('2025-')).toBe(true);
    expect(days.at(-1)!.startsWith('2028-')).toBe(true);
    expect(days).toEqual([...days].sort());
    expect(days).toEqual(expect.arrayContaining([...OFFICIAL[2026], ...OFFICIAL[2027]]));
  });
});

describe('working days', () => {
  it.each([
    ['2026-01-23', true, 'Friday'],
    ['2026-01-24', false, 'Saturday'],
    ['2026-04-03', false, 'Good Friday'],
    ['2026-12-28', false, 'Boxing Day substitute'],
    ['2022-09-19', false, 'State Funeral'],
    ['2023-05-08', false, 'Coronation'],
    ['2026-12-29', true, 'Tuesday after Christmas'],
  ])('%s is a working day: %s (%s)', (d, expected, _what) => {
    expect(isWorkingDay(d, cal)).toBe(expected);
  });

  it.each([
    ['Friday + 1 = Monday', '2026-01-23', 1, '2026-01-26'],
    ['from a Saturday + 1 = Monday', '2026-01-24', 1, '2026-01-26'],
    ['+3 over a weekend', '2026-01-20', 3, '2026-01-23'],
    ['+7 wd contact window', '2026-02-02', 7, '2026-02-11'],
    ['Easter: Thu 2 Apr + 1 = Tue 7 Apr', '2026-04-02', 1, '2026-04-07'],
    ['Easter: 31 Mar + 3', '2026-03-31', 3, '2026-04-07'],
    ['Early May: Thu 30 Apr + 2', '2026-04-30', 2, '2026-05-05'],
    ['Spring: 21 May + 7', '2026-05-21', 7, '2026-06-02'],
    ['Christmas: 24 Dec + 1 = 29 Dec', '2026-12-24', 1, '2026-12-29'],
    ['Christmas and New Year: 29 Dec + 7 = 8 Jan 2027', '2026-12-29', 7, '2027-01-08'],
    ['2022 jubilee: 1 Jun + 1 = 6 Jun', '2022-06-01', 1, '2022-06-06'],
    ['2023 coronation: 5 May + 1 = 9 May', '2023-05-05', 1, '2023-05-09'],
  ])('addWorkingDays: %s', (_case, from, n, to) => {
    expect(addWorkingDays(from, n, cal)).toBe(to);
  });

  it.each([
    ['Monday - 1 = Friday', '2026-01-26', 1, '2026-01-23'],
    ['pre-call before Tue 7 Apr (Easter)', '2026-04-07', 2, '2026-04-01'],
    ['reminder before Tue 7 Apr (Easter)', '2026-04-07', 1, '2026-04-02'],
    ['pre-call before Tue 29 Dec', '2026-12-29', 2, '2026-12-23'],
    ['pre-call before Tue 5 May', '2026-05-05', 2, '2026-04-30'],
    ['pre-call before Tue 26 May', '2026-05-26', 2, '2026-05-21'],
    ['2022 funeral: Tue 20 Sep - 1 = Fri 16 Sep', '2022-09-20', 1, '2022-09-16'],
  ])('subtractWorkingDays: %s', (_case, from, n, to) => {
    expect(subtractWorkingDays(from, n, cal)).toBe(to);
  });

  it('moves a non-working day forward to the next working day, and leaves a working day alone', () => {
    expect(onOrAfterWorkingDay('2026-12-25', cal)).toBe('2026-12-29');
    expect(onOrAfterWorkingDay('2026-05-25', cal)).toBe('2026-05-26');
    expect(onOrAfterWorkingDay('2026-01-31', cal)).toBe('2026-02-02');
    expect(onOrAfterWorkingDay('2026-02-02', cal)).toBe('2026-02-02');
  });

  it('property: n working days forward then back returns to the same working day', () => {
    const day = fc.integer({ min: 0, max: 3 * 365 }).map((n) => addDays('2025-06-01', n));
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 15 }), (d, n) => {
        const later = addWorkingDays(d, n, cal);
        expect(isWorkingDay(later, cal)).toBe(true);
        expect(later > d).toBe(true);
        const start = onOrAfterWorkingDay(d, cal);
        expect(subtractWorkingDays(addWorkingDays(start, n, cal), n, cal)).toBe(start);
      }),
      { numRuns: 300 },
    );
  });
});

describe('London wall-clock time', () => {
  it.each([
    ['2026-03-27', '10:00', '2026-03-27T10:00:00.000Z'], // GMT
    ['2026-03-29', '00:30', '2026-03-29T00:30:00.000Z'], // clocks go forward at 01:00 GMT
    ['2026-03-29', '10:00', '2026-03-29T09:00:00.000Z'], // BST from then on
    ['2026-03-30', '10:00', '2026-03-30T09:00:00.000Z'],
    ['2026-03-30', '14:00', '2026-03-30T13:00:00.000Z'],
    ['2026-10-23', '17:00', '2026-10-23T16:00:00.000Z'],
    ['2026-10-24', '10:00', '2026-10-24T09:00:00.000Z'], // last BST day
    ['2026-10-25', '10:00', '2026-10-25T10:00:00.000Z'], // clocks went back at 02:00 BST
    ['2026-10-26', '17:00', '2026-10-26T17:00:00.000Z'],
    ['2026-07-15', '09:00', '2026-07-15T08:00:00.000Z'],
  ])('atLocal(%s, %s) = %s', (date, time, instant) => {
    expect(atLocal(date, time)).toBe(instant);
  });

  it('reads the London day and time of an instant', () => {
    expect(localDate('2026-03-28T23:30:00.000Z')).toBe('2026-03-28');
    expect(localDate('2026-06-30T23:30:00.000Z')).toBe('2026-07-01');
    expect(localTime('2026-06-30T23:30:00.000Z')).toBe('00:30');
    expect(localTime('2026-12-31T23:30:00.000Z')).toBe('23:30');
  });

  it.each([
    ['2026-02-11', '2026-02-11T17:00:00.000Z'],
    ['2026-06-11', '2026-06-11T16:00:00.000Z'],
    ['2026-10-23', '2026-10-23T16:00:00.000Z'],
    ['2026-10-26', '2026-10-26T17:00:00.000Z'],
  ])('close of business on %s is %s', (date, instant) => {
    expect(closeOfBusiness(date)).toBe(instant);
  });

  it('property: 10:00 local on any day is that day at 10:00 (09:00Z in summer, 10:00Z in winter)', () => {
    const day = fc.integer({ min: 0, max: 3 * 365 }).map((n) => addDays('2025-06-01', n));
    fc.assert(
      fc.property(day, (d) => {
        const at = atLocal(d, '10:00');
        expect(localDate(at)).toBe(d);
        expect(localTime(at)).toBe('10:00');
        expect(['09:00', '10:00']).toContain(at.slice(11, 16));
      }),
      { numRuns: 300 },
    );
  });
});

describe('calendar arithmetic without the time zone (domain/calendar.ts counts days in UTC)', () => {
  // What the functions computed before, with luxon in the London zone: the results must not move.
  const london = (d: string) => DateTime.fromISO(d, { zone: 'Europe/London' });
  const day = fc
    .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-12-31T00:00:00Z'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10));

  it('addDays, addWeeks, addMonths and the weekday agree with luxon in Europe/London', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -800, max: 800 }), (d, n) => {
        expect(addDays(d, n)).toBe(london(d).plus({ days: n }).toISODate());
        expect(addWeeks(d, n % 60)).toBe(
          london(d)
            .plus({ weeks: n % 60 })
            .toISODate(),
        );
        expect(addMonths(d, n % 40)).toBe(
          london(d)
            .plus({ months: n % 40 })
            .toISODate(),
        );
        expect(isWorkingDay(d, { holidays: [] })).toBe(london(d).weekday <= 5);
      }),
      { numRuns: 3000 },
    );
  });

  it('instants and wall-clock times agree with luxon, also around the daylight-saving changes', () => {
    const instant = fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
    fc.assert(
      fc.property(instant, (i) => {
        const l = DateTime.fromISO(i, { zone: 'utc' }).setZone('Europe/London');
        expect(localDate(i)).toBe(l.toISODate());
        expect(localTime(i)).toBe(l.toFormat('HH:mm'));
        expect(localDate(i)).toBe(l.toISODate()); // remembered: the same answer again
      }),
      { numRuns: 3000 },
    );
    for (const d of ['2026-03-29', '2026-10-25', '2027-03-28', '2027-10-31'])
      for (const t of ['00:30', '01:00', '01:30', '02:00', '10:00', '17:00'])
        expect(atLocal(d, t)).toBe(
          london(d)
            .set({ hour: Number(t.slice(0, 2)), minute: Number(t.slice(3)), second: 0, millisecond: 0 })
            .toUTC()
            .toISO(),
        );
  });
});
