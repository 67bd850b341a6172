// The pure engine: the step function on a simulated clock, no server. Policy teams use it as a what-if
// tool (`hwc simulate`); tests use it as the reference the Temporal engine must match.
import { holidaysForJourney } from '../domain/bank-holidays';
import { CURRENT_POLICY, type Policy } from '../domain/policy';
import type { JourneyEvent, Scenario, Trace } from '../domain/schemas';
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
} from '../machines/step';
import type { Engine, EngineView } from './runner';

export class PureEngine implements Engine {
  state: JourneyState;
  private clock: string;

  constructor(scenario: Scenario, holidays = holidaysForJourney(scenario.start), policy: Policy = CURRENT_POLICY) {
    this.clock = scenario.start;
    this.state = startJourney({
      office: scenario.office,
      record: scenario.claimant,
      start: scenario.start,
      holidays,
      policy,
    });
  }

  async view(): Promise<EngineView> {
    return {
      now: this.clock,
      ended: isEnded(this.state),
      stage: stageOf(this.state.snapshot),
      accepted: acceptedEvents(this.state),
      nextTimer: nextTimer(this.state, true),
      nextDeadline: nextTimer(this.state, false),
    };
  }

  async deliver(event: JourneyEvent & { at: string }): Promise<void> {
    const checked = validateEvent(this.state, event, event.at);
    if (!checked.ok) throw new Error(checked.error);
    this.state = step(this.state, checked.event);
  }

  async advanceTo(at: string): Promise<void> {
    for (let t = nextTimer(this.state); t && t.at <= at; t = nextTimer(this.state)) {
      // A deadline re-reads the benefit system (JSAPS); here the record is the scenario's.
      this.state = step(this.state, t);
    }
    if (at > this.clock) this.clock = at;
  }

  async trace(): Promise<Trace> {
    return toTrace(this.state);
  }
}
