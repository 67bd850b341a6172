// Stubs of LMS (case system), JSAPS (benefit system) and the letter/SMS service. Plain async functions
// taking one typed object, built by a factory with their dependencies; each write is idempotent on
// (workflow id, effect sequence number), so retries and replays never send a second letter.
import { ApplicationFailure } from '@temporalio/activity';
import { ClaimantRecord } from '../domain/schemas';
import { ACTIVITY_FOR_EFFECT, type EffectActivityName, type RecordedEffect } from '../machines/context';
import type { ProjectionRow, ProjectionStore } from './projection';
import type { StubStore, StubSystem } from './store';

export interface EffectRequest {
  workflowId: string;
  claimantRef: string;
  effect: RecordedEffect;
  /** The journey's MI projection row, riding on the last effect of a step (activities/projection.ts). */
  projection?: ProjectionRow;
}

export interface EffectResult {
  key: string;
  /** false when this effect had already been performed (a retry or a replay). */
  performed: boolean;
}

export const idempotencyKey = (workflowId: string, seq: number) => `${workflowId}#${seq}`;

export interface ActivityDeps {
  store: StubStore;
  /** How long each call to a stub system takes: real systems are not instant (chaos runs, benchmarks). */
  latencyMs?: number;
  /** Where MI projection rows go; without it they are dropped (tests of the stubs alone). */
  projection?: ProjectionStore;
}

type EffectActivities = Record<EffectActivityName, (req: EffectRequest) => Promise<EffectResult>>;

export function createActivities({ store, latencyMs = 0, projection }: ActivityDeps) {
  const latency = () => (latencyMs > 0 ? new Promise((r) => setTimeout(r, latencyMs)) : Promise.resolve());
  const refuseWhileDown = (system: StubSystem) => {
    const until = store.faultUntil(system);
    if (until)
      throw ApplicationFailure.retryable(`${system.toUpperCase()} unavailable until ${until}`, 'SystemUnavailable');
  };

  const perform = async ({
    workflowId,
    claimantRef,
    effect,
    projection: row,
  }: EffectRequest): Promise<EffectResult> => {
    if (!workflowId || !claimantRef || !effect?.kind || !Number.isInteger(effect.seq))
      throw ApplicationFailure.nonRetryable('effect request lacks workflowId, claimantRef or effect', 'BadData');
    const system: StubSystem = effect.kind.startsWith('comms.') ? 'comms' : 'lms';
    refuseWhileDown(system);
    await latency();
    const key = idempotencyKey(workflowId, effect.seq);
    const { kind, at, seq: _seq, ...details } = effect;
    const tx = store.db.transaction(() => {
      const performed = store.record({ key, workflowId, claimantRef, system, kind, at, details });
      if (performed && effect.kind === 'lms.bookAppointment')
        store.upsertAppointment({
          workflowId,
          appointmentId: effect.appointmentId,
          claimantRef,
          kind: effect.appointment,
          at: effect.appointmentAt,
          workCoach: effect.workCoach,
          status: 'booked',
        });
      if (performed && effect.kind === 'lms.updateAppointment')
        store.setAppointmentStatus(workflowId, effect.appointmentId, effect.status);
      if (performed && effect.kind === 'lms.moveAppointment')
        store.setAppointmentCoach(workflowId, effect.appointmentId, effect.workCoach);
      return performed;
    });
    const performed = tx();
    // After the effect: a failed write retries the activity, and the effect is not done twice.
    if (row && projection) await projection.write(row);
    return { key, performed };
  };

  const effectActivities = Object.fromEntries(
    Object.values(ACTIVITY_FOR_EFFECT).map((name) => [name, perform]),
  ) as EffectActivities;

  return {
    ...effectActivities,
    /** JSAPS dialogues: the record as the benefit system holds it now; null when it holds none. */
    async readClaimantRecord({ claimantRef }: { claimantRef: string }): Promise<ClaimantRecord | null> {
      refuseWhileDown('jsaps');
      const raw = store.getClaimant(claimantRef);
      if (raw === null) return null;
      const parsed = ClaimantRecord.safeParse(raw);
      if (!parsed.success)
        throw ApplicationFailure.nonRetryable(
          `JSAPS record for ${claimantRef} is not a valid ClaimantRecord`,
          'BadData',
        );
      return parsed.data;
    },
    /** A step that changed the trace without an effect to carry its projection row (activities/projection.ts). */
    async projectJourney(row: ProjectionRow): Promise<{ written: boolean }> {
      return { written: projection ? await projection.write(row) : false };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
