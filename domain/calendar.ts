// Working days for England and Wales on Europe/London wall-clock time (spec A2).
// The holiday list is data handed in at journey start (see bank-holidays.ts) and kept in the journey,
// so that new holiday data never changes a journey already running (and replays stay identical).
//
// Speed: the caseload simulator runs these millions of times. Calendar-day arithmetic needs no time zone
// (London's clocks change at 01:00 UTC, so every London day has a midnight and days add like UTC days), and
// the zone's offset only changes on a whole UTC hour, so the Intl/luxon lookup is made once per UTC hour
// (localDate, localTime) or once per wall-clock time asked for (atLocal) and remembered. The results are
// exactly luxon's (test/unit/calendar.test.ts compares them over a century of instants).
import { DateTime } from 'luxon';

export const ZONE = 'Europe/London';
export const DEFAULT_SLOT_TIME = '10:00';
export const CLOSE_OF_BUSINESS = '17:00';
export const REVIEW_TIME = '09:00';

export interface Calendar {
  /** England and Wales bank holidays, YYYY-MM-DD, sorted. */
  readonly holidays: readonly string[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** Remembered lookups are dropped when a cache reaches this size (a bound on memory, not on correctness). */
const CACHE_LIMIT = 100_000;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** London's UTC offset in minutes during the UTC hour starting at `hour * 1 h`. */
const offsets = new Map<number, number>();
function offsetMinutes(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  const known = offsets.get(hour);
  if (known !== undefined) return known;
  return remember(offsets, hour, DateTime.fromMillis(hour * HOUR_MS, { zone: ZONE }).offset);
}

let lastInstant = '';
let lastWall: string | null = null;
/** The London wall-clock reading of an instant as an ISO string `YYYY-MM-DDTHH:mm:…` (UTC-formatted).
 *  One step asks about the same instant (its logical time) many times: the last answer is kept. */
function wallClock(instant: string): string | null {
  if (instant === lastInstant) return lastWall;
  const ms = Date.parse(instant);
  lastInstant = instant;
  lastWall = Number.isNaN(ms) ? null : new Date(ms + offsetMinutes(ms) * 60_000).toISOString();
  return lastWall;
}

/** The London calendar day of an instant. */
export function localDate(instant: string): string {
  const wall = wallClock(instant);
  return wall ? wall.slice(0, 10) : DateTime.fromISO(instant, { zone: 'utc' }).setZone(ZONE).toISODate()!;
}

/** The London wall-clock time HH:mm of an instant. */
export function localTime(instant: string): string {
  const wall = wallClock(instant);
  return wall ? wall.slice(11, 16) : DateTime.fromISO(instant, { zone: 'utc' }).setZone(ZONE).toFormat('HH:mm');
}

const instants = new Map<string, string>();
/** The instant (UTC ISO) of a London wall-clock time on a day; daylight saving is the zone's business
 *  (a time the spring change skips is luxon's choice, as before). */
export function atLocal(date: string, time: string): string {
  const key = `${date}T${time}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  const [hour, minute] = time.split(':').map(Number);
  const value = DateTime.fromISO(date, { zone: ZONE })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toUTC()
    .toISO()!;
  return remember(instants, key, value);
}

const dayNumber = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export function addDays(date: string, days: number): string {
  return dateOf(dayNumber(date) + days);
}

export function addWeeks(date: string, weeks: number): string {
  return addDays(date, 7 * weeks);
}

/** Calendar months; a day the target month lacks becomes its last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const d = Number(date.slice(8, 10));
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, last))).toISOString().slice(0, 10);
}

/** Monday = 1 … Sunday = 7, as luxon counts. */
const weekday = (date: string) => ((((dayNumber(date) + 3) % 7) + 7) % 7) + 1;

const holidaySets = new WeakMap<readonly string[], Set<string>>();
function holidaySet(cal: Calendar): Set<string> {
  let set = holidaySets.get(cal.holidays);
  if (!set) holidaySets.set(cal.holidays, (set = new Set(cal.holidays)));
  return set;
}

export function isWorkingDay(date: string, cal: Calendar): boolean {
  return weekday(date) <= 5 && !holidaySet(cal).has(date);
}

/** `D + n wd`: the n-th working day after D (n ≥ 1). */
export function addWorkingDays(date: string, n: number, cal: Calendar): string {
  const holidays = holidaySet(cal);
  let day = dayNumber(date);
  for (let left = n; left > 0;) {
    day++;
    const d = dateOf(day);
    if ((((day + 3) % 7) + 7) % 7 < 5 && !holidays.has(d)) left--;
  }
  return dateOf(day);
}

/** `D − n wd`: the n-th working day before D (n ≥ 1). */
export function subtractWorkingDays(date: string, n: number, cal: Calendar): string {
  const holidays = holidaySet(cal);
  let day = dayNumber(date);
  for (let left = n; left > 0;) {
    day--;
    const d = dateOf(day);
    if ((((day + 3) % 7) + 7) % 7 < 5 && !holidays.has(d)) left--;
  }
  return dateOf(day);
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
