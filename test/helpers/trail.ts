// The decision trail (`hwc audit`, rebuilt by replaying a history) against the journey's own record of what
// it applied (`transitions`, from the `journey` query or the workflow's result): one entry per input, in the
// order applied, with the same stages, times and senders; every effect named once, in order.
import type { History } from '@temporalio/common/lib/proto-utils';
import { expect } from 'vitest';
import type { Trace } from '../../domain/schemas';
import type { DecisionEntry } from '../../workflows/messages';
import { isPersonEvent } from '../../machines/step';

/**
 * The trail's entries that `transitions` records: every person's event and every change of stage. (The trail
 * also lists deadlines that act without moving the stage, a reminder SMS say; `transitions` leaves those out,
 * see machines/step.ts. `CONTINUED` starts a run after continue-as-new and applies no input.)
 */
export const trailSteps = (trail: DecisionEntry[]) =>
  trail
    .filter((e) => e.input !== 'CONTINUED' && (e.input === 'START' || isPersonEvent(e.input) || e.from !== e.to))
    .map((e) => ({ at: e.at, input: e.input, from: e.from, to: e.to, by: e.by?.staffId ?? null }));

export const transitionSteps = (t: Trace['transitions']) =>
  t.map((x) => ({ at: x.at, input: x.event, from: x.from, to: x.to, by: x.by ?? null }));

export function expectTrailMatches(trail: DecisionEntry[], trace: Trace, what: string) {
  expect(trailSteps(trail), `${what}: the trail's inputs and stages`).toEqual(transitionSteps(trace.transitions));
  const seqs = trail.flatMap((e) => e.effects.map((f) => f.seq));
  expect(seqs, `${what}: each effect once, in order`).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
}

/** The trace a completed journey returned, from its history (payloads as JSON, not encrypted). */
export function resultOf(history: History): Trace | null {
  const done = history.events?.find((e) => e.workflowExecutionCompletedEventAttributes);
  const p = done?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
  if (!p?.data) return null;
  return JSON.parse(Buffer.from(p.data).toString('utf8')) as Trace;
}
