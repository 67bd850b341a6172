// One durable workflow per claimant (`hwc-<claimantRef>`): it feeds people's events (verified Updates) and
// due deadlines into the shared step function and performs the effects it decides, as activities, in order.
// The journey state lives in memory (workflows/shell.ts); Temporal's history makes it durable and replayable.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ClaimantRecord, LegacyClaimantRecord, type Trace } from '../domain/schemas';
import { ACTIVITY_FOR_EFFECT, describeEffect, type TimerEvent } from '../machines/context';
import { TIMER_WORDS, waitingFor } from '../machines/describe';
import { acceptedEvents, isEnded, nextTimer, stageOf, toTrace, validateEvent } from '../machines/step';
import {
  decisionsQuery,
  eventSignal,
  eventUpdate,
  journeyQuery,
  trustUpdate,
  viewQuery,
  BUSY,
  type EventRequest,
  type JourneyWorkflowInput,
} from './messages';
import { JourneyProjection } from './projection';
import { JourneyShell, refusal } from './shell';

const ACTIVITY_OPTIONS = {
  startToCloseTimeout: '30s',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '2m',
    // A stub system that is down is retried until it is back; bad data never will be.
    nonRetryableErrorTypes: ['BadData'],
  },
} satisfies wf.ActivityOptions;
const activities = wf.proxyActivities<Activities>(ACTIVITY_OPTIONS);

/** Deadlines whose check re-reads the benefit system (A3.3 pre-call check, A3.1.5 deferral review). */
const READS_RECORD: readonly TimerEvent[] = ['PRE_CALL_DUE', 'REVIEW_DUE'];

export async function hwcJourney(input: JourneyWorkflowInput): Promise<Trace> {
  const { workflowId } = wf.workflowInfo();
  // Journeys recorded before signed events took unsigned Updates and the `eventSignal` Signal; they replay
  // that way. Every new journey verifies a proof on every person's event and takes no Signal at all.
  const signedEvents = wf.patched('signed-events');
  // Journeys started before the stricter record checks (office and staff-id patterns, date bounds, no
  // control characters) replay with the schema they started under.
  const recordSchema = wf.patched('strict-claimant-record') ? ClaimantRecord : LegacyClaimantRecord;
  const shell = new JourneyShell(input, workflowId, recordSchema);
  const projection = new JourneyProjection(workflowId, ACTIVITY_OPTIONS);

  // Replay safety. Core may replay an Update in the same activation as the timer or activity result that
  // preceded it live, before the main loop's continuation has run. So an Update is accepted only in a
  // workflow task where the main loop has not yet moved; otherwise it is refused as "busy" (never in
  // history) and the client sends it again.
  let loopMovedAt = -1;
  const loopMoved = () => (loopMovedAt = wf.workflowInfo().historyLength);
  const busy = () => wf.workflowInfo().historyLength === loopMovedAt;

  wf.setHandler(
    eventUpdate,
    (req) => {
      shell.accept(req);
      const t = toTrace(shell.state);
      return { stage: t.stage, status: t.status, outcome: t.outcome };
    },
    {
      validator: (req) => {
        const v = shell.check(req);
        if (!v.ok) throw refusal(v.error);
        if (busy()) throw refusal(`${BUSY} send the event again`);
      },
    },
  );
  wf.setHandler(trustUpdate, (change) => shell.acceptTrustChange(change), {
    validator: (change) => {
      const v = shell.checkTrustChange(change);
      if (!v.ok) throw refusal(v.error);
    },
  });
  if (signedEvents) {
    // The server records every Signal sent to a running workflow; none changes a journey. Dropped unread.
    wf.setDefaultSignalHandler(() => undefined);
  } else {
    wf.setHandler(eventSignal, (req) => legacySignal(shell, req));
  }
  wf.setHandler(journeyQuery, () => toTrace(shell.state));
  wf.setHandler(viewQuery, () => ({
    now: shell.businessNow(),
    workflowTimeMs: Date.now(),
    clock: shell.state.snapshot.context.now,
    stage: stageOf(shell.state.snapshot),
    ended: isEnded(shell.state),
    accepted: acceptedEvents(shell.state),
    nextTimer: nextTimer(shell.state, true),
    nextDeadline: nextTimer(shell.state, false),
    pendingEffects: shell.state.snapshot.context.effects.length - shell.performed,
    waitingFor: waitingFor(stageOf(shell.state.snapshot)),
  }));
  wf.setHandler(decisionsQuery, () => ({
    transitions: shell.state.transitions,
    rules: shell.state.snapshot.context.rules,
    effects: shell.state.snapshot.context.effects,
  }));

  async function performEffects() {
    const effects = () => shell.state.snapshot.context.effects;
    while (shell.performed < effects().length) {
      const effect = effects()[shell.performed];
      const name = ACTIVITY_FOR_EFFECT[effect.kind];
      await activities[name].executeWithOptions({ ...ACTIVITY_OPTIONS, summary: describeEffect(effect) }, [
        {
          workflowId,
          claimantRef: shell.record.claimantRef,
          effect,
          ...projection.rider(shell.state, shell.performed === effects().length - 1),
        },
      ]);
      loopMoved();
      shell.performed = effect.seq;
    }
    if (await projection.flush(shell.state)) {
      loopMoved();
      return performEffects(); // a person's event may have come in while the projection was written
    }
  }

  const deadlinesThroughTimers = wf.patched('deadlines-through-timers');
  shell.publish();
  const longHistory = () => signedEvents && shell.historyIsLong();
  while (!shell.ended) {
    await performEffects();
    if (shell.ended) break;
    if (longHistory()) {
      await wf.condition(wf.allHandlersFinished);
      if (shell.performed === shell.state.snapshot.context.effects.length)
        return wf.continueAsNew<typeof hwcJourney>(shell.nextRunInput());
      continue;
    }
    const seen = shell.version;
    const t = nextTimer(shell.state, true);
    const moved = () =>
      shell.version !== seen || shell.performed < shell.state.snapshot.context.effects.length || longHistory();
    if (!t) {
      await wf.condition(moved);
      loopMoved();
      continue;
    }
    // Always through a timer, even for a deadline already due (1 ms): whether a deadline is due is then
    // decided by the timer firing, recorded in history, never by comparing clocks (workflow time after a
    // timed-out workflow task can differ between the live run and a replay). Journeys started before this
    // change keep the old rule (no timer when already due).
    const wait = Date.parse(t.at) - (Date.now() + (input.clockOffsetMs ?? 0));
    if (deadlinesThroughTimers || wait > 0) {
      const woke = await wf.condition(moved, Math.max(1, wait), { summary: `${TIMER_WORDS[t.type]} at ${t.at}` });
      loopMoved();
      if (woke || shell.version !== seen) continue;
    }
    const fresh = READS_RECORD.includes(t.type)
      ? await activities.readClaimantRecord.executeWithOptions(
          { ...ACTIVITY_OPTIONS, summary: `JSAPS: read claimant record for the ${TIMER_WORDS[t.type]}` },
          [{ claimantRef: shell.record.claimantRef }],
        )
      : undefined;
    loopMoved();
    // A person's event may have arrived during the read: look again before the deadline is applied.
    if (shell.version !== seen) continue;
    shell.advance({ type: t.type, at: t.at, record: fresh });
  }
  await performEffects();
  await wf.condition(wf.allHandlersFinished);
  return toTrace(shell.state);
}

/** How journeys recorded before signed events handled the `eventSignal` Signal (kept for their replay). */
function legacySignal(shell: JourneyShell, req: EventRequest) {
  if (!req || typeof req !== 'object' || !req.by) return;
  const clock = shell.state.snapshot.context.now;
  const now = shell.businessNow();
  const given = typeof req.at === 'string' && !Number.isNaN(Date.parse(req.at)) ? new Date(req.at).toISOString() : null;
  if (given && Date.parse(given) > Date.parse(now) + 5 * 60_000) return;
  const at = given ?? now;
  const v = validateEvent(shell.state, req, at < clock ? clock : at);
  if (v.ok) shell.advance(v.event);
}
