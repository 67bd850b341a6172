// England and Wales bank holidays from the maintained `date-holidays` rules (region GB-ENG), including
// substitute days and one-off holidays. Called only by the shells when a journey starts: the list is then
// part of the journey's input, so a later update of the rules never changes a running journey.
import Holidays from 'date-holidays';

const englandAndWales = new Holidays('GB', 'ENG');

export function bankHolidays(fromYear: number, toYear: number): string[] {
  const days: string[] = [];
  for (let y = fromYear; y <= toYear; y++)
    for (const h of englandAndWales.getHolidays(y))
      if (h.type === 'public' || h.type === 'bank') days.push(h.date.slice(0, 10));
  return [...new Set(days)].sort();
}

/** The holidays a journey starting at `start` can meet: that year and the two after. */
export function holidaysForJourney(start: string): string[] {
  const year = Number(start.slice(0, 4));
  return bankHolidays(year - 1, year + 2);
}
