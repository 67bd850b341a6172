// "My work today" for a work coach: their running cases that wait on them, grouped the way the day runs,
// overdue first and then soonest deadline. Read from visibility (client/cases.ts), so no journey is woken.
import type { Client } from '@temporalio/client';
import { actsFor } from '../domain/staff';
import { listCases, type CaseRow } from './cases';

export interface WorkGroup {
  key: string;
  title: string;
  /** What the coach does for each case of the group. */
  action: string;
  stages: readonly string[];
}

/** In the order of a coach's day (issue 13). Stages not listed do not wait on the coach. */
export const WORK_GROUPS: readonly WorkGroup[] = [
  { key: 'booking', title: 'Booking calls to make', action: 'Phone to book', stages: ['awaitingBookingCall'] },
  { key: 'precall', title: 'Pre-calls due', action: 'Phone to confirm', stages: ['awaitingPreCallResult'] },
  {
    key: 'today',
    title: 'Conversations today',
    action: 'Mark attended or failed to attend',
    stages: ['awaitingAttendance'],
  },
  { key: 'record', title: 'Conversations to record', action: 'Record the conversation', stages: ['inConversation'] },
  { key: 'fta', title: 'FTA calls to make', action: 'Phone after the missed appointment', stages: ['awaitingFtaCall'] },
  {
    key: 'windows',
    title: 'Contact and doubt windows closing',
    action: 'Record contact from the claimant',
    stages: ['contactWindow', 'doubtWindow'],
  },
  {
    key: 'safeguard',
    title: 'Safeguard visits to arrange',
    action: 'Arrange the visit and record it',
    stages: ['awaitingSafeguardVisit'],
  },
  {
    key: 'deferral',
    title: 'Deferrals to decide',
    action: 'Defer or proceed',
    stages: ['awaitingDeferralDecision'],
  },
];

export interface WorkRow extends CaseRow {
  overdue: boolean;
}

export interface WorkToday {
  groups: (WorkGroup & { rows: WorkRow[] })[];
  total: number;
  overdue: number;
}

/** Groups rows (already in deadline order) for a coach; rows of offices the person does not act for are dropped. */
export function groupWork(rows: CaseRow[], offices: readonly string[], now = new Date()): WorkToday {
  const at = now.toISOString();
  const work = rows
    .filter((r) => r.status === 'RUNNING' && (!r.office || actsFor(offices, r.office)))
    .map((r) => ({ ...r, overdue: !!r.nextDeadline && r.nextDeadline < at }))
    // Overdue on top, then soonest deadline (listCases already sorts by deadline; keep it stable).
    .sort((a, b) => Number(b.overdue) - Number(a.overdue));
  const groups = WORK_GROUPS.map((g) => ({ ...g, rows: work.filter((r) => g.stages.includes(r.stage)) }));
  const listed = groups.flatMap((g) => g.rows);
  return { groups, total: listed.length, overdue: listed.filter((r) => r.overdue).length };
}

export async function workToday(
  client: Client,
  staffId: string,
  offices: readonly string[],
  now = new Date(),
): Promise<WorkToday> {
  const rows = await listCases(client, { coach: staffId, running: true });
  return groupWork(rows, offices, now);
}
