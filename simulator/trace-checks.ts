// The invariants of journey.md A6 that can be read off a finished trace (B5) and its decision log alone:
// what the chaos run checks on every journey it ran against real servers.
import type { Trace } from '../domain/schemas';

export function traceViolations(t: Trace, rules: readonly string[] = []): string[] {
  const v: string[] = [];
  const hwcs = t.appointments.filter((a) => a.kind === 'HWC');
  const preCalls = t.appointments.filter((a) => a.kind === 'PRE_CALL');
  if (t.outcome === 'SANCTION_REFERRED') {
    if (!t.doubts.length) v.push('A6.1: referred without a doubt');
    if (!hwcs.some((a) => a.status === 'fta' || a.status === 'ftp')) v.push('A6.1: referred without a failure');
    if (!t.referredToDmAt) v.push('A6.1: outcome SANCTION_REFERRED without a referral time');
  }
  if (rules.filter((r) => r.startsWith('easement available')).length > 1) v.push('A6.2: easement used twice');
  if (t.easementUsed !== rules.some((r) => r.startsWith('easement available')) && rules.length)
    v.push('A6.2: easementUsed flag disagrees with the decisions');
  if (t.outcome === 'EXEMPT' || t.outcome === 'NOT_REQUIRED') {
    if (t.referredToDmAt) v.push('A6.3: referred although exempt or not required');
    if (t.appointments.some((a) => a.kind !== 'FOLLOW_UP' && a.status === 'booked'))
      v.push('A6.3: appointment left booked');
    if (t.doubts.some((d) => d.raisedAt > t.endedAt! || d.withdrawnAt === null))
      v.push('A6.3: doubt open after the outcome');
  }
  if (t.outcome === 'HWC_COMPLETED') {
    if (t.referredToDmAt || t.doubts.some((d) => d.raisedAt >= t.endedAt!))
      v.push('A6.4: sanction step after completion');
  }
  const invitations = t.letters.filter((l) => l.type === 'ESAHWC1').length;
  if (invitations !== hwcs.length) v.push(`A6.5: ${hwcs.length} HWCs booked but ${invitations} ESAHWC1 letters`);
  if (preCalls.length !== hwcs.length) v.push(`A6.5: ${hwcs.length} HWCs but ${preCalls.length} pre-calls`);
  // A case moved to another coach takes its booked HWC along, while a pre-call already held stays with the
  // coach who held it.
  const moved = (p: { at: string; status: string }) =>
    p.status === 'held' && t.transitions.some((x) => x.event === 'WORK_COACH_CHANGED' && x.at >= p.at);
  for (const p of preCalls)
    if (!hwcs.some((h) => (h.workCoach === p.workCoach || moved(p)) && h.at >= p.at))
      v.push(`A6.5: pre-call at ${p.at} has no later HWC with the same coach`);
  if (t.appointments.some((a) => a.status === 'cancelled') && !t.notifications.some((n) => n.type === 'CANCELLATION'))
    v.push('A6.7: cancellation without notification');
  if (t.status === 'ended' && !t.outcome) v.push('ended without an outcome');
  return v;
}
