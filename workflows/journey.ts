// One durable workflow per claimant (`hwc-<claimantRef>`): it feeds people's events (Updates, Signals)
// and due deadlines into the shared step function and performs the effects it decides, as activities, in
// order. The journey state lives in memory; Temporal's history makes it durable and replayable.
import * as wf from '@temporalio/workflow';
import type { Activities } from '../activities';
import { ClaimantRecord, LegacyClaimantRecord, type Trace } from '../domain/schemas';
import { ACTIVITY_FOR_EFFECT, describeEffect, type TimerEvent } from '../machines/context';
import { TIMER_WORDS, waitingFor } from '../machines/describe';
import {
  acceptedEvents,
  isEnded,
  nextTimer,
  stageOf,
  startJourney,
  step,
  toTrace,
  validateEvent,
  type JourneyState,
  type MachineEvent,
  type Validation,
} from '../machines/step';
import {
  decisionsQuery,
  eventSignal,
  eventUpdate,
  journeyQuery,
  viewQuery,
  BUSY,
  type AuditSinks,
  type EventRequest,
  type JourneyWorkflowInput,
} from './messages';
import { HwcEasementUsed, HwcNextDeadline, HwcOffice, HwcOutcome, HwcStage, HwcWorkCoach } from './search-attributes';

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

const { audit } = wf.proxySinks<AuditSinks>();

/** How far ahead of the workflow clock a client may date an event (clock skew between machines). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
/** Deadlines whose check re-reads the benefit system (A3.3 pre-call check, A3.1.5 deferral review). */
const READS_RECORD: readonly TimerEvent[] = ['PRE_CALL_DUE', 'REVIEW_DUE'];

export async function hwcJourney(input: JourneyWorkflowInput): Promise<Trace> {
  const offset = input.clockOffsetMs ?? 0;
  const businessNow = () => new Date(Date.now() + offset).toISOString();
  const { workflowId } = wf.workflowInfo();
  // Journeys started before the stricter record checks (office and staff-id patterns, date bounds, no
  // control characters) replay with the schema they started under.
  const recordSchema = wf.patched('strict-claimant-record') ? ClaimantRecord : LegacyClaimantRecord;
  const parsed = recordSchema.safeParse(input.record);
  if (!parsed.success)
    throw wf.ApplicationFailure.nonRetryable('input.record is not a valid ClaimantRecord', 'BadData');
  const record = parsed.data;

  let state: JourneyState = startJourney({
    office: input.office,
    record,
    start: input.start ?? businessNow(),
    holidays: input.holidays,
  });
  let version = 0;
  let performed = 0;
  // Declared before the handlers: an Update that arrived with the start is handled inside setHandler.
  let publishedStage = '';
  let publishedDeadline: string | null | undefined;

  const check = (req: EventRequest): Validation => {
    if (!req || typeof req !== 'object') return { ok: false, error: 'event: must be an object' };
    if (!req.by) return { ok: false, error: `${String(req.type)}.by: every event must carry {staffId, role}` };
    const now = businessNow();
    const given =
      typeof req.at === 'string' && !Number.isNaN(Date.parse(req.at)) ? new Date(req.at).toISOString() : null;
    if (given && Date.parse(given) > Date.parse(now) + FUTURE_TOLERANCE_MS)
      return { ok: false, error: `${String(req.type)}.at: ${given} is in the future (now ${now})` };
    const clock = state.snapshot.context.now;
    const at = given ?? now;
    return validateEvent(state, req, at < clock ? clock : at);
  };

  const accept = (req: EventRequest) => {
    const v = check(req);
    if (!v.ok) throw wf.ApplicationFailure.nonRetryable(v.error, 'InvalidEvent');
    advance(v.event);
  };

  // Replay safety. Core may replay an Update in the same activation as the timer or activity result that
  // preceded it live, before the main loop's continuation has run. So an Update is accepted only in a
  // workflow task where the main loop has not yet moved; otherwise it is refused as "busy" (never in
  // history) and the client sends it again. Signals are history events and replay in their own order.
  let loopMovedAt = -1;
  const loopMoved = () => (loopMovedAt = wf.workflowInfo().historyLength);

  wf.setHandler(
    eventUpdate,
    (req) => {
      accept(req);
      const t = toTrace(state);
      return { stage: t.stage, status: t.status, outcome: t.outcome };
    },
    {
      validator: (req) => {
        const v = check(req);
        if (!v.ok) throw new Error(v.error);
        if (wf.workflowInfo().historyLength === loopMovedAt) throw new Error(`${BUSY} send the event again`);
      },
    },
  );
  wf.setHandler(eventSignal, (req) => {
    const v = check(req);
    // Fire-and-forget clients get no answer: a refused signal is logged (no personal data) and dropped.
    if (!v.ok) wf.log.warn('event signal refused', { type: String(req?.type), reason: v.error });
    else advance(v.event);
  });
  wf.setHandler(journeyQuery, () => toTrace(state));
  wf.setHandler(viewQuery, () => ({
    now: businessNow(),
    clock: state.snapshot.context.now,
    stage: stageOf(state.snapshot),
    ended: isEnded(state),
    accepted: acceptedEvents(state),
    nextTimer: nextTimer(state, true),
    nextDeadline: nextTimer(state, false),
    pendingEffects: state.snapshot.context.effects.length - performed,
    waitingFor: waitingFor(stageOf(state.snapshot)),
  }));
  wf.setHandler(decisionsQuery, () => ({
    transitions: state.transitions,
    rules: state.snapshot.context.rules,
    effects: state.snapshot.context.effects,
  }));

  /** Apply one input, tell the audit trail what was decided, publish the new stage. */
  function advance(input: MachineEvent) {
    const before = state;
    state = step(state, input);
    version++;
    report(before, input);
    publish();
  }

  function report(before: JourneyState, input: MachineEvent | null) {
    const c0 = before.snapshot.context;
    const c = state.snapshot.context;
    const by = input && 'by' in input && input.by ? { staffId: input.by.staffId, role: input.by.role } : null;
    audit.decision({
      at: input?.at ?? c.now,
      input: input?.type ?? 'START',
      by,
      from: input ? stageOf(before.snapshot) : 'new',
      to: stageOf(state.snapshot),
      rules: c.rules.slice(input ? c0.rules.length : 0).map((r) => r.rule),
      effects: c.effects
        .slice(input ? c0.effects.length : 0)
        .map((e) => ({ seq: e.seq, at: e.at, kind: e.kind, description: describeEffect(e) })),
    });
  }

  function publish() {
    const c = state.snapshot.context;
    const stage = stageOf(state.snapshot);
    const next = nextTimer(state, true);
    if (input.searchAttributes !== false && (stage !== publishedStage || next?.at !== publishedDeadline)) {
      wf.upsertSearchAttributes([
        { key: HwcStage, value: stage },
        { key: HwcOffice, value: input.office },
        { key: HwcWorkCoach, value: c.workCoach },
        { key: HwcOutcome, value: c.outcome ?? 'NONE' },
        { key: HwcNextDeadline, value: next ? new Date(next.at) : null },
        { key: HwcEasementUsed, value: c.easementUsed },
      ]);
    }
    publishedStage = stage;
    publishedDeadline = next?.at ?? null;
    wf.setCurrentDetails(details());
  }

  function details(): string {
    const c = state.snapshot.context;
    const stage = stageOf(state.snapshot);
    const next = nextTimer(state, true);
    const open = c.doubts.find((d) => d.withdrawnAt === null);
    return [
      `**Stage:** ${stage}`,
      `**Waiting for:** ${waitingFor(stage)}`,
      `**Next deadline:** ${next ? `${next.at} (${TIMER_WORDS[next.type]})` : 'none'}`,
      `**Outcome:** ${c.outcome ? `${c.outcome}${c.reason ? ` (${c.reason})` : ''}` : 'none yet'}`,
      `**Easement used:** ${c.easementUsed ? 'yes' : 'no'}`,
      `**Open doubt:** ${open ? `raised ${open.raisedAt}` : 'none'}`,
      `**Work coach:** ${c.workCoach} · **Office:** ${input.office}`,
    ].join('\n\n');
  }

  async function performEffects() {
    const effects = () => state.snapshot.context.effects;
    while (performed < effects().length) {
      const effect = effects()[performed];
      const name = ACTIVITY_FOR_EFFECT[effect.kind];
      await activities[name].executeWithOptions({ ...ACTIVITY_OPTIONS, summary: describeEffect(effect) }, [
        { workflowId, claimantRef: record.claimantRef, effect },
      ]);
      loopMoved();
      performed = effect.seq;
    }
  }

  const deadlinesThroughTimers = wf.patched('deadlines-through-timers');
  report(state, null);
  publish();
  while (!isEnded(state)) {
    await performEffects();
    if (isEnded(state)) break;
    const seen = version;
    const t = nextTimer(state, true);
    const moved = () => version !== seen || performed < state.snapshot.context.effects.length;
    if (!t) {
      await wf.condition(moved);
      loopMoved();
      continue;
    }
    // Always through a timer, even for a deadline already due (1 ms): whether a deadline is due is then
    // decided by the timer firing, recorded in history, never by comparing clocks (workflow time after a
    // timed-out workflow task can differ between the live run and a replay). Journeys started before this
    // change keep the old rule (no timer when already due).
    const wait = Date.parse(t.at) - (Date.now() + offset);
    if (deadlinesThroughTimers || wait > 0) {
      const woke = await wf.condition(moved, Math.max(1, wait), { summary: `${TIMER_WORDS[t.type]} at ${t.at}` });
      loopMoved();
      if (woke || version !== seen) continue;
    }
    const fresh = READS_RECORD.includes(t.type)
      ? await activities.readClaimantRecord.executeWithOptions(
          { ...ACTIVITY_OPTIONS, summary: `JSAPS: read claimant record for the ${TIMER_WORDS[t.type]}` },
          [{ claimantRef: record.claimantRef }],
        )
      : null;
    loopMoved();
    // A person's event may have arrived during the read: look again before the deadline is applied.
    if (version !== seen) continue;
    advance({ type: t.type, at: t.at, record: fresh ?? undefined });
  }
  await performEffects();
  await wf.condition(wf.allHandlersFinished);
  return toTrace(state);
}
