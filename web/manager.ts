// The manager's page: the MI figures of `hwc mi` (client/mi.ts over the projection in hwc's database) for
// one of the manager's offices (all offices for "*") and a period, with the attendance funnel and the
// outcomes per week drawn by mi/charts.ts. No figure is counted here: the page only reads and validates
// the selection.
import { ProjectionStore } from '../activities/projection';
import type { Db } from '../db';
import { LocalDate } from '../domain/schemas';
import { miFigures } from '../client/mi';
import { figuresTables, funnelChart, weeklyOutcomesChart } from '../mi/charts';
import type { FieldError } from './event-form';
import { londonTime } from './views';

export interface ManagerQuery {
  office: string;
  from: string;
  to: string;
}

const ALL = '*';

/** The offices a manager may choose: each of theirs, or every office ("*" first) when they act for all. */
export async function officeChoices(db: Db, offices: readonly string[]): Promise<string[]> {
  if (offices.includes(ALL)) return [ALL, ...(await new ProjectionStore(db).offices())];
  return [...offices];
}

/** Reads and checks the page's query: bad dates and an office not the manager's are named, nothing is read. */
export function readManagerQuery(params: URLSearchParams, choices: readonly string[]) {
  const q: ManagerQuery = {
    office: (params.get('office') ?? choices[0] ?? '').trim(),
    from: (params.get('from') ?? '').trim(),
    to: (params.get('to') ?? '').trim(),
  };
  const errors: (FieldError & { href: string; text: string })[] = [];
  const fail = (field: keyof ManagerQuery, message: string) =>
    errors.push({ field, message, href: `#${field}`, text: message });
  if (!choices.includes(q.office)) fail('office', 'Office: choose one of your offices');
  if (q.from && !LocalDate.safeParse(q.from).success) fail('from', 'From: must be a calendar date YYYY-MM-DD');
  if (q.to && !LocalDate.safeParse(q.to).success) fail('to', 'To: must be a calendar date YYYY-MM-DD');
  if (!errors.length && q.from && q.to && q.from > q.to) fail('to', `To: must be on or after the from date ${q.from}`);
  return { query: q, errors };
}

export async function managerFigures(db: Db, q: ManagerQuery) {
  const { figures, source } = await miFigures(new ProjectionStore(db), {
    office: q.office === ALL ? undefined : q.office,
    from: q.from || undefined,
    to: q.to || undefined,
  });
  return {
    figures,
    source,
    journeys: figures.journeys,
    asOf: source.updatedAt ? londonTime(source.updatedAt) : null,
    // Escaped HTML from mi/charts.ts: each chart is an SVG with a title and description, then its data table.
    funnel: funnelChart(figures),
    weekly: weeklyOutcomesChart(figures),
    tables: figuresTables(figures),
  };
}
