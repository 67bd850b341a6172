// Working days for England and Wales on Europe/London wall-clock time (spec A2).
// The holiday list is data handed in at journey start (see bank-holidays.ts) and kept in the journey,
// so that new holiday data never changes a journey already running (and replays stay identical).
import { DateTime } from 'luxon';

export const ZONE = 'Europe/London';
export const DEFAULT_SLOT_TIME = '10:00';
export const CLOSE_OF_BUSINESS = '17:00';
export const REVIEW_TIME = '09:00';

export interface Calendar {
  /** England and Wales bank holidays, YYYY-MM-DD, sorted. */
  readonly holidays: readonly string[];
}

const local = (date: string) => DateTime.fromISO(date, { zone: ZONE });

// Time-zone arithmetic is most of what the journey's rules cost (luxon asks Intl for the zone's offset),
// so: days are counted on the calendar alone, in UTC (a calendar date has the same weekday and the same
// neighbours in every zone, daylight saving or not), and the conversions between instants and London
// wall-clock time are remembered. Both are pure, so the results are the same as computing each afresh
// (test/unit/calendar.test.ts compares them with luxon in the London zone).
const memo = <T>(compute: (key: string) => T) => {
  const seen = new Map<string, T>();
  return (key: string): T => {
    let v = seen.get(key);
    if (v === undefined) {
      if (seen.size >= 20_000) seen.clear(); // bounded: a few days of distinct instants
      seen.set(key, (v = compute(key)));
    }
    return v;
  };
};

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const dateOfDayNumber = (n: number) => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** Days since 1970-01-01 of a real calendar date YYYY-MM-DD; NaN for anything else (left to luxon). */
function dayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) return NaN;
  const n = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / DAY_MS;
  return dateOfDayNumber(n) === date ? n : NaN; // 2026-02-30 is not a date
}

/** The London calendar day of an instant. */
export const localDate = memo((instant: string) =>
  DateTime.fromISO(instant, { zone: 'utc' }).setZone(ZONE).toISODate()!,
);

/** The London wall-clock time HH:mm of an instant. */
export const localTime = memo((instant: string) =>
  DateTime.fromISO(instant, { zone: 'utc' }).setZone(ZONE).toFormat('HH:mm'),
);

const atLocalMemo = memo((dateAndTime: string) => {
  const [date, time] = dateAndTime.split(' ');
  const [hour, minute] = time.split(':').map(Number);
  return local(date).set({ hour, minute, second: 0, millisecond: 0 }).toUTC().toISO()!;
});
/** The instant (UTC ISO) of a London wall-clock time on a day; daylight saving is the zone's business. */
export function atLocal(date: string, time: string): string {
  return atLocalMemo(`${date} ${time}`);
}

export function addDays(date: string, days: number): string {
  const n = dayNumber(date);
  return Number.isNaN(n) ? local(date).plus({ days }).toISODate()! : dateOfDayNumber(n + days);
}

export function addWeeks(date: string, weeks: number): string {
  return addDays(date, 7 * weeks);
}

export function addMonths(date: string, months: number): string {
  // Month lengths do not depend on the zone either; luxon clamps the day (31 Jan + 1 month = 28 Feb).
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ months }).toISODate()!;
}

export function isWorkingDay(date: string, cal: Calendar): boolean {
  const n = dayNumber(date);
  // 1970-01-01 was a Thursday: (n + 3) % 7 is 0 on Mondays … 5 on Saturdays, 6 on Sundays.
  const weekday = Number.isNaN(n) ? local(date).weekday - 1 : (((n + 3) % 7) + 7) % 7;
  return weekday <= 4 && !cal.holidays.includes(date);
}

/** `D + n wd`: the n-th working day after D (n ≥ 1). */
export function addWorkingDays(date: string, n: number, cal: Calendar): string {
  let d = date;
  for (let left = n; left > 0;) {
    d = addDays(d, 1);
    if (isWorkingDay(d, cal)) left--;
  }
  return d;
}

/** `D − n wd`: the n-th working day before D (n ≥ 1). */
export function subtractWorkingDays(date: string, n: number, cal: Calendar): string {
  let d = date;
  for (let left = n; left > 0;) {
    d = addDays(d, -1);
    if (isWorkingDay(d, cal)) left--;
  }
  return d;
}

/** D itself if it is a working day, else the next one. */
export function onOrAfterWorkingDay(date: string, cal: Calendar): string {
  return isWorkingDay(date, cal) ? date : addWorkingDays(date, 1, cal);
}

export function closeOfBusiness(date: string): string {
  return atLocal(date, CLOSE_OF_BUSINESS);
}

export const laterOf = (a: string, b: string) => (a > b ? a : b);
export const earlierOf = (a: string, b: string) => (a < b ? a : b);
