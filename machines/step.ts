// The one step function both engines drive: (journey state, input) → new journey state, whose context holds
// the effects to perform. The simulator feeds it scripted events and a simulated clock; the Temporal
// workflow feeds it Updates and timers. Same inputs at the same logical times → the same trace.
import { createActor, type AnyActorScope, type AnyStateMachine, type SnapshotFrom } from 'xstate';
import { localDate } from '../domain/calendar';
import { eventDateProblem } from '../domain/plausibility';
import {
  EVENT_TYPES,
  JourneyEvent,
  ROLES_FOR_EVENT,
  describeZodError,
  type JourneyEventType,
  type StaffIdentity,
  type Trace,
} from '../domain/schemas';
import {
  REPEATING_TIMERS,
  TIMER_EVENTS,
  type JourneyInput,
  type RecordedEffect,
  type RuleFired,
  type TimerEvent,
} from './context';
import { journeyMachine, type MachineEvent, type PersonEvent, type TimerInput } from './journey';

export type JourneySnapshot = SnapshotFrom<typeof journeyMachine>;

/**
 * The actor scope every step runs in. XState's `transition()` and `initialTransition()` build a throw-away
 * actor on each call, and with it a whole initial snapshot of the machine (about a quarter of a step's CPU
 * in the caseload simulator's profile). The journey machine spawns no actors and has no actions but
 * `assign` (which XState applies inside the transition itself), so one inert scope, made once when this
 * module loads (for the worker: when the shared modules load, before any journey) and whose action executor
 * discards, gives the same snapshots. `actionExecutor` is reset on each call, because XState swaps it
 * during a macrostep and a throw would leave its wrapper behind.
 */
const discard = () => {};
const inertScope: AnyActorScope = (() => {
  const self = createActor(journeyMachine as AnyStateMachine); // no input: as XState's own inert scope
  return {
    self,
    id: '',
    sessionId: '',
    logger: discard,
    defer: discard,
    emit: discard,
    stopChild: discard,
    system: self.system,
    actionExecutor: discard,
  } as unknown as AnyActorScope;
})();
const scope = () => {
  inertScope.actionExecutor = discard;
  return inertScope;
};

export interface TransitionRecord {
  at: string;
  event: string;
  from: string;
  to: string;
  by: string | null;
}

/**
 * One input as the journey applied it: what the decision trail prints. A person's event or a deadline is one
 * entry; a deadline already due when an input finishes (a zero wait) is an entry of its own, after it.
 */
export interface AppliedInput {
  at: string;
  input: string;
  by: StaffIdentity | null;
  from: string;
  to: string;
  rules: RuleFired[];
  effects: RecordedEffect[];
}

/** The whole journey: the machine snapshot plus the transition log the trace shows. */
export interface JourneyState {
  snapshot: JourneySnapshot;
  transitions: TransitionRecord[];
}

export const isPersonEvent = (type: string): type is JourneyEventType =>
  (EVENT_TYPES as readonly string[]).includes(type);

/** The leaf state name: `awaitingPreCallResult`, `completed`, … */
export function stageOf(snapshot: JourneySnapshot): string {
  let value: unknown = snapshot.value;
  while (value && typeof value === 'object') value = Object.values(value)[0];
  return String(value);
}

export const isEnded = (s: JourneyState) => s.snapshot.status === 'done';

export function startJourney(input: JourneyInput, log?: AppliedInput[]): JourneyState {
  const snapshot = journeyMachine.getInitialSnapshot(scope(), input);
  const started: JourneyState = {
    snapshot,
    transitions: [{ at: input.start, event: 'START', from: 'new', to: stageOf(snapshot), by: null }],
  };
  const c = snapshot.context;
  log?.push({
    at: input.start,
    input: 'START',
    by: null,
    from: 'new',
    to: stageOf(snapshot),
    rules: c.rules,
    effects: c.effects,
  });
  return drainDueTimers(started, log);
}

/** A journey carried over from an earlier run (continue-as-new): the same snapshot, the same transitions. */
export function resumeJourney(saved: {
  value: JourneySnapshot['value'];
  context: JourneySnapshot['context'];
  transitions: TransitionRecord[];
}): JourneyState {
  const snapshot = journeyMachine.resolveState({ value: saved.value, context: saved.context });
  return { snapshot, transitions: saved.transitions };
}

/** Person events the journey accepts in its current state (whatever the payload). */
export function acceptedEvents(s: JourneyState): JourneyEventType[] {
  if (isEnded(s)) return [];
  const types = new Set<string>();
  for (const node of s.snapshot._nodes) for (const t of node.ownEvents) types.add(t);
  return EVENT_TYPES.filter((t) => types.has(t));
}

/** The earliest pending timer; `includeRepeating: false` skips escalations (B4's stop rule). */
export function nextTimer(s: JourneyState, includeRepeating = true): TimerInput | null {
  if (isEnded(s)) return null;
  let best: TimerInput | null = null;
  for (const type of TIMER_EVENTS) {
    const at = s.snapshot.context.timers[type];
    if (!at || (!includeRepeating && REPEATING_TIMERS.includes(type))) continue;
    if (!best || at < best.at) best = { type, at };
  }
  return best;
}

export type Validation = { ok: true; event: PersonEvent } | { ok: false; error: string };

/**
 * B2 validation, in the order a person would want to hear about problems: unknown type, bad payload,
 * wrong role, not accepted now, then the checks that need the clock. Rejections change nothing.
 */
export function validateEvent(s: JourneyState, raw: unknown, at: string): Validation {
  const fail = (error: string): Validation => ({ ok: false, error });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return fail('event: must be a JSON object with a "type"');
  const type = (raw as { type?: unknown }).type;
  if (typeof type !== 'string' || !isPersonEvent(type))
    return fail(
      `type: unknown event type ${String(JSON.stringify(type)).slice(0, 60)}; known types: ${EVENT_TYPES.join(', ')}`,
    );
  const parsed = JourneyEvent.safeParse(raw);
  if (!parsed.success) return fail(`${type}: ${describeZodError(parsed.error)}`);
  const event = parsed.data;
  const roles = ROLES_FOR_EVENT[type];
  if (event.by && !roles.includes(event.by.role))
    return fail(`${type}.by.role: ${event.by.role} may not record ${type}; needs ${roles.join(' or ')}`);
  const stage = stageOf(s.snapshot);
  const accepted = acceptedEvents(s);
  if (!accepted.includes(type))
    return fail(
      `${type} is not accepted in state ${stage}${isEnded(s) ? ' (the journey has ended)' : ''}; accepted now: ${accepted.join(', ') || 'none'}`,
    );
  const later = (field: string, value: string | undefined) =>
    value !== undefined && value <= at ? `${type}.${field}: must be after the event's time ${at}` : null;
  const problem =
    ('slot' in event ? later('slot', event.slot) : null) ??
    ('followUp' in event ? later('followUp', event.followUp) : null) ??
    (event.type === 'DEFER' && event.until <= localDate(at)
      ? `DEFER.until: must be after the event's day ${localDate(at)}`
      : null) ??
    eventDateProblem(event, at);
  if (problem) return fail(problem);
  return { ok: true, event: { ...event, at } };
}

/** A default identity for inputs that carry none (scenario files): the first role the event needs. */
export function defaultIdentity(type: JourneyEventType, staffId = 'scenario'): StaffIdentity {
  return { staffId, role: ROLES_FOR_EVENT[type][0] };
}

/** Apply one input at its logical time, then fire any deadline already due (a zero wait). `log` collects
 *  one entry per input applied, for the decision trail. */
export function step(s: JourneyState, input: MachineEvent, log?: AppliedInput[]): JourneyState {
  return drainDueTimers(apply(s, input, log), log);
}

function apply(s: JourneyState, input: MachineEvent, log?: AppliedInput[]): JourneyState {
  const from = stageOf(s.snapshot);
  const clocked = journeyMachine.resolveState({
    value: s.snapshot.value,
    context: { ...s.snapshot.context, now: input.at },
  });
  const snapshot = journeyMachine.transition(clocked, input, scope());
  const to = stageOf(snapshot);
  const person = isPersonEvent(input.type);
  if (log) {
    const c0 = s.snapshot.context;
    const c = snapshot.context;
    log.push({
      at: input.at,
      input: input.type,
      by: person ? ((input as PersonEvent).by ?? null) : null,
      from,
      to,
      rules: c.rules.slice(c0.rules.length),
      effects: c.effects.slice(c0.effects.length),
    });
  }
  if (!person && from === to) return { snapshot, transitions: s.transitions };
  const by = person ? ((input as PersonEvent).by?.staffId ?? null) : null;
  return { snapshot, transitions: [...s.transitions, { at: input.at, event: input.type, from, to, by }] };
}

function drainDueTimers(s: JourneyState, log?: AppliedInput[]): JourneyState {
  let state = s;
  for (let guard = 0; guard < 100; guard++) {
    const due = nextTimer(state);
    if (!due || due.at > state.snapshot.context.now) return state;
    state = apply(state, due, log);
  }
  throw new Error('timers keep firing at the same instant: the machine is looping');
}

/** Effects recorded after sequence number `seq` (what the shell still has to perform). */
export const effectsAfter = (s: JourneyState, seq: number): RecordedEffect[] =>
  s.snapshot.context.effects.filter((e) => e.seq > seq);

/** B5: the trace, built only from the journey state. */
export function toTrace(s: JourneyState): Trace {
  const c = s.snapshot.context;
  return {
    claimantRef: c.record.claimantRef,
    office: c.office,
    workCoach: c.workCoach,
    claimStartDate: c.record.claim.startDate,
    status: isEnded(s) ? 'ended' : 'running',
    stage: stageOf(s.snapshot),
    outcome: c.outcome,
    reason: c.reason,
    dmDecision: c.dmDecision,
    easementUsed: c.easementUsed,
    appointments: c.appointments
      .map(({ kind, at, workCoach, status, id }) => ({ kind, at, workCoach, status, id }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id - b.id))
      .map(({ id: _id, ...a }) => a),
    letters: c.letters,
    notifications: c.notifications,
    markers: c.markers,
    doubts: c.doubts,
    referredToDmAt: c.referredToDmAt,
    deferrals: c.deferrals,
    contacts: c.contacts,
    escalations: c.escalations,
    transitions: s.transitions,
    endedAt: c.endedAt,
  };
}

export type { TimerEvent, TimerInput, PersonEvent, MachineEvent };
