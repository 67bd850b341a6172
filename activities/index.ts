// Stubs of LMS (case system), JSAPS (benefit system) and the letter/SMS service. Plain async functions
// taking one typed object, built by a factory with their dependencies; each write is idempotent on
// (workflow id, effect sequence number), so retries and replays never send a second letter.
import { ApplicationFailure, Context } from '@temporalio/activity';
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

/** After this many attempts a missing claimant record is escalated to a person (and still retried). */
export const MISSING_RECORD_ESCALATION_ATTEMPT = 3;

export function createActivities({ store, latencyMs = 0, projection }: ActivityDeps) {
  const latency = () => (latencyMs > 0 ? new Promise((r) => setTimeout(r, latencyMs)) : Promise.resolve());
  const refuseWhileDown = async (system: StubSystem) => {
    const until = await store.faultUntil(system);
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
    await refuseWhileDown(system);
    await latency();
    const key = idempotencyKey(workflowId, effect.seq);
    const { kind, at, seq: _seq, ...details } = effect;
    // One transaction: the outbox row (its primary key is the idempotency key) and the diary change are
    // written together or not at all, whichever worker runs the attempt.
    const performed = await store.transaction(async (tx) => {
      const first = await tx.record({ key, workflowId, claimantRef, system, kind, at, details });
      if (first && effect.kind === 'lms.bookAppointment')
        await tx.upsertAppointment({
          workflowId,
          appointmentId: effect.appointmentId,
          claimantRef,
          kind: effect.appointment,
          at: effect.appointmentAt,
          workCoach: effect.workCoach,
          status: 'booked',
        });
      if (first && effect.kind === 'lms.updateAppointment')
        await tx.setAppointmentStatus(workflowId, effect.appointmentId, effect.status);
      if (first && effect.kind === 'lms.moveAppointment')
        await tx.setAppointmentCoach(workflowId, effect.appointmentId, effect.workCoach);
      return first;
    });
    // After the effect: a failed write retries the activity, and the effect is not done twice.
    if (row && projection) await projection.write(row);
    return { key, performed };
  };

  const effectActivities = Object.fromEntries(
    Object.values(ACTIVITY_FOR_EFFECT).map((name) => [name, perform]),
  ) as EffectActivities;

  return {
    ...effectActivities,
    /**
     * JSAPS dialogues: the record as the benefit system holds it now. No record is never an answer (the
     * journey would go on with what it held, silently stale): it is a retryable failure, and from the
     * third attempt on the team leader is told in LMS, once per (workflow, check), so a person looks.
     */
    async readClaimantRecord({ claimantRef }: { claimantRef: string }): Promise<ClaimantRecord> {
      await refuseWhileDown('jsaps');
      const raw = await store.getClaimant(claimantRef);
      if (raw === null) {
        const info = activityInfo();
        if (info && info.attempt >= MISSING_RECORD_ESCALATION_ATTEMPT)
          await store.record({
            key: `${info.workflowId}#record-missing#${info.activityId}`,
            workflowId: info.workflowId,
            claimantRef,
            system: 'lms',
            kind: 'lms.escalate',
            at: new Date().toISOString(),
            details: {
              to: 'team leader',
              reason: `JSAPS holds no claimant record for ${claimantRef}: the journey waits until it is there`,
            },
          });
        throw ApplicationFailure.retryable(`JSAPS holds no claimant record for ${claimantRef}`, 'RecordMissing');
      }
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

/** The running activity's workflow id, activity id and attempt; null when called outside an activity. */
function activityInfo(): { workflowId: string; activityId: string; attempt: number } | null {
  try {
    const info = Context.current().info;
    const workflowId = info.workflowExecution?.workflowId;
    if (!workflowId) return null;
    return { workflowId, activityId: info.activityId, attempt: info.attempt };
  } catch {
    return null;
  }
}

export type Activities = ReturnType<typeof createActivities>;
