// The caseload through visibility: list queries on the Hwc* search attributes (no workflow is woken up),
// and one case through its queries. Used by `hwc cases` / `hwc show` and tests.
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { z } from 'zod';
import { ZONE } from '../domain/calendar';
import { OfficeMnemonic, StaffId, type Trace } from '../domain/schemas';
import { WAITING_FOR, waitingFor } from '../machines/describe';
import { journeyQuery, viewQuery, workflowIdFor, type JourneyView } from '../workflows/messages';
import { HwcNextDeadline, HwcOffice, HwcOutcome, HwcStage, HwcWorkCoach } from '../workflows/search-attributes';

/**
 * Stages where the next step is an event a work coach or SDS records (the case waits on them, not on the
 * claimant, a team leader, the decision maker or a clock): what `--waiting-on-me` lists.
 */
export const WAITING_ON_COACH_STAGES = [
  'awaitingReassignment',
  'awaitingDeferralDecision',
  'awaitingBookingCall',
  'awaitingPreCallResult',
  'awaitingAttendance',
  'inConversation',
  'awaitingFtaCall',
  'awaitingSafeguardVisit',
] as const;

/** Stages a journey can be seen in (the search attribute's values): `screening` at start, then the waits. */
export const KNOWN_STAGES = ['screening', ...Object.keys(WAITING_FOR)];

export interface CaseFilter {
  stage?: string;
  office?: string;
  coach?: string;
  waitingOnMe?: string;
  overdue?: boolean;
  /** Running cases whose next deadline falls in the current London week (Monday 00:00 to Monday 00:00). */
  thisWeek?: boolean;
  running?: boolean;
  /** "now" for --overdue and --this-week (tests pin it). */
  now?: Date;
}

export class BadFilterError extends Error {}

/** A value in a visibility query, checked against its own pattern first (nothing else is ever quoted). */
const quote = (what: string, v: string, schema: z.ZodType<string> = StaffId) => {
  const parsed = schema.safeParse(v);
  if (!parsed.success) throw new BadFilterError(`${what}: ${parsed.error.issues[0].message}`);
  return `'${v}'`;
};

/** The visibility query for a filter (Temporal's SQL-like list filter). */
export function caseQuery(f: CaseFilter): string {
  const parts = [`WorkflowType = 'hwcJourney'`];
  if (f.stage !== undefined) {
    if (!KNOWN_STAGES.includes(f.stage))
      throw new BadFilterError(`--stage: unknown stage "${f.stage}"; stages: ${KNOWN_STAGES.join(', ')}`);
    parts.push(`HwcStage = '${f.stage}'`);
  }
  if (f.office !== undefined) parts.push(`HwcOffice = ${quote('--office', f.office, OfficeMnemonic)}`);
  if (f.coach !== undefined && f.waitingOnMe !== undefined && f.coach !== f.waitingOnMe)
    throw new BadFilterError('--coach and --waiting-on-me name different work coaches: give one');
  const coach = f.waitingOnMe ?? f.coach;
  if (coach !== undefined)
    parts.push(`HwcWorkCoach = ${quote(f.waitingOnMe !== undefined ? '--waiting-on-me' : '--coach', coach)}`);
  if (f.waitingOnMe !== undefined)
    parts.push(`HwcStage IN (${WAITING_ON_COACH_STAGES.map((s) => `'${s}'`).join(', ')})`);
  if (f.overdue) parts.push(`HwcNextDeadline < '${(f.now ?? new Date()).toISOString()}'`);
  if (f.thisWeek) {
    const { from, to } = londonWeek(f.now ?? new Date());
    parts.push(`HwcNextDeadline >= '${from}' AND HwcNextDeadline < '${to}'`);
  }
  if (f.running || f.overdue || f.thisWeek || f.waitingOnMe !== undefined) parts.push(`ExecutionStatus = 'Running'`);
  return parts.join(' AND ');
}

/** The London week of an instant: Monday 00:00 to the next Monday 00:00, as UTC instants. */
export function londonWeek(now: Date): { from: string; to: string } {
  const monday = DateTime.fromJSDate(now).setZone(ZONE).startOf('week');
  return { from: monday.toUTC().toISO()!, to: monday.plus({ weeks: 1 }).toUTC().toISO()! };
}

export interface CaseRow {
  claimantRef: string;
  workflowId: string;
  status: string;
  stage: string;
  waitingFor: string;
  nextDeadline: string | null;
  outcome: string | null;
  office: string | null;
  workCoach: string | null;
}

export function caseRow(w: WorkflowExecutionInfo): CaseRow {
  const sa = w.typedSearchAttributes;
  const stage = sa.get(HwcStage) ?? 'unknown';
  const outcome = sa.get(HwcOutcome);
  const deadline = sa.get(HwcNextDeadline);
  const running = w.status.name === 'RUNNING';
  return {
    claimantRef: w.workflowId.replace(/^hwc-/, ''),
    workflowId: w.workflowId,
    status: w.status.name,
    stage,
    // A journey stopped from outside (terminated, failed) keeps its last stage but waits for nothing.
    waitingFor:
      running || w.status.name === 'COMPLETED' ? waitingFor(stage) : `nothing: workflow ${w.status.name.toLowerCase()}`,
    nextDeadline: running && deadline ? deadline.toISOString() : null,
    outcome: outcome && outcome !== 'NONE' ? outcome : null,
    office: sa.get(HwcOffice) ?? null,
    workCoach: sa.get(HwcWorkCoach) ?? null,
  };
}

/** Every case matching the filter, soonest deadline first (cases without one last), then by reference. */
export async function listCases(client: Client, f: CaseFilter, limit = Infinity): Promise<CaseRow[]> {
  const rows: CaseRow[] = [];
  for await (const w of client.workflow.list({ query: caseQuery(f) })) {
    rows.push(caseRow(w));
    if (rows.length >= limit) break;
  }
  return rows.sort(
    (a, b) =>
      (a.nextDeadline ?? '~').localeCompare(b.nextDeadline ?? '~') || a.claimantRef.localeCompare(b.claimantRef),
  );
}

export class UnknownClaimantError extends Error {}

/** One case: its trace (`journey` query) and what it waits for now (`view` query). */
export async function getCase(
  client: Client,
  claimantRef: string,
): Promise<{ trace: Trace; view: JourneyView; status: string }> {
  const handle = client.workflow.getHandle(workflowIdFor(claimantRef));
  try {
    const d = await handle.describe();
    const [trace, view] = await Promise.all([handle.query(journeyQuery), handle.query(viewQuery)]);
    return { trace, view, status: d.status.name };
  } catch (e) {
    if (e instanceof WorkflowNotFoundError) throw new UnknownClaimantError(noJourney(claimantRef));
    throw e;
  }
}

export const noJourney = (claimantRef: string) =>
  `no journey for claimant ${claimantRef} (workflow ${workflowIdFor(claimantRef)} not found): check the reference, or start it with hwc report`;
