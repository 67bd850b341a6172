// A case's timeline from its trace (the `journey` query): appointments, letters, notifications, markers,
// doubts, escalations, deferrals, contacts and transitions (with the verified staff id that caused each).
import type { Trace } from '../domain/schemas';
import { eventWords, stageWords, valueWords } from './words';

export interface TimelineEntry {
  at: string;
  kind: string;
  text: string;
  by?: string | null;
}

export function timeline(t: Trace): TimelineEntry[] {
  const out: TimelineEntry[] = [];
  for (const x of t.transitions)
    out.push({
      at: x.at,
      kind: 'Stage',
      text:
        x.event === 'START'
          ? `Journey started: ${stageWords(x.to)}`
          : `${eventWords(x.event)}: ${stageWords(x.from)} → ${stageWords(x.to)}`,
      by: x.by,
    });
  for (const a of t.appointments)
    out.push({ at: a.at, kind: 'Appointment', text: `${valueWords(a.kind)} with ${a.workCoach}: ${a.status}` });
  for (const l of t.letters) out.push({ at: l.at, kind: 'Letter', text: `Letter ${l.type}` });
  for (const n of t.notifications) out.push({ at: n.at, kind: 'Notification', text: valueWords(n.type) });
  for (const m of t.markers)
    out.push({ at: m.at, kind: 'Marker', text: `${m.marker} marker (${stageWords(m.stage)})` });
  for (const d of t.doubts) {
    out.push({ at: d.raisedAt, kind: 'Doubt', text: 'Doubt raised' });
    if (d.withdrawnAt) out.push({ at: d.withdrawnAt, kind: 'Doubt', text: 'Doubt withdrawn' });
  }
  for (const e of t.escalations) out.push({ at: e.at, kind: 'Escalation', text: `Escalated: ${e.reason}` });
  for (const d of t.deferrals)
    out.push({ at: d.at, kind: 'Deferral', text: `Deferred (${valueWords(d.category)}) until ${d.until}` });
  for (const c of t.contacts)
    out.push({
      at: c.at,
      kind: 'Contact',
      text: `${eventWords(c.event)}: ${c.reached ? 'claimant reached' : 'not reached'}`,
    });
  if (t.referredToDmAt) out.push({ at: t.referredToDmAt, kind: 'Referral', text: 'Referred to a decision maker' });
  // Newest first, as staff read a case's history.
  return out.sort((a, b) => b.at.localeCompare(a.at));
}
