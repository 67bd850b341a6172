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

/** The London calendar day of an instant. */
export function localDate(instant: string): string {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(ZONE).toISODate()!;
}

/** The London wall-clock time HH:mm of an instant. */
export function localTime(instant: string): string {
  return DateTime.fromISO(instant, { zone: 'utc' }).setZone(ZONE).toFormat('HH:mm');
}

/** The instant (UTC ISO) of a London wall-clock time on a day; daylight saving is the zone's business. */
export function atLocal(date: string, time: string): string {
  const [hour, minute] = time.split(':').map(Number);
  return local(date).set({ hour, minute, second: 0, millisecond: 0 }).toUTC().toISO()!;
}

export function addDays(date: string, days: number): string {
  return local(date).plus({ days }).toISODate()!;
}

export function addWeeks(date: string, weeks: number): string {
  return local(date).plus({ weeks }).toISODate()!;
}

export function addMonths(date: string, months: number): string {
  return local(date).plus({ months }).toISODate()!;
}

export function isWorkingDay(date: string, cal: Calendar): boolean {
  return local(date).weekday <= 5 && !cal.holidays.includes(date);
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
