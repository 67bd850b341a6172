// The bank holidays the working-day figures need: every year the traces span (claim starts to outcomes).
import { bankHolidays } from '../domain/bank-holidays';
import type { Calendar } from '../domain/calendar';
import type { Trace } from '../domain/schemas';

export function calendarForTraces(traces: readonly Trace[]): Calendar {
  let from = 9999;
  let to = 0;
  for (const t of traces) {
    from = Math.min(from, Number(t.claimStartDate.slice(0, 4)));
    to = Math.max(to, Number((t.endedAt ?? t.transitions.at(-1)?.at ?? t.claimStartDate).slice(0, 4)));
  }
  return { holidays: from > to ? [] : bankHolidays(from, to + 1) };
}
