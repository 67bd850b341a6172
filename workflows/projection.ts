// The journey's side of the MI projection (activities/projection.ts): after each step the projection row
// (the trace at a version that only grows) rides on the request of the step's last effect, so most steps
// cost no extra activity; only a step that changed the trace without any effect (a deadline that moves the
// stage, a pre-call confirmed, a decision recorded) sends it through the `projectJourney` activity.
// New activity calls are behind the `mi-projection` patch: a journey recorded before it replays exactly,
// and starts projecting at its next step once it runs on this code.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ProjectionRow } from '../activities/projection';
import { nextTimer, toTrace, type JourneyState } from '../machines/step';

export const PROJECTION_PATCH = 'mi-projection';

/** Transitions plus effects: every change of the trace adds at least one of them, and neither ever shrinks. */
export const projectionVersion = (s: JourneyState) => s.transitions.length + s.snapshot.context.effects.length;

export function projectionRow(workflowId: string, s: JourneyState): ProjectionRow {
  return { workflowId, version: projectionVersion(s), nextDeadline: nextTimer(s, true)?.at ?? null, trace: toTrace(s) };
}

export class JourneyProjection {
  /** The version last handed to an activity (0: none yet in this run). */
  private sent = 0;
  private readonly activities: Pick<Activities, 'projectJourney'>;

  constructor(
    private readonly workflowId: string,
    options: wf.ActivityOptions,
  ) {
    this.activities = wf.proxyActivities<Pick<Activities, 'projectJourney'>>({ ...options, summary: 'MI projection' });
  }

  /** Fields for an effect activity's request: the row, when this is the last effect the step left to do. */
  rider(s: JourneyState, lastPending: boolean): { projection?: ProjectionRow } {
    if (!lastPending || !wf.patched(PROJECTION_PATCH)) return {};
    const row = projectionRow(this.workflowId, s);
    this.sent = row.version;
    return { projection: row };
  }

  /** When the effects are done: a row of its own if the trace moved past the last one sent. Resolves to
   *  whether it ran an activity (the caller's loop moved). */
  async flush(s: JourneyState): Promise<boolean> {
    if (projectionVersion(s) <= this.sent || !wf.patched(PROJECTION_PATCH)) return false;
    const row = projectionRow(this.workflowId, s);
    this.sent = row.version;
    await this.activities.projectJourney(row);
    return true;
  }
}
