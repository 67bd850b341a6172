// The delivery rule of journey.md B4, written once for both engines: the pure one (no server) and the
// Temporal one (a real workflow on the time-skipping test server). Each engine answers "what do you
// accept, what is your next deadline" and performs "deliver this event at t" and "advance to t".
import {
  EVENT_TYPES,
  JourneyEvent,
  ROLES_FOR_EVENT,
  describeZodError,
  type JourneyEventType,
  type Scenario,
  type Trace,
} from '../domain/schemas';
import { defaultIdentity, isPersonEvent } from '../machines/step';

export interface EngineView {
  /** Logical time of the engine's clock. */
  now: string;
  ended: boolean;
  stage: string;
  accepted: JourneyEventType[];
  /** Earliest pending timer, escalations included. */
  nextTimer: { type: string; at: string } | null;
  /** Earliest pending deadline that is not a repeating escalation. */
  nextDeadline: { type: string; at: string } | null;
}

export interface Engine {
  view(): Promise<EngineView>;
  /** Deliver a validated event at logical time `at`; rejects with the engine's reason if refused. */
  deliver(event: JourneyEvent & { at: string }): Promise<void>;
  /** Fire every timer due at or before `at`, in order, and move the clock to `at`. */
  advanceTo(at: string): Promise<void>;
  trace(): Promise<Trace>;
}

/** A scenario the rules cannot run: exit code 2, with the event, the state and what it accepts. */
export class ScenarioError extends Error {
  readonly exitCode = 2;
}

export interface RunOptions {
  onProgress?: (line: string) => void;
}

/** The same UTC time a year later (29 February → 28 February), as luxon's `plus({ years: 1 })` gives. */
export function oneYearAfter(t: string): string {
  const d = new Date(t);
  const month = d.getUTCMonth();
  d.setUTCFullYear(d.getUTCFullYear() + 1);
  if (d.getUTCMonth() !== month) d.setUTCDate(0); // 29 Feb became 1 Mar: back to the month's last day
  return d.toISOString();
}

/** B2/B4: parse each scripted event (payload and role) before anything runs. */
export function parseScenarioEvents(scenario: Scenario): (JourneyEvent & { at?: string })[] {
  return scenario.events.map((raw, i) => {
    const type = raw.type;
    if (!isPersonEvent(type))
      throw new ScenarioError(
        `events[${i}].type: unknown event type ${JSON.stringify(type)}; known types: ${EVENT_TYPES.join(', ')}`,
      );
    const parsed = JourneyEvent.safeParse(raw);
    if (!parsed.success) throw new ScenarioError(`events[${i}] (${type}): ${describeZodError(parsed.error)}`);
    const event = parsed.data;
    const roles = ROLES_FOR_EVENT[type];
    if (event.by && !roles.includes(event.by.role))
      throw new ScenarioError(
        `events[${i}].by.role: ${event.by.role} may not record ${type}; needs ${roles.join(' or ')}`,
      );
    return { ...event, by: event.by ?? defaultIdentity(type) };
  });
}

export async function runScenario(scenario: Scenario, engine: Engine, opts: RunOptions = {}): Promise<Trace> {
  const events = parseScenarioEvents(scenario);
  let lastDelivery = scenario.start;

  const stop = (i: number, type: string, v: EngineView, why: string): never => {
    throw new ScenarioError(
      `events[${i}] ${type} ${why}: the journey is in state ${v.stage}${v.ended ? ' (ended)' : ''}; it accepts: ${v.accepted.join(', ') || 'nothing'}`,
    );
  };

  for (const [i, event] of events.entries()) {
    for (;;) {
      const v = await engine.view();
      if (v.ended) stop(i, event.type, v, 'cannot be delivered');
      const due = event.at && event.at > v.now ? event.at : null;
      if (!due && v.accepted.includes(event.type)) {
        try {
          await engine.deliver({ ...event, at: v.now });
        } catch (e) {
          throw new ScenarioError(`events[${i}] ${event.type} was rejected: ${(e as Error).message}`);
        }
        opts.onProgress?.(`${v.now} ${event.type} delivered`);
        lastDelivery = v.now;
        break;
      }
      const goal = due ?? v.nextDeadline?.at;
      if (!goal)
        stop(
          i,
          event.type,
          v,
          v.nextTimer ? 'is not accepted and only escalations are ahead' : 'is not accepted and nothing is pending',
        );
      if (goal! > oneYearAfter(lastDelivery))
        stop(i, event.type, v, 'was not accepted within a year of simulated time');
      const target = v.nextTimer && v.nextTimer.at <= goal! ? v.nextTimer.at : goal!;
      await engine.advanceTo(target);
    }
  }
  // Then run out the deadlines: until the journey ends or waits for a person with only escalations ahead.
  for (;;) {
    const v = await engine.view();
    if (v.ended || !v.nextDeadline) break;
    if (v.nextDeadline.at > oneYearAfter(lastDelivery))
      throw new ScenarioError(`the journey is still waiting in state ${v.stage} a year after the last event`);
    await engine.advanceTo(v.nextTimer!.at);
  }
  return engine.trace();
}
