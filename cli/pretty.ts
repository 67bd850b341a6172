// A trace as a timeline a person can read: every dated entry in time order. A trace comes from the
// server, so every value in it is printed terminal-safe.
import type { Trace } from '../domain/schemas';
import { terminalSafe } from './terminal';

export function prettyTrace(t: Trace): string {
  const rows: [string, string][] = [];
  for (const x of t.transitions) rows.push([x.at, `${x.event}${x.by ? ` by ${x.by}` : ''}: ${x.from} → ${x.to}`]);
  for (const a of t.appointments) rows.push([a.at, `  appointment ${a.kind} with ${a.workCoach}: ${a.status}`]);
  for (const l of t.letters) rows.push([l.at, `  letter ${l.type}`]);
  for (const n of t.notifications) rows.push([n.at, `  notification ${n.type}`]);
  for (const m of t.markers) rows.push([m.at, `  marker ${m.marker}: ${m.stage}`]);
  for (const d of t.doubts) {
    rows.push([d.raisedAt, '  doubt raised']);
    if (d.withdrawnAt) rows.push([d.withdrawnAt, '  doubt withdrawn']);
  }
  for (const e of t.escalations) rows.push([e.at, `  escalation to team leader: ${e.reason}`]);
  if (t.referredToDmAt) rows.push([t.referredToDmAt, '  referred to the LM decision maker (DART)']);
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const head = [
    `${t.claimantRef}: ${t.status} in ${t.stage}`,
    `outcome ${t.outcome ?? '—'}${t.reason ? ` (${t.reason})` : ''}${t.dmDecision ? ` decision ${t.dmDecision}` : ''}; easement ${t.easementUsed ? 'used' : 'unused'}`,
    '',
  ];
  return (
    head
      .concat(rows.map(([at, text]) => `${at.replace('T', ' ').slice(0, 16)}  ${text}`))
      .map(terminalSafe)
      .join('\n') + '\n'
  );
}
